/**
 * Anthropic's Message Batches through the whole product on a real dev server: the simulator's
 * Anthropic mode stands in for the API, the worker builds its provider from BATCH_PROVIDER=anthropic
 * and the SDK's own variables, as deployed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { startBatchCancellation } from '../../src/client/cancellations';
import { FailureType } from '../../src/contract/failure-types';
import { LocalResultsStore } from '../../src/results/local-store';
import { providerFromConfig } from '../../src/worker/provider-config';
import { ACTIVITY_WORKER_OPTIONS } from '../../src/worker/options';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { createDevServerEnv } from '../helpers/temporal-env';
import { applicationFailureOf } from '../helpers/failures';

const POLL = { initialInterval: '200ms', maxInterval: '500ms' };

describe('Anthropic Message Batches, cancelled and salvaged on a dev server', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let worker: Worker;
  let running: Promise<void>;
  let resultsDir: string;
  const taskQueue = `anthropic-${process.pid}`;

  beforeAll(async () => {
    env = await createDevServerEnv();
    // Requests finish slowly, so the cancel lands mid-batch; canceling lasts 1.5 s.
    sim = await startSimulator({
      anthropic: true,
      apiKey: 'sk-ant-simulator-secret',
      timing: { perRequestMs: 60_000, cancelDelayMs: 1_500 },
    });
    resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-anthropic-'));
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities({
        provider: providerFromConfig(
          { BATCH_PROVIDER: 'anthropic' },
          { ANTHROPIC_API_KEY: sim.apiKey, ANTHROPIC_BASE_URL: sim.url },
        ),
        results: new LocalResultsStore(resultsDir),
      }),
      ...ACTIVITY_WORKER_OPTIONS,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await sim?.close();
    await env?.teardown();
    if (resultsDir) fs.rmSync(resultsDir, { recursive: true, force: true });
  });

  const start = (batchId: string) =>
    startBatchCancellation(env.client, { batchId, poll: POLL }, { taskQueue, provider: 'anthropic' });

  it('cancels: canceling, then ended; every result line is collected and reconciled by type', async () => {
    const batch = sim.seedMessageBatch({
      status: 'in_progress',
      requests: 40,
      completedFraction: 0.5,
      failedFraction: 0.2,
    });
    const handle = await start(batch.id);
    const result = await handle.result();
    expect(result).toMatchObject({
      batchId: batch.id,
      finalStatus: 'ended',
      outcome: 'cancelled',
      cancelOutcome: 'cancel-requested',
      batch: { provider: 'anthropic', account: 'default', phase: 'terminal', status: 'ended' },
    });
    const ended = sim.getMessageBatch(batch.id)!;
    const c = ended.request_counts;
    expect(c.processing).toBe(0);
    expect(c.canceled).toBeGreaterThan(0);
    expect(c.succeeded + c.errored + c.canceled + c.expired).toBe(40);
    expect(result.requestCounts).toEqual({
      total: 40,
      succeeded: c.succeeded,
      failed: c.errored,
      processing: c.canceled + c.expired,
    });
    const r = result.results!;
    expect(r.succeeded).toBe(c.succeeded);
    // One results file holds every line, in no particular order: the successes go to output.jsonl,
    // the rest to errors.jsonl, each line once.
    const read = (file: string) =>
      fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { custom_id: string; result: { type: string } });
    expect(r.output).toMatchObject({ lines: c.succeeded, quarantined: 0 });
    expect(r.errors).toMatchObject({ lines: 40 - c.succeeded, quarantined: 0 });
    const output = read(r.output!.path);
    const errors = read(r.errors!.path);
    expect(output.every((l) => l.result.type === 'succeeded')).toBe(true);
    const byType: Record<string, number> = {};
    for (const l of errors) byType[l.result.type] = (byType[l.result.type] ?? 0) + 1;
    expect(byType).toEqual({ ...(c.errored ? { errored: c.errored } : {}), canceled: c.canceled });
    expect(new Set([...output, ...errors].map((l) => l.custom_id)).size).toBe(40);
    expect(r.failedByCode).toMatchObject({ canceled: c.canceled });
    // Succeeded requests are counted per model; Anthropic's cache tokens are folded into input.
    const models = Object.values(r.usage?.byModel ?? {});
    expect(models.reduce((n, m) => n + m.requests, 0)).toBe(c.succeeded);
    expect(models.every((m) => m.inputTokens > 0 && m.outputTokens > 0)).toBe(true);

    // Without the requests file, remaining.jsonl names the requests that never ran, by custom_id.
    expect(r.remaining).toMatchObject({ idsOnly: true, lines: c.canceled + c.expired });
    const remainingIds = read(r.remaining!.path).map((l) => l.custom_id);
    expect(remainingIds.sort()).toEqual(
      errors
        .filter((l) => l.result.type === 'canceled' || l.result.type === 'expired')
        .map((l) => l.custom_id)
        .sort(),
    );
    expect(read(r.remaining!.path).every((l) => Object.keys(l).join() === 'custom_id')).toBe(true);

    // The key reaches the API and nothing else.
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).toContain(batch.id);
    expect(history).not.toContain(sim.apiKey);
    expect(fs.readFileSync(r.output!.path, 'utf8')).not.toContain(sim.apiKey);
  });

  it('with the submitted requests file: remaining.jsonl holds the full requests, and every request reconciles', async () => {
    const batch = sim.seedMessageBatch({
      status: 'in_progress',
      requests: 30,
      completedFraction: 0.4,
      failedFraction: 0.25,
    });
    const requestsFile = path.join(resultsDir, `${batch.id}.requests.jsonl`);
    const request = (i: number) => ({
      custom_id: `request-${String(i).padStart(6, '0')}`,
      params: { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: `q${i}` }] },
    });
    fs.writeFileSync(
      requestsFile,
      Array.from({ length: 30 }, (_, i) => JSON.stringify(request(i))).join('\n') + '\n',
    );
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: POLL, requests: requestsFile },
      { taskQueue, provider: 'anthropic' },
    );
    const r = (await handle.result()).results!;
    const c = sim.getMessageBatch(batch.id)!.request_counts;
    expect(r.reconciliation).toMatchObject({
      inputLines: 30,
      succeeded: c.succeeded,
      remaining: c.canceled + c.expired,
      balanced: true,
    });
    expect(r.remaining).toMatchObject({ lines: c.canceled + c.expired, inputRef: requestsFile });
    expect(r.remaining?.idsOnly).toBeUndefined();
    const remaining = fs
      .readFileSync(r.remaining!.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { custom_id: string; params: unknown });
    expect(remaining.length).toBeGreaterThan(0);
    for (const line of remaining)
      expect(line).toEqual(request(Number(line.custom_id.slice('request-'.length))));
  });

  it('an already-ended batch: nothing to cancel, its results are collected', async () => {
    const batch = sim.seedMessageBatch({
      status: 'ended',
      requests: 10,
      completedFraction: 1,
      failedFraction: 0,
    });
    const before = sim.stats().requests['messages_batches.cancel'] ?? 0;
    const result = await (await start(batch.id)).result();
    expect(result).toMatchObject({
      finalStatus: 'ended',
      outcome: 'completed',
      cancelOutcome: 'already-terminal',
    });
    expect(result.results).toMatchObject({ succeeded: 10, output: { lines: 10 }, errors: { lines: 0 } });
    expect((sim.stats().requests['messages_batches.cancel'] ?? 0) - before).toBeLessThanOrEqual(1);
  });

  it('a batch someone else began cancelling is waited for, not cancelled again into an error', async () => {
    const batch = sim.seedMessageBatch({ status: 'canceling', requests: 12, completedFraction: 0.5 });
    const result = await (await start(batch.id)).result();
    expect(result).toMatchObject({ finalStatus: 'ended', outcome: 'cancelled' });
    expect((result.results?.output?.lines ?? 0) + (result.results?.errors?.lines ?? 0)).toBe(12);
  });

  it('a 529 overloaded_error on a read is retried, and the cancellation ends as usual', async () => {
    const batch = sim.seedMessageBatch({ status: 'in_progress', requests: 6 });
    sim.injectFault('messages_batches.retrieve', { kind: 'overloaded' });
    const result = await (await start(batch.id)).result();
    expect(result).toMatchObject({ finalStatus: 'ended', outcome: 'cancelled' });
    expect(sim.stats().faultsInjected.overloaded).toBeGreaterThanOrEqual(1);
  });

  it('an unknown batch fails at once as not found, naming what to check', async () => {
    const handle = await start('msgbatch_01doesnotexist0000000000');
    const cause = await applicationFailureOf(handle.result());
    expect(cause.type).toBe(FailureType.NotFound);
    expect(cause.message).toMatch(/not found \(404\).*workspace/);
  });
});
