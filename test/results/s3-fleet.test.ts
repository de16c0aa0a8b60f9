/**
 * Results on S3 for a fleet: two workers (their own processes) on one task queue write into one
 * bucket of a real S3 API server. The worker running the collection is killed (SIGKILL) in the
 * middle of a multipart upload; the other one finishes it, the objects are byte-exact, no line is
 * lost or doubled and no multipart upload is left open. Readers on another machine (here: another
 * directory) read the same bucket; a worker that cannot use the bucket refuses to start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBatchCancellation } from '../../src/client/cancellations';
import { storeOfDirectory } from '../../src/results/open-store';
import { s3Settings } from '../../src/results/s3/client';
import type { CancelBatchResult } from '../../src/contract/results';
import { startS3Server, type S3Server } from '../../tools/devtools/s3-server';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { digestFile } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import {
  fastPoll,
  printFigures,
  ROOT,
  runScript,
  startChildWorker,
  waitFor,
  type ChildWorker,
} from '../reliability/support';

jest.setTimeout(300_000);

const BUCKET = 'obc-fleet';
const PREFIX = 'team/results';

describe('results on S3 shared by two workers', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let s3: S3Server;
  const workers: ChildWorker[] = [];
  const taskQueue = `s3-fleet-${process.pid}`;
  let result: CancelBatchResult;

  const workerEnv = (extra: Record<string, string> = {}) => ({
    ...s3.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: sim.url,
    OPENAI_API_KEY: sim.apiKey,
    RESULTS_URL: `s3://${BUCKET}/${PREFIX}`,
    ...extra,
  });

  beforeAll(async () => {
    [env, sim, s3] = await Promise.all([
      createDevServerEnv(),
      startSimulator({ timing: { perRequestMs: 10_000 } }),
      startS3Server({ buckets: [BUCKET] }),
    ]);
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  });
  afterAll(async () => {
    for (const w of workers) {
      if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
      await w.exited;
    }
    await sim?.close();
    await s3?.stop();
    await env?.teardown();
  });

  const s3Client = () => s3Settings(s3.env).client;

  async function openUploads(): Promise<{ Key: string; UploadId: string }[]> {
    const page = await s3Client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    return (page.Uploads ?? []).map((u) => ({ Key: u.Key ?? '', UploadId: u.UploadId ?? '' }));
  }

  it('a worker killed mid-upload: the other finishes, objects exact, no upload left open', async () => {
    workers.push(await startChildWorker(workerEnv()), await startChildWorker(workerEnv()));
    const batch = sim.seedBatch({
      status: 'in_progress',
      requests: 80_000,
      completedFraction: 0.7,
      cancelDelayMs: 2_000,
    });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      { taskQueue },
    );

    // The collection is uploading: a multipart upload under the batch's prefix has parts.
    const upload = await waitFor(
      'a multipart upload with parts',
      async () => {
        for (const u of await openUploads()) {
          if (!u.Key.startsWith(`${PREFIX}/${batch.id}/`)) continue;
          // The upload may complete (or abort) between the listing and this call: not yet, then.
          const parts = await s3Client()
            .send(new ListPartsCommand({ Bucket: BUCKET, Key: u.Key, UploadId: u.UploadId }))
            .catch(() => undefined);
          if (parts && (parts.Parts ?? []).length >= 1) return { key: u.Key, parts: parts.Parts!.length };
        }
        return false;
      },
      180_000,
      25,
    );
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    const identity = pending.find((a) => a.activityType?.name === 'collectResults')?.lastWorkerIdentity ?? '';
    const victim = workers.find((w) => identity.startsWith(`${w.proc.pid}@`));
    expect(victim).toBeDefined();
    const downloadsBefore = sim.stats().requests['files.content'];
    victim!.proc.kill('SIGKILL');
    await victim!.exited;

    result = await handle.result();
    expect(result.finalStatus).toBe('cancelled');
    // The survivor downloaded again what the victim had not committed.
    expect(sim.stats().requests['files.content']).toBeGreaterThan(downloadsBefore);
    const results = result.results!;
    expect(results.directory).toBe(`s3://${BUCKET}/${PREFIX}/${batch.id}/`);
    expect(results.output!.path).toBe(`s3://${BUCKET}/${PREFIX}/${batch.id}/output.jsonl`);
    expect(results.summaryPath).toBe(`s3://${BUCKET}/${PREFIX}/${batch.id}/summary.json`);

    // Byte-exact against what the API served, read back through S3 as any reader would.
    const store = storeOfDirectory(results.directory, batch.id, s3.env);
    const served = sim.getBatch(batch.id)!;
    let lines = 0;
    for (const [fileId, file] of [
      [served.output_file_id, 'output'],
      [served.error_file_id, 'errors'],
    ] as const) {
      const actual = await digestFile((await store.read(batch.id, file))!);
      expect({ file, ...actual }).toEqual({ file, ...(await sim.expectedFile(fileId!)) });
      lines += actual.lines;
    }
    expect(lines).toBe(80_000);
    expect(results.output!.lines + results.errors!.lines).toBe(lines);
    const summary = JSON.parse(await readAll(await store.read(batch.id, 'summary'))) as { batchId: string };
    expect(summary.batchId).toBe(batch.id);
    // The victim's upload was aborted by the survivor's attempt; nothing else is open.
    expect(await openUploads()).toEqual([]);
    printFigures('s3-fleet', {
      workers: 2,
      killedDuringUploadOf: path.basename(upload.key),
      partsUploadedBeforeKill: upload.parts,
      linesChecked: lines,
      linesLost: 0,
      linesDuplicated: 0,
      openUploadsAfter: 0,
    });
  });

  it('result --download and resubmit --dry-run, run from another directory, read the bucket', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-reader-'));
    try {
      const cli = (args: string[]) =>
        runScript(
          [path.join(ROOT, 'src', 'cli', 'main.ts'), ...args],
          workerEnv({ RESULTS_DIR: elsewhere }),
          elsewhere,
        );
      const downloaded = await cli([
        'result',
        result.batchId,
        '--json',
        '--download',
        path.join(elsewhere, 'copy'),
      ]);
      expect(downloaded.stderr).toBe('');
      expect(downloaded.code).toBe(0);
      const copy = path.join(elsewhere, 'copy', result.batchId);
      expect((await digestFile(path.join(copy, 'output.jsonl'))).sha256).toBe(result.results!.output!.sha256);
      expect(fs.readdirSync(copy).sort()).toEqual(
        ['errors.jsonl', 'failed-permanent.jsonl', 'output.jsonl', 'remaining.jsonl', 'summary.json'].filter(
          (f) => fs.existsSync(path.join(copy, f)),
        ),
      );
      const dry = await cli(['resubmit', result.batchId, '--dry-run', '--json']);
      expect(dry.code).toBe(0);
      const report = JSON.parse(dry.stdout) as {
        remainingPath: string;
        parts: { outcome: string; lines: number }[];
      };
      expect(report.remainingPath).toBe(`s3://${BUCKET}/${PREFIX}/${result.batchId}/remaining.jsonl`);
      expect(report.parts.reduce((n, p) => n + p.lines, 0)).toBe(result.results!.remaining!.lines);
      expect(report.parts.every((p) => p.outcome === 'planned')).toBe(true);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it.each([
    [
      'a missing bucket',
      { RESULTS_URL: 's3://obc-no-such-bucket/x' },
      /s3:\/\/obc-no-such-bucket\/x is not writable.*bucket does not exist: create it/,
    ],
    [
      'denied access',
      { AWS_SECRET_ACCESS_KEY: 'wrong-secret' },
      /is not writable.*SignatureDoesNotMatch.*AWS_SECRET_ACCESS_KEY/,
    ],
  ])('a worker refuses to start on %s, saying what to fix', async (_what, extra, message) => {
    const err = await startChildWorker(workerEnv(extra)).then(
      (w) => {
        workers.push(w);
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain('wrong-secret');
  });
});

async function readAll(body: AsyncIterable<unknown> | undefined): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body ?? []) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
