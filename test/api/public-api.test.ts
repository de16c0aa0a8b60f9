/**
 * The public entry point, used as a backend team would: every exported function is called here
 * through `src/index.ts`, against a real dev server, the simulator, and a worker the "team" builds
 * itself from the exported `workflowsPath` and `createActivities`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import * as root from '../../src/index';
import * as schemas from '../../src/contract/schemas';
import * as kit from '../../src/worker/kit';
import type { ProviderDefinition } from '../../src/worker/kit';
import { z } from 'zod';
import { newWebhookSecret, startSimulator, webhookHeaders, type BatchSimulator } from '../../tools/simulator';
import { cancelBatchWorkflow, cleanupBatchesWorkflow } from '../../src/workflows';
import { createDevServerEnv } from '../helpers/temporal-env';

/** The package's three entry points: `.`, `./worker` (running the workflows) and `./schemas` (zod). */
const api = { ...root, ...kit, ...schemas };

/**
 * Every function the package exports (from any entry point), and the test below that calls it.
 * Adding one means testing it.
 */
const EXERCISED_FUNCTIONS = [
  'startBatchCancellation',
  'getCancellationHandle',
  'getCancellationProgress',
  'refreshCancellation',
  'awaitCancellationResult',
  'stopCancellation',
  'listCancellations',
  'upsertCleanupSchedule',
  'describeCleanupSchedule',
  'pauseCleanupSchedule',
  'unpauseCleanupSchedule',
  'triggerCleanupSchedule',
  'deleteCleanupSchedule',
  'describeZodError',
  'isTerminal',
  'cancelWorkflowId',
  'batchIdFromWorkflowId',
  'createActivities',
  'createOpenAIClient',
  'openaiProvider',
  'registerProvider',
  'providerNames',
  'loadConfig',
  'resolveTemporalTarget',
  'targetForConfig',
  'describeTarget',
  'checkHealth',
  'resubmitRemaining',
  'openResultsStore',
  'storeOfDirectory',
  'downloadResults',
  'createWebhookHandler',
  'startWebhookServer',
  'batchRefOf',
  'parseCancelWorkflowId',
  'cleanupScheduleId',
  'createAzureOpenAIClient',
  'azureOpenAIProvider',
  'connectAccounts',
];
const CLASSES = [
  'InvalidCancelInputError',
  'InvalidScheduleError',
  'ConfigError',
  'LocalResultsStore',
  'S3ResultsStore',
  'S3StoreError',
  'ResultsStoreUnavailableError',
  'NothingToResubmitError',
  'OpenAICallError',
];

describe('public API (src/index.ts, src/worker/kit.ts, src/contract/schemas.ts)', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let resultsDir: string;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `api-${process.pid}`;

  beforeAll(async () => {
    env = await createDevServerEnv();
    sim = await startSimulator({ timing: { cancelDelayMs: 1_000, perRequestMs: 1_000 } });
    resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-api-'));
    // A team's own worker, from the exports alone.
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: api.workflowsPath,
      activities: api.createActivities({
        provider: api.openaiProvider(
          api.createOpenAIClient({ apiKey: sim.apiKey, baseURL: sim.url, timeoutMs: 10_000 }),
        ),
        results: new api.LocalResultsStore(resultsDir),
      }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    if (worker) {
      worker.shutdown();
      await running;
    }
    await sim?.close();
    await env?.teardown();
    if (resultsDir) fs.rmSync(resultsDir, { recursive: true, force: true });
  });

  it('keeps the worker kit and the schemas out of the entry point a backend imports', () => {
    for (const name of Object.keys(kit).filter((k) => k !== 'ConfigError'))
      expect(Object.keys(root)).not.toContain(name);
    for (const name of Object.keys(schemas)) expect(Object.keys(root)).not.toContain(name);
    expect(typeof root.BatchCancelError).toBe('function');
    expect(new root.ConfigError(['X: bad'])).toBeInstanceOf(root.BatchCancelError);
    expect(new root.ConfigError(['X: bad']).name).toBe('ConfigError');
  });

  it('exports only functions this file exercises, and the documented classes', () => {
    const fns = Object.entries(api)
      .filter(([, v]) => typeof v === 'function' && !/^[A-Z]/.test((v as { name: string }).name))
      .map(([k]) => k);
    expect(fns.sort()).toEqual([...EXERCISED_FUNCTIONS].sort());
    for (const name of CLASSES) expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
  });

  it('names the workflow types and the task queue as the worker registers them', () => {
    expect(api.WORKFLOW_TYPES).toEqual({
      cancelBatch: cancelBatchWorkflow.name,
      cleanupBatches: cleanupBatchesWorkflow.name,
    });
    expect(api.DEFAULT_TASK_QUEUE).toBe('openai-batch-cancel');
    expect(fs.existsSync(api.workflowsPath)).toBe(true);
    expect(api.cancelWorkflowId('batch_a')).toBe('cancel-batch:batch_a');
    expect(api.batchIdFromWorkflowId('cancel-batch:batch_a')).toBe('batch_a');
    expect(api.batchIdFromWorkflowId('other')).toBeUndefined();
    expect(api.isTerminal({ phase: 'terminal' })).toBe(true);
    expect(api.isTerminal({ phase: 'cancelling' })).toBe(false);
    expect(api.FailureType.NotFound).toBe('OpenAINotFound');
    // Providers are registered by name; a taken name is refused, never replaced unseen.
    expect(api.providerNames()).toContain('openai');
    const another: ProviderDefinition = {
      name: 'openai',
      batchId: z.string(),
      meaningOf: () => undefined,
      fromEnv: () => {
        throw new Error('never built');
      },
    };
    expect(() => api.registerProvider(another)).toThrow(/provider openai: already registered/);
  });

  it("names another account's cancellations and schedules, and connects its accounts from the exports", async () => {
    expect(api.batchRefOf('batch_a')).toEqual({ batchId: 'batch_a', account: api.DEFAULT_ACCOUNT });
    expect(api.batchRefOf({ batchId: 'batch_a', account: 'eu' })).toEqual({
      batchId: 'batch_a',
      account: 'eu',
    });
    expect(api.cancelWorkflowId('batch_a', 'eu')).toBe('cancel-batch:eu:batch_a');
    expect(api.parseCancelWorkflowId('cancel-batch:eu:batch_a')).toEqual({
      account: 'eu',
      batchId: 'batch_a',
    });
    expect(api.cleanupScheduleId()).toBe(api.DEFAULT_CLEANUP_SCHEDULE_ID);
    expect(api.cleanupScheduleId('eu')).toBe(`${api.DEFAULT_CLEANUP_SCHEDULE_ID}:eu`);
    expect(api.ACCOUNT_NAME_PATTERN.test('azure-east')).toBe(true);
    expect(api.OPENAI_BATCH_ACCOUNT.name).toBe('OpenAIBatchAccount');

    const azure = await startSimulator({ azure: true, apiKey: 'az-key-api-test' });
    try {
      const seeded = azure.seedBatch({ status: 'in_progress', requests: 3 });
      const direct = api.azureOpenAIProvider(
        api.createAzureOpenAIClient({
          endpoint: azure.endpoint,
          api: 'classic',
          apiVersion: '2024-10-21',
          credential: { apiKey: azure.apiKey },
        }),
        'eu',
      );
      expect(await direct.retrieve(seeded.id)).toMatchObject({
        id: seeded.id,
        provider: 'azure-openai',
        account: 'eu',
        phase: 'running',
      });
      const file = path.join(resultsDir, 'accounts.toml');
      fs.writeFileSync(
        file,
        `[accounts.eu]\nprovider = "azure-openai"\nendpoint = "${azure.endpoint}"\napi = "v1"\napi_key_env = "EU_KEY"\n`,
      );
      const connected = api.connectAccounts(
        {
          BATCH_PROVIDER: 'openai',
          ACCOUNTS_FILE: file,
          OPENAI_API_KEY: sim.apiKey,
          OPENAI_BASE_URL: sim.url,
        },
        { EU_KEY: azure.apiKey },
      );
      expect(connected.provider?.name).toBe('openai');
      expect(Object.keys(connected.accounts)).toEqual(['eu']);
      expect((await connected.accounts.eu!.retrieve(seeded.id)).status).toBe('in_progress');
    } finally {
      await azure.close();
    }
  });

  it('rejects bad input before starting anything, naming the field', async () => {
    // The contract refuses what no batch API could own (an id that would leave a directory)...
    const parsed = api.CancelBatchInputSchema.safeParse({ batchId: '../nope' });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(api.describeZodError(parsed.error)).toMatch(/^batchId: must be a batch id/);
    // ...and the client the form of the provider's own ids (OpenAI's by default).
    const start = api.startBatchCancellation(env.client, { batchId: 'nope' }, { taskQueue });
    await expect(start).rejects.toThrow(api.InvalidCancelInputError);
    await expect(start).rejects.toThrow(/batchId: must look like batch_/);
  });

  it('starts, refreshes, reads progress of, awaits and lists a cancellation', async () => {
    const batch = sim.seedBatch({
      status: 'in_progress',
      requests: 20,
      completedFraction: 0.5,
      cancelDelayMs: 3_000,
    });
    const input = { batchId: batch.id, poll: { initialInterval: '10s', maxInterval: '10s' } };
    const handle = await api.startBatchCancellation(env.client, input, { taskQueue });
    expect(handle.workflowId).toBe(api.cancelWorkflowId(batch.id));
    // Idempotent: a second start joins the running one.
    const again = await api.startBatchCancellation(env.client, input, { taskQueue });
    expect((await again.describe()).runId).toBe((await handle.describe()).runId);
    expect(api.getCancellationHandle(env.client, batch.id).workflowId).toBe(handle.workflowId);

    // The poll waits 10s; refresh reads the batch now, while it is still cancelling.
    const snapshot = await api.refreshCancellation(env.client, batch.id);
    expect(snapshot).toMatchObject({ id: batch.id, status: 'cancelling' });
    const progress = await api.getCancellationProgress(env.client, batch.id);
    expect(progress).toMatchObject({ batchId: batch.id, phase: 'waiting' });
    expect(progress.batch?.status).toBe('cancelling');

    await new Promise((r) => setTimeout(r, 3_500));
    // After the simulator has cancelled it, a refresh sees it at once instead of after the 10s wait.
    expect(await api.refreshCancellation(env.client, batch.id)).toMatchObject({ status: 'cancelled' });
    const result = await api.awaitCancellationResult(env.client, batch.id);
    expect(api.CancelBatchResultSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({ batchId: batch.id, finalStatus: 'cancelled' });
    expect(result.results?.output?.lines).toBe(result.requestCounts.succeeded);

    const listed = await api.listCancellations(env.client, { batchStatus: 'cancelled' });
    expect(listed).toEqual(
      expect.arrayContaining([expect.objectContaining({ batchId: batch.id, workflowStatus: 'COMPLETED' })]),
    );
  });

  it('reports the salvage (reconciliation, usage) and resubmits what remains, once', async () => {
    const batch = sim.seedBatch({
      status: 'in_progress',
      requests: 12,
      completedFraction: 0.5,
      cancelDelayMs: 0,
    });
    const handle = await api.startBatchCancellation(env.client, { batchId: batch.id }, { taskQueue });
    const result = await handle.result();
    const r = result.results!;
    expect(api.ReconciliationSchema.parse(r.reconciliation)).toMatchObject({
      inputLines: 12,
      balanced: true,
    });
    expect(api.UsageReportSchema.parse(r.usage).byModel['gpt-4o-mini']?.requests).toBe(r.succeeded);
    const openai = api.openaiProvider(api.createOpenAIClient({ apiKey: sim.apiKey, baseURL: sim.url }));
    const first = await api.resubmitRemaining(openai, { batchId: batch.id, resultsDir });
    const second = await api.resubmitRemaining(openai, { batchId: batch.id, resultsDir });
    expect(first.parts).toEqual([
      expect.objectContaining({ part: 1, lines: r.remaining!.lines, outcome: 'created' }),
    ]);
    expect(second.parts).toEqual([
      expect.objectContaining({ outcome: 'found', newBatchId: first.parts[0]!.newBatchId }),
    ]);
    expect(sim.getBatch(first.parts[0]!.newBatchId!)?.metadata?.[api.RESUBMIT_METADATA.from]).toBe(batch.id);
    await expect(api.resubmitRemaining(openai, { batchId: 'batch_never', resultsDir })).rejects.toThrow(
      api.NothingToResubmitError,
    );
    // Readers open the store the result names, and copy its files anywhere.
    expect(api.openResultsStore(resultsDir).batchDir(batch.id)).toBe(r.directory);
    const store = api.storeOfDirectory(r.directory, batch.id);
    expect(await store.stat(batch.id, 'output')).toEqual({ bytes: r.output!.bytes });
    const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-copy-'));
    try {
      const copied = await api.downloadResults(r.directory, batch.id, copyDir);
      expect(copied.map((c) => c.file)).toEqual(
        expect.arrayContaining(['output.jsonl', 'errors.jsonl', 'remaining.jsonl', 'summary.json']),
      );
      expect(fs.readFileSync(path.join(copyDir, batch.id, 'output.jsonl'))).toEqual(
        fs.readFileSync(r.output!.path),
      );
    } finally {
      fs.rmSync(copyDir, { recursive: true, force: true });
    }
  });

  it('stops a cancellation: the workflow ends terminated, awaiting it throws', async () => {
    const batch = sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: 600_000 });
    await api.startBatchCancellation(env.client, { batchId: batch.id }, { taskQueue });
    await api.stopCancellation(env.client, batch.id, 'test stops it');
    const described = await api.getCancellationHandle(env.client, batch.id).describe();
    expect(described.status.name).toBe('TERMINATED');
    await expect(api.awaitCancellationResult(env.client, batch.id)).rejects.toThrow(WorkflowFailedError);
  });

  it('manages the cleanup schedule', async () => {
    const scheduleId = 'api-test-cleanup';
    const opts = {
      scheduleId,
      interval: '1h',
      // Within the test server's 24 h retention (the 72 h default would be refused).
      policy: { maxAge: '24h', lookback: '24h', dryRun: true },
      taskQueue,
      paused: true,
    };
    expect(await api.upsertCleanupSchedule(env.client, opts)).toEqual({ scheduleId, outcome: 'created' });
    expect(await api.upsertCleanupSchedule(env.client, opts)).toEqual({ scheduleId, outcome: 'updated' });
    await expect(api.upsertCleanupSchedule(env.client, { ...opts, cron: '0 * * * *' })).rejects.toThrow(
      api.InvalidScheduleError,
    );
    expect(await api.describeCleanupSchedule(env.client, scheduleId)).toMatchObject({
      paused: true,
      taskQueue,
    });
    await api.unpauseCleanupSchedule(env.client, scheduleId, 'go');
    expect(await api.describeCleanupSchedule(env.client, scheduleId)).toMatchObject({
      paused: false,
      note: 'go',
    });
    await api.pauseCleanupSchedule(env.client, scheduleId, 'hold');
    await api.triggerCleanupSchedule(env.client, scheduleId);
    const deadline = Date.now() + 20_000;
    let info = await api.describeCleanupSchedule(env.client, scheduleId);
    // The scheduler applies pause and trigger asynchronously: wait until both show.
    while ((info.runsTaken === 0 || !info.paused) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      info = await api.describeCleanupSchedule(env.client, scheduleId);
    }
    expect(info).toMatchObject({ paused: true, runsTaken: 1 });
    await api.deleteCleanupSchedule(env.client, scheduleId);
    await expect(api.describeCleanupSchedule(env.client, scheduleId)).rejects.toThrow(/not found/i);
  });

  it('resolves the connection and checks health through the exported helpers', async () => {
    const config = api.loadConfig({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: taskQueue });
    const target = api.targetForConfig(config, {}, {});
    expect(api.describeTarget(target)).toBe(`${env.address} (namespace default, plaintext)`);
    expect(api.resolveTemporalTarget({ address: env.address }, {}).address).toBe(env.address);
    expect(await api.checkHealth(config, {}, {})).toMatchObject({ ok: true, taskQueuePollers: 1 });
    expect(() => api.loadConfig({ OPENAI_BASE_URL: 'nope' })).toThrow(api.ConfigError);
  });

  it('mounts the webhook handler behind the exported server: a signed event ends the wait', async () => {
    const secret = newWebhookSecret();
    const handler = api.createWebhookHandler({ client: env.client, secret });
    const server = await api.startWebhookServer({ handler, client: env.client, port: 0, host: '127.0.0.1' });
    try {
      const batch = sim.seedBatch({ status: 'in_progress', requests: 20, cancelDelayMs: 1_000 });
      const handle = await api.startBatchCancellation(
        env.client,
        { batchId: batch.id, webhooks: true, poll: { initialInterval: '30s' }, collectResults: 'never' },
        { taskQueue },
      );
      while (sim.getBatch(batch.id)?.status !== 'cancelled') await new Promise((r) => setTimeout(r, 100));
      // What OpenAI sends (the simulator's signing, standing in for OpenAI's).
      const body = JSON.stringify({
        id: 'evt_api_1',
        object: 'event',
        type: 'batch.cancelled',
        created_at: Math.floor(Date.now() / 1000),
        data: { id: batch.id },
      });
      const res = await fetch(server.url, {
        method: 'POST',
        headers: webhookHeaders(secret, 'evt_api_1', Math.floor(Date.now() / 1000), body),
        body,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ outcome: 'signalled' });
      expect(handler.stats().signalled).toBe(1);
      expect((await handle.result()).finalStatus).toBe('cancelled');
      expect((await api.getCancellationProgress(env.client, batch.id)).detectedBy).toBe('webhook');
    } finally {
      await server.close();
    }
  });
});
