/**
 * Nothing is retried forever that will not heal, on a real dev server with the production
 * workflow and activities: a file download answered 406 (as Prism serving OpenAI's spec answers
 * the SDK's `Accept: application/binary`) ends in a typed failure within its bound; a resumed
 * collection whose quarantine record is ~480 KB (a line heavy in control characters) finishes
 * without downloading the output again; a store whose fsync outlasts the heartbeat timeout
 * finishes without downloading anything twice. A small HTTP server in front of the simulator
 * plays the 406 and serves the heavy line.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { startBatchCancellation } from '../../src/client/cancellations';
import { BOUNDED_ATTEMPTS } from '../../src/providers/openai/errors';
import { createOpenAIClient } from '../../src/providers/openai/client';
import { openaiProvider } from '../../src/providers/openai/provider';
import { LocalResultsStore, type LocalResultsStoreOptions } from '../../src/results/local-store';
import { FailureType } from '../../src/contract/failure-types';
import type { CancelBatchResult } from '../../src/contract/results';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { applicationFailureOf } from '../helpers/failures';
import { createDevServerEnv } from '../helpers/temporal-env';
import { expectExactResults, fastPoll, printFigures } from './support';

jest.setTimeout(240_000);

/** What Prism (stoplight/prism) answers when no response of the spec matches the request's Accept. */
const PRISM_406 = {
  type: 'https://stoplight.io/prism/errors#NOT_ACCEPTABLE',
  title: 'The server cannot produce a representation for your accept header',
  status: 406,
  detail: 'Unable to find content for application/binary',
};

/** How the front server answers `GET /v1/files/{id}/content`: as the simulator, 406, or changed. */
type ContentRule = (fileId: string) => 'not-acceptable' | ((served: Buffer) => Buffer) | undefined;

interface Front {
  url: string;
  contentCalls: () => number;
  setRule(rule: ContentRule | undefined): void;
  close(): Promise<void>;
}

/** A plain HTTP server in front of the simulator: every call forwarded, file content per rule. */
async function startFront(sim: BatchSimulator): Promise<Front> {
  const upstream = new URL(sim.url);
  let rule: ContentRule | undefined;
  let contentCalls = 0;
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const target = new URL(req.url ?? '/', upstream.origin);
      const fileId = /\/files\/([^/]+)\/content$/.exec(target.pathname)?.[1];
      if (fileId) contentCalls++;
      const action = fileId && rule ? rule(fileId) : undefined;
      if (action === 'not-acceptable') {
        res.writeHead(406, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify(PRISM_406));
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers.set(k, v);
      try {
        const answer = await fetch(target, {
          method: req.method ?? 'GET',
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        let body: Buffer = Buffer.from(await answer.arrayBuffer());
        if (typeof action === 'function') body = action(body);
        const out: Record<string, string> = {};
        answer.headers.forEach((v, k) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
            out[k] = v;
        });
        res.writeHead(answer.status, { ...out, 'content-length': String(body.length) });
        res.end(body);
      } catch {
        // The simulator cut the body: cut ours too, as the network would.
        res.destroy();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    contentCalls: () => contentCalls,
    setRule: (r) => {
      rule = r;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const figures: Record<string, unknown> = {};

describe('bounded retries: nothing that will not heal is retried forever', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let front: Front;
  let queue = 0;
  const dirs: string[] = [];

  beforeAll(async () => {
    env = await createDevServerEnv();
    sim = await startSimulator({ timing: { cancelDelayMs: 300, perRequestMs: 10_000 } });
    front = await startFront(sim);
  });
  afterAll(async () => {
    await front?.close();
    await sim?.close();
    await env?.teardown();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    printFigures('bounded-retries', figures);
  });
  afterEach(() => {
    front.setRule(undefined);
    sim.setFaults({});
  });

  /** One cancellation on a worker with the production activities, through `baseURL`, into a store. */
  async function run(batchId: string, baseURL: string, storeOptions: LocalResultsStoreOptions = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-bounded-'));
    dirs.push(dir);
    const taskQueue = `bounded-${process.pid}-${++queue}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities({
        provider: openaiProvider(createOpenAIClient({ apiKey: sim.apiKey, baseURL, timeoutMs: 10_000 })),
        results: new LocalResultsStore(dir, storeOptions),
      }),
    });
    const started = Date.now();
    const outcome = await worker.runUntil(async () => {
      const handle = await startBatchCancellation(env.client, { batchId, poll: fastPoll }, { taskQueue });
      return handle.result().then(
        (result: CancelBatchResult) => ({ ok: true as const, result }),
        (err: unknown) => ({ ok: false as const, err }),
      );
    });
    return { outcome, seconds: (Date.now() - started) / 1000 };
  }

  it('a download answered 406 ends in a typed failure naming the status, the call and what to check, within its bound', async () => {
    const batch = sim.seedBatch({ status: 'in_progress', requests: 50, completedFraction: 0.5 });
    front.setRule(() => 'not-acceptable');
    const before = front.contentCalls();
    const { outcome, seconds } = await run(batch.id, front.url);
    expect(outcome.ok).toBe(false);
    const failure = await applicationFailureOf(Promise.reject((outcome as { err: unknown }).err));
    expect(failure.type).toBe(FailureType.UnexpectedStatus);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(
      new RegExp(
        `collect results of batch ${batch.id}: unexpected HTTP 406.*attempt ${BOUNDED_ATTEMPTS} of ${BOUNDED_ATTEMPTS}\\); not retried further.*application/binary.*OPENAI_BASE_URL`,
      ),
    );
    // One download per attempt, and the attempts' backoff (2 s, 4 s): seconds, not "for minutes".
    expect(front.contentCalls() - before).toBe(BOUNDED_ATTEMPTS);
    expect(seconds).toBeLessThan(60);
    figures.download406 = { attempts: front.contentCalls() - before, secondsToTypedFailure: seconds };
  });

  it('a resumed collection whose quarantine record is ~480 KB finishes without downloading the output again', async () => {
    const batch = sim.seedBatch({ status: 'in_progress', requests: 300, completedFraction: 0.6 });
    // A 70 KB line of control characters: invalid JSON, quarantined with its first 64 KB, each
    // byte escaped to 6 in the record.
    const heavy = Buffer.concat([Buffer.from('\u0001'.repeat(70 * 1024)), Buffer.from('\n')]);
    front.setRule((fileId) =>
      fileId === sim.getBatch(batch.id)?.output_file_id
        ? (served) => Buffer.concat([served, heavy])
        : undefined,
    );
    // The 1st content call (output) is whole, the 2nd (errors) is cut: the retry resumes the output.
    sim.injectFault('files.content', { kind: 'latency', ms: 0 });
    sim.injectFault('files.content', { kind: 'cut_body', afterBytes: 500 });
    const before = front.contentCalls();
    const { outcome } = await run(batch.id, front.url);
    if (!outcome.ok) throw outcome.err;
    const r = outcome.result.results!;
    expect(r.output?.quarantined).toBe(1);
    expect(r.quarantined).toBe(1);
    const record = fs.readFileSync(r.quarantinePath!, 'utf8').split('\n')[0]!;
    expect(record.length).toBeGreaterThan(400 * 1024);
    expect(Buffer.from((JSON.parse(record) as { rawBase64: string }).rawBase64, 'base64')).toEqual(
      heavy.subarray(0, 64 * 1024),
    );
    // output once, errors twice (cut, then whole), input once: the output was resumed from disk.
    expect(front.contentCalls() - before).toBe(4);
    figures.heavyQuarantineRecordBytes = record.length;
    figures.heavyQuarantineContentCalls = front.contentCalls() - before;
  });

  it('a store whose fsync outlasts the heartbeat timeout finishes without downloading anything twice', async () => {
    const batch = sim.seedBatch({ status: 'in_progress', requests: 300, completedFraction: 0.6 });
    const slowMs = 60_000;
    let slowSyncs = 0;
    const syncFile = async (file: string) => {
      // The output file's flush is slow, as on a busy network volume: past the 30 s heartbeat
      // timeout and the 20 s stall gate together.
      if (path.basename(file).startsWith('.output.jsonl.')) {
        slowSyncs++;
        await new Promise((r) => setTimeout(r, slowMs));
      }
      const fd = await fs.promises.open(file, 'r');
      await fd.sync();
      await fd.close();
    };
    const before = sim.stats().requests['files.content'];
    const { outcome, seconds } = await run(batch.id, sim.url, { syncFile });
    if (!outcome.ok) throw outcome.err;
    await expectExactResults(sim, outcome.result);
    // output, errors, input: once each.
    expect(sim.stats().requests['files.content'] - before).toBe(3);
    expect(slowSyncs).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(slowMs / 1000);
    figures.slowSync = { syncSeconds: slowMs / 1000, contentCalls: 3, seconds };
  });
});
