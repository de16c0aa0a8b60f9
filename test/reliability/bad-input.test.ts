/**
 * Bad input fails clearly and crashes nothing: malformed and unknown batch ids, a wrong API key,
 * an invalid environment, and result files with malformed lines, CRLF line ends, non-UTF-8 bytes
 * and a 10 MB line. Bad result lines are quarantined with their reason and counted; every other
 * line is kept byte for byte.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { InvalidCancelInputError, startBatchCancellation } from '../../src/client/cancellations';
import { ConfigError, loadConfig } from '../../src/worker/config';
import { createOpenAIClient } from '../../src/providers/openai/client';
import { openaiProvider } from '../../src/providers/openai/provider';
import { LocalResultsStore } from '../../src/results/local-store';
import { cancelWorkflowId } from '../../src/contract/constants';
import { FailureType } from '../../src/contract/failure-types';
import type { ResultsSummary } from '../../src/contract/results';
import { startSimulator } from '../../tools/simulator';
import { applicationFailureOf } from '../helpers/failures';
import { createHarness, digestFile, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import { fastPoll, printFigures, runScript } from './support';

jest.setTimeout(120_000);

const figures = { cases: 0, workflowsRun: 0, linesChecked: 0, quarantined: 0, linesLost: 0 };

describe('bad input on a real server', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let worker: Worker;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { cancelDelayMs: 500, perRequestMs: 10_000 } });
    worker = await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
    printFigures('bad-input', figures);
  });

  it('rejects a malformed batch id in the client, naming batchId', async () => {
    for (const batchId of ['batch/../../etc', 'not-a-batch', '', 'batch_\u0000x']) {
      const err = await startBatchCancellation(env.client, { batchId }, { taskQueue: h.taskQueue }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidCancelInputError);
      expect((err as Error).message).toMatch(/batchId/);
      figures.cases++;
    }
  });

  it('fails a workflow started directly with a malformed id with InvalidInput', async () => {
    const handle = await env.client.workflow.start('cancelBatchWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: 'cancel-batch:malformed',
      args: [{ batchId: '../../outside' }],
    });
    figures.workflowsRun++;
    const failure = await applicationFailureOf(handle.result());
    expect(failure.type).toBe(FailureType.InvalidInput);
    expect(failure.message).toMatch(/batchId/);
    figures.cases++;
  });

  it('fails an unknown batch at once with OpenAINotFound', async () => {
    const handle = await startBatchCancellation(
      env.client,
      { batchId: 'batch_doesnotexist', poll: fastPoll },
      { taskQueue: h.taskQueue },
    );
    figures.workflowsRun++;
    const failure = await applicationFailureOf(handle.result());
    expect(failure.type).toBe(FailureType.NotFound);
    expect(failure.nonRetryable).toBe(true);
    figures.cases++;
  });

  it('fails with a non-retryable OpenAIAuthenticationError when the worker has a wrong key', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 10 });
    const { Worker: W } = await import('@temporalio/worker');
    const taskQueue = `${h.taskQueue}-badkey`;
    const badWorker = await W.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities({
        provider: openaiProvider(createOpenAIClient({ apiKey: 'sk-wrong-key', baseURL: h.sim.url })),
        results: h.store,
      }),
    });
    const failure = await badWorker.runUntil(async () => {
      const handle = await startBatchCancellation(env.client, { batchId: batch.id }, { taskQueue });
      figures.workflowsRun++;
      return applicationFailureOf(handle.result());
    });
    expect(failure.type).toBe(FailureType.Authentication);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/OPENAI_API_KEY/);
    // The batch was never cancelled with a key that was refused.
    expect(h.sim.getBatch(batch.id)!.cancelling_at ?? null).toBeNull();
    figures.cases++;
  });

  it('rejects an invalid environment with one line naming the variable', async () => {
    expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ OPENAI_TIMEOUT_MS: '-5' })).toThrow(/OPENAI_TIMEOUT_MS/);
    expect(() => loadConfig({ METRICS_PORT: '99999' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: 'abc' })).toThrow(
      /WORKER_MAX_CONCURRENT_ACTIVITIES/,
    );
    for (const [name, value] of [
      ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'abc'],
      ['OPENAI_BASE_URL', 'not a url'],
    ] as const) {
      const run = await runScript(['src/worker.ts'], {
        OPENAI_API_KEY: 'sk-x',
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: `${h.taskQueue}-never`,
        [name]: value,
      });
      expect({ name, code: run.code }).toEqual({ name, code: 1 });
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(name);
      expect(lines[0]).not.toContain(value);
      figures.cases++;
    }
  });

  it('quarantines malformed lines served by the API and keeps every other line byte-exact', async () => {
    const sim = await startSimulator({
      seed: 7,
      apiKey: h.sim.apiKey,
      timing: { cancelDelayMs: 300 },
      faults: { malformedLineRate: 0.03 },
    });
    const badTq = `${h.taskQueue}-malformed`;
    const { Worker: W } = await import('@temporalio/worker');
    const store = new LocalResultsStore(path.join(h.resultsDir, 'malformed'));
    const w = await W.create({
      connection: env.nativeConnection,
      taskQueue: badTq,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities({
        provider: openaiProvider(createOpenAIClient({ apiKey: sim.apiKey, baseURL: sim.url })),
        results: store,
      }),
    });
    try {
      const batch = sim.seedBatch({ status: 'in_progress', requests: 2_000, completedFraction: 0.6 });
      const result = await w.runUntil(async () => {
        const handle = await startBatchCancellation(
          env.client,
          { batchId: batch.id, poll: fastPoll },
          { taskQueue: badTq },
        );
        figures.workflowsRun++;
        return handle.result();
      });
      const final = sim.getBatch(batch.id)!;
      const summary = result.results!;
      let kept = 0;
      for (const [fileId, written] of [
        [final.output_file_id!, summary.output!],
        [final.error_file_id!, summary.errors!],
      ] as const) {
        const served = await fetchBytes(`${sim.url}/files/${fileId}/content`, sim.apiKey);
        const { valid, invalid } = splitServed(served);
        expect(fs.readFileSync(written.path).equals(valid)).toBe(true);
        expect(written.lines + written.quarantined).toBe(countLines(served));
        expect(written.quarantined).toBe(invalid);
        kept += written.lines;
      }
      expect(summary.quarantined).toBeGreaterThan(0);
      const records = readQuarantine(summary);
      expect(records).toHaveLength(summary.quarantined);
      expect(records.every((r) => r.reason === 'invalid-json')).toBe(true);
      figures.linesChecked += kept + summary.quarantined;
      figures.quarantined += summary.quarantined;
      figures.cases++;
    } finally {
      await sim.close();
    }
  });

  describe('crafted result files (CRLF, non-UTF-8, 10 MB line)', () => {
    let server: http.Server;
    let baseURL: string;
    const files = new Map<string, Buffer>();
    let validLines: Buffer[];

    beforeAll(async () => {
      // Real result lines, generated by the simulator.
      const batch = h.sim.seedBatch({ status: 'completed', requests: 30, failedFraction: 0 });
      const served = await fetchBytes(`${h.sim.url}/files/${batch.output_file_id}/content`, h.sim.apiKey);
      validLines = splitLines(served);
      server = http.createServer((req, res) => {
        const m = /^\/v1\/files\/([^/]+)\/content$/.exec(req.url ?? '');
        const body = m ? files.get(decodeURIComponent(m[1]!)) : undefined;
        if (!body) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'no such file', type: 'invalid_request_error' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        res.end(body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      baseURL = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    async function collect(fileId: string, content: Buffer, maxLineBytes?: number): Promise<ResultsSummary> {
      files.set(fileId, content);
      const store = new LocalResultsStore(path.join(h.resultsDir, 'crafted'));
      const activities = createActivities({
        provider: openaiProvider(createOpenAIClient({ apiKey: 'sk-crafted', baseURL })),
        results: store,
        ...(maxLineBytes ? { maxLineBytes } : {}),
      });
      const batchId = `batch_${fileId.replace(/^file-/, '')}`;
      return new MockActivityEnvironment().run(activities.collectResults, {
        batchId,
        resultRefs: { input: 'file-input-unused', output: fileId, errors: null },
        writeRemaining: false,
      });
    }

    it('keeps CRLF lines byte-exact', async () => {
      const crlf = validLines.map((l, i) =>
        i % 2 ? Buffer.concat([l.subarray(0, -1), Buffer.from('\r\n')]) : l,
      );
      const content = Buffer.concat(crlf);
      const summary = await collect('file-crlf', content);
      expect(fs.readFileSync(summary.output!.path).equals(content)).toBe(true);
      expect(summary.output!.lines).toBe(validLines.length);
      expect(summary.quarantined).toBe(0);
      figures.linesChecked += validLines.length;
      figures.cases++;
    });

    it('quarantines a non-UTF-8 line, an invalid JSON line and a 10 MB line; keeps the rest', async () => {
      const badUtf8 = Buffer.concat([
        validLines[0]!.subarray(0, 40),
        Buffer.from([0xff, 0xfe]),
        validLines[0]!.subarray(40),
      ]);
      const notJson = Buffer.from('{"id": "batch_req_x", "custom_id": \n');
      const tenMb = hugeResultLine(validLines[1]!, 10 * 1024 * 1024);
      const good = validLines.slice(2);
      const content = Buffer.concat([
        good[0]!,
        badUtf8,
        good[1]!,
        tenMb,
        ...good.slice(2, 10),
        notJson,
        ...good.slice(10),
      ]);
      const summary = await collect('file-mixed', content, 1024 * 1024);
      expect(fs.readFileSync(summary.output!.path).equals(Buffer.concat(good))).toBe(true);
      expect(summary.output!.lines).toBe(good.length);
      expect(summary.quarantined).toBe(3);
      // The digests say what was served and what was kept, which differ once lines are set aside.
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(summary.output!.sha256).toBe(sha(Buffer.concat(good)));
      expect(summary.output!.sourceSha256).toBe(sha(content));
      const reasons = readQuarantine(summary).map((r) => r.reason);
      expect(reasons).toEqual(['invalid-utf8', `line-too-long (${tenMb.length} bytes)`, 'invalid-json']);
      // The quarantined raw bytes survive exactly (base64), at least their first 64 KiB.
      expect(
        Buffer.from(readQuarantine(summary)[0]!.rawBase64, 'base64').equals(badUtf8.subarray(0, -1)),
      ).toBe(true);
      figures.linesChecked += good.length + 3;
      figures.quarantined += 3;
      figures.cases++;
    });

    it('keeps a valid 10 MB line byte-exact when it is under the line limit', async () => {
      const tenMb = hugeResultLine(validLines[1]!, 10 * 1024 * 1024);
      const content = Buffer.concat([validLines[0]!, tenMb, validLines[2]!]);
      const summary = await collect('file-huge', content);
      expect(summary.output!.lines).toBe(3);
      expect(summary.output!.sha256).toBe(summary.output!.sourceSha256);
      expect(await digestFile(summary.output!.path)).toEqual({
        lines: 3,
        bytes: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
      });
      figures.linesChecked += 3;
      figures.cases++;
    });
  });

  it('is still the same healthy worker after all of it', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 50 });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      { taskQueue: h.taskQueue },
    );
    figures.workflowsRun++;
    expect((await handle.result()).finalStatus).toBe('cancelled');
    expect(worker.getState()).toBe('RUNNING');
    expect(cancelWorkflowId(batch.id)).toBe(handle.workflowId);
  });
});

async function fetchBytes(url: string, apiKey: string): Promise<Buffer> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

function splitLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
    out.push(buf.subarray(start, nl + 1));
    start = nl + 1;
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

function countLines(buf: Buffer): number {
  return splitLines(buf).length;
}

/** The served lines that parse as JSON (concatenated) and the count of those that do not. */
function splitServed(buf: Buffer): { valid: Buffer; invalid: number } {
  const valid: Buffer[] = [];
  let invalid = 0;
  for (const line of splitLines(buf)) {
    try {
      JSON.parse(line.toString('utf8'));
      valid.push(line);
    } catch {
      invalid++;
    }
  }
  return { valid: Buffer.concat(valid), invalid };
}

/** A valid result line padded to about `bytes` (the answer text grows). */
function hugeResultLine(line: Buffer, bytes: number): Buffer {
  const value = JSON.parse(line.toString('utf8')) as Record<string, unknown>;
  return Buffer.from(`${JSON.stringify({ ...value, padding: 'x'.repeat(bytes) })}\n`);
}

function readQuarantine(summary: ResultsSummary): Array<{ reason: string; rawBase64: string }> {
  expect(summary.quarantinePath).toBeTruthy();
  return fs
    .readFileSync(summary.quarantinePath!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { reason: string; rawBase64: string });
}
