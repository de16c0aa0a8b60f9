/**
 * Collections into S3 with the production workflow and activities on a real dev server and a real
 * S3 API server: a retry downloads only what was not committed (the committed object is checked by
 * size and sha256 first), quarantined lines are merged through the store, collecting twice leaves
 * the same objects, and a bucket that disappears fails the collection at once, saying what to fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBatchCancellation } from '../../src/client/cancellations';
import { s3Settings } from '../../src/results/s3/client';
import { S3ResultsStore } from '../../src/results/s3/s3-store';
import { FailureType } from '../../src/contract/failure-types';
import type { CancelBatchResult } from '../../src/contract/results';
import { startS3Server, type S3Server } from '../../tools/devtools/s3-server';
import { createHarness, digestFile, type Harness } from '../helpers/cancel-harness';
import { applicationFailureOf } from '../helpers/failures';
import { createDevServerEnv } from '../helpers/temporal-env';
import { fastPoll } from '../reliability/support';

jest.setTimeout(180_000);

const BUCKET = 'obc-collect';
const DOOMED = 'obc-doomed';

describe('collecting into S3', () => {
  let env: TestWorkflowEnvironment;
  let s3: S3Server;
  let h: Harness;
  let doomed: Harness;

  const storeOn = (bucket: string) => {
    const { client } = s3Settings(s3.env);
    return new S3ResultsStore({ client, bucket, prefix: 'r' });
  };

  beforeAll(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    [env, s3] = await Promise.all([createDevServerEnv(), startS3Server({ buckets: [BUCKET, DOOMED] })]);
    h = await createHarness(
      env,
      { timing: { cancelDelayMs: 300, perRequestMs: 10_000 } },
      { results: storeOn(BUCKET) },
    );
    await h.startWorker({ maxLineBytes: 64 * 1024 });
    // Its own seed: batch ids (and so workflow ids) differ from the other simulator's.
    doomed = await createHarness(
      env,
      { seed: 7, timing: { cancelDelayMs: 300, perRequestMs: 10_000 } },
      { results: storeOn(DOOMED) },
    );
    await doomed.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    await doomed?.close();
    await s3?.stop();
    await env?.teardown();
  });
  afterEach(() => h?.sim.setFaults({}));

  async function expectExactInS3(result: CancelBatchResult): Promise<void> {
    const batch = h.sim.getBatch(result.batchId)!;
    for (const [fileId, file] of [
      [batch.output_file_id, 'output'],
      [batch.error_file_id, 'errors'],
    ] as const) {
      const actual = await digestFile((await h.store.read(result.batchId, file))!);
      expect({ file, ...actual }).toEqual({ file, ...(await h.sim.expectedFile(fileId!)) });
    }
  }

  async function objects(prefix: string): Promise<Record<string, string>> {
    const { client } = s3Settings(s3.env);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return Object.fromEntries((listed.Contents ?? []).map((o) => [o.Key ?? '', `${o.Size}`]));
  }

  it('downloads only the files not yet committed when one download fails', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 1_000, completedFraction: 0.6 });
    // The 1st content call (output) succeeds, the 2nd (errors) is cut short.
    h.sim.injectFault('files.content', { kind: 'latency', ms: 0 });
    h.sim.injectFault('files.content', { kind: 'cut_body', afterBytes: 500 });
    const before = h.sim.stats().requests['files.content'];
    const result = await h.cancel({ batchId: batch.id, poll: fastPoll });
    await expectExactInS3(result);
    // output once, errors twice (cut, then whole), input once: the committed output is kept.
    expect(h.sim.stats().requests['files.content'] - before).toBe(4);
    expect(result.results!.output!.path).toBe(`s3://${BUCKET}/r/${batch.id}/output.jsonl`);
  });

  it('merges quarantined lines through the store, and collecting twice leaves the same objects', async () => {
    h.sim.setFaults({ malformedLineRate: 0.02 });
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 2_000, completedFraction: 0.5 });
    const first = await h.cancel({ batchId: batch.id, poll: fastPoll });
    const results = first.results!;
    expect(results.quarantined).toBeGreaterThan(0);
    expect(results.quarantinePath).toBe(`s3://${BUCKET}/r/${batch.id}/quarantine.jsonl`);
    const quarantine = await digestFile((await h.store.read(batch.id, 'quarantine'))!);
    expect(quarantine.lines).toBe(results.quarantined);
    // The per-file parts were merged and removed; the sha256 of a file with quarantined lines is
    // of what was stored.
    const listed = await objects(`r/${batch.id}/`);
    expect(Object.keys(listed).filter((k) => k.endsWith('.part'))).toEqual([]);
    expect((await digestFile((await h.store.read(batch.id, 'output'))!)).sha256).toBe(results.output!.sha256);

    const again = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      { taskQueue: h.taskQueue, rerunIfFinished: true },
    );
    const second = await again.result();
    expect(second.results!.output!.sha256).toBe(results.output!.sha256);
    expect(second.results!.remaining!.lines).toBe(results.remaining!.lines);
    expect(await objects(`r/${batch.id}/`)).toEqual(listed);
  });

  it('a bucket that disappears fails the collection at once with a ResultsStoreError saying what to fix', async () => {
    const batch = doomed.sim.seedBatch({ status: 'in_progress', requests: 200, completedFraction: 0.5 });
    fs.rmSync(path.join(s3.dataDir, DOOMED), { recursive: true, force: true });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      {
        taskQueue: doomed.taskQueue,
      },
    );
    const cause = await applicationFailureOf(handle.result());
    expect(cause).toMatchObject({ type: FailureType.ResultsStore, nonRetryable: true });
    expect(cause.message).toMatch(/bucket does not exist: create it, or fix the bucket in RESULTS_URL/);
    expect(cause.message).toMatch(/gave up after 1 storage failure;/);
  });
});
