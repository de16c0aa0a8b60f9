/**
 * The Temporal server restarts (same SQLite file, same port) while five cancellations wait on
 * cancelling batches: after the restart every workflow completes and every result is exact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import {
  getCancellationProgress,
  getCancellationHandle,
  startBatchCancellation,
} from '../../src/client/cancellations';
import { createOpenAIClient } from '../../src/providers/openai/client';
import { openaiProvider } from '../../src/providers/openai/provider';
import { LocalResultsStore } from '../../src/results/local-store';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { createDevServerEnv } from '../helpers/temporal-env';
import { expectExactResults, fastPoll, freePort, printFigures, waitFor } from './support';

jest.setTimeout(180_000);

describe('Temporal server restart during cancellations', () => {
  let env: TestWorkflowEnvironment | undefined;
  let sim: BatchSimulator;
  let tmp: string;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const taskQueue = `restart-${process.pid}`;

  beforeAll(async () => {
    sim = await startSimulator({ timing: { perRequestMs: 10_000 } });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-restart-'));
  });
  afterAll(async () => {
    await stopWorker();
    await env?.teardown();
    await sim?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function startWorker(e: TestWorkflowEnvironment): Promise<void> {
    worker = await Worker.create({
      connection: e.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities({
        provider: openaiProvider(
          createOpenAIClient({ apiKey: sim.apiKey, baseURL: sim.url, timeoutMs: 10_000 }),
        ),
        results: new LocalResultsStore(path.join(tmp, 'results')),
      }),
    });
    running = worker.run();
  }
  async function stopWorker(): Promise<void> {
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    worker = undefined;
    running = undefined;
  }

  it('completes every workflow after the server restarts, with exact results', async () => {
    const started = Date.now();
    const port = await freePort();
    const dbFilename = path.join(tmp, 'temporal.db');
    env = await createDevServerEnv({ port, dbFilename });
    await startWorker(env);

    const batches = Array.from({ length: 5 }, (_, i) =>
      sim.seedBatch({ status: 'in_progress', requests: 2_000 + i * 500, cancelDelayMs: 15_000 }),
    );
    for (const b of batches) {
      await startBatchCancellation(env.client, { batchId: b.id, poll: fastPoll }, { taskQueue });
    }
    const client = env.client;
    await waitFor('all five waiting', async () => {
      const phases = await Promise.all(
        batches.map(async (b) => (await getCancellationProgress(client, b.id)).phase),
      );
      return phases.every((p) => p === 'waiting');
    });

    // Restart: worker and server go down, the server comes back from its database file.
    await stopWorker();
    await env.teardown();
    env = undefined;
    expect(fs.existsSync(dbFilename)).toBe(true);
    env = await createDevServerEnv({ port, dbFilename });
    await startWorker(env);
    const restartedAfterMs = Date.now() - started;

    let lines = 0;
    let bytes = 0;
    for (const b of batches) {
      const result = await getCancellationHandle(env.client, b.id).result();
      expect(result.finalStatus).toBe('cancelled');
      const exact = await expectExactResults(sim, result);
      lines += exact.lines;
      bytes += exact.bytes;
    }
    printFigures('server-restart', {
      workflows: batches.length,
      serverRestarts: 1,
      restartedAfterMs,
      linesChecked: lines,
      bytesChecked: bytes,
      linesLost: 0,
      seconds: Math.round((Date.now() - started) / 1000),
    });
  });
});
