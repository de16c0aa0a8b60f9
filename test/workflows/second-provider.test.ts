/**
 * A second batch API is one provider folder plus one registration: a fake batch API with words and
 * shapes of its own (test/fake-provider/), registered like the built-in one, runs a whole
 * cancellation (stop, wait, collect, reconcile) on a real dev server through the same workflow,
 * activities, results store and client, none of which names it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { InvalidCancelInputError, startBatchCancellation } from '../../src/client/cancellations';
import { providerNames, registerProvider } from '../../src/providers/registry';
import { LocalResultsStore } from '../../src/results/local-store';
import { providerFromConfig } from '../../src/worker/provider-config';
import { ACTIVITY_WORKER_OPTIONS } from '../../src/worker/options';
import { FakeBatchApi } from '../fake-provider/api';
import { fakeDefinition, serveFakeApi } from '../fake-provider/provider';
import { createDevServerEnv } from '../helpers/temporal-env';

describe('a second provider, registered the way a real one is', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let resultsDir: string;
  const api = new FakeBatchApi();
  const taskQueue = `fake-${process.pid}`;

  beforeAll(async () => {
    env = await createDevServerEnv();
    registerProvider(fakeDefinition);
    serveFakeApi('test', api);
    resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-fake-'));
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities({
        // What the worker does with BATCH_PROVIDER=fake.
        provider: providerFromConfig({ BATCH_PROVIDER: 'fake' }, { FAKE_BATCH_API: 'test' }),
        results: new LocalResultsStore(resultsDir),
      }),
      ...ACTIVITY_WORKER_OPTIONS,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    if (resultsDir) fs.rmSync(resultsDir, { recursive: true, force: true });
  });

  it('is listed beside the built-in one', () => {
    expect(providerNames()).toEqual(['openai', 'azure-openai', 'anthropic', 'fake']);
  });

  it('stops a job, waits for STOPPED, collects and reconciles its results', async () => {
    const job = api.seed({ items: 40, doneOk: 25, doneError: 5, stopAfterMs: 1_500 });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: job.jobId, poll: { initialInterval: '200ms', maxInterval: '500ms' } },
      { taskQueue, provider: 'fake' },
    );
    const result = await handle.result();
    expect(result).toMatchObject({
      batchId: job.jobId,
      finalStatus: 'STOPPED',
      outcome: 'cancelled',
      cancelOutcome: 'cancel-requested',
      requestCounts: { total: 40, succeeded: 25, failed: 5, processing: 10 },
      batch: { provider: 'fake', account: 'default', phase: 'terminal' },
    });
    expect(api.calls.stop).toBe(1);
    const r = result.results!;
    expect(r.succeeded).toBe(25);
    expect(r.failedByCode).toEqual({ invalid_prompt: 5, not_run: 10 });
    expect(r.output).toMatchObject({ ref: `blob-out-${job.jobId}`, lines: 40, quarantined: 0 });
    expect(fs.readFileSync(r.output!.path)).toEqual(api.resultBytes(job.jobId));
    // Every input item lands in exactly one place; the ten never run are the ones to resubmit.
    expect(r.reconciliation).toMatchObject({
      inputLines: 40,
      succeeded: 25,
      failedPermanent: 5,
      remaining: 10,
      quarantined: 0,
      balanced: true,
    });
    const remaining = fs.readFileSync(r.remaining!.path, 'utf8').trim().split('\n');
    expect(remaining.map((l) => (JSON.parse(l) as { key: string }).key)).toEqual(
      Array.from({ length: 10 }, (_, i) => `item-${30 + i}`),
    );
    expect(r.usage?.byModel).toEqual({
      'fake-1': {
        requests: 25,
        inputTokens: 75,
        cachedInputTokens: 0,
        outputTokens: 125,
        reasoningTokens: 0,
      },
    });
  });

  it("checks ids with the provider's own rule before anything starts", async () => {
    await expect(
      startBatchCancellation(env.client, { batchId: 'batch_abc' }, { taskQueue, provider: 'fake' }),
    ).rejects.toThrow(
      new InvalidCancelInputError('invalid cancellation input: batchId: must look like job-42'),
    );
    await expect(startBatchCancellation(env.client, { batchId: 'job-1' }, { taskQueue })).rejects.toThrow(
      /batchId: must look like batch_abc123/,
    );
  });
});
