/**
 * A worker killed with SIGKILL loses nothing: once while the workflow polls a cancelling batch,
 * once in the middle of downloading a large output file. A new worker (a new process) finishes the
 * same workflow, and the output and error files are byte-identical to what the API served.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { getCancellationProgress, startBatchCancellation } from '../../src/client/cancellations';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { createDevServerEnv } from '../helpers/temporal-env';
import {
  expectExactResults,
  fastPoll,
  printFigures,
  startChildWorker,
  waitFor,
  type ChildWorker,
} from './support';

jest.setTimeout(240_000);

describe('worker crash (SIGKILL) during a cancellation', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let resultsDir: string;
  const workers: ChildWorker[] = [];
  const taskQueue = `crash-${process.pid}`;

  beforeAll(async () => {
    env = await createDevServerEnv();
    sim = await startSimulator({ timing: { perRequestMs: 10_000 } });
    resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-crash-'));
  });
  afterAll(async () => {
    for (const w of workers) {
      if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
      await w.exited;
    }
    await sim?.close();
    await env?.teardown();
    if (resultsDir) fs.rmSync(resultsDir, { recursive: true, force: true });
  });

  async function newWorker(): Promise<ChildWorker> {
    const w = await startChildWorker({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPENAI_BASE_URL: sim.url,
      OPENAI_API_KEY: sim.apiKey,
      RESULTS_DIR: resultsDir,
    });
    workers.push(w);
    return w;
  }

  async function kill(w: ChildWorker): Promise<void> {
    w.proc.kill('SIGKILL');
    await w.exited;
  }

  it('is killed mid-poll and mid-download; a new worker finishes with exact results', async () => {
    const started = Date.now();
    const batch = sim.seedBatch({
      status: 'in_progress',
      requests: 80_000,
      completedFraction: 0.7,
      cancelDelayMs: 8_000,
    });
    let worker = await newWorker();
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      { taskQueue },
    );

    // Crash 1: while the batch is cancelling and the workflow polls it.
    await waitFor('polling', async () => {
      const p = await getCancellationProgress(env.client, batch.id);
      // Retried reads are not in the workflow's state until a check-in: count them at the API.
      return (
        p.phase === 'waiting' &&
        p.batch?.status === 'cancelling' &&
        sim.stats().requests['batches.retrieve'] >= 3
      );
    });
    await kill(worker);
    const pollsBefore = sim.stats().requests['batches.retrieve'];
    worker = await newWorker();

    // Crash 2: while the output file is being downloaded (its temporary file is growing).
    const batchDir = path.join(resultsDir, batch.id);
    const partial = await waitFor(
      'a growing .partial file',
      () => {
        if (!fs.existsSync(batchDir)) return false;
        for (const f of fs.readdirSync(batchDir)) {
          if (!f.endsWith('.partial')) continue;
          const size = fs.statSync(path.join(batchDir, f), { throwIfNoEntry: false })?.size ?? 0;
          if (size > 1_000_000) return { file: f, size };
        }
        return false;
      },
      120_000,
      10,
    );
    await kill(worker);
    const downloadsBefore = sim.stats().requests['files.content'];
    worker = await newWorker();

    const result = await handle.result();
    expect(result.finalStatus).toBe('cancelled');
    expect(sim.stats().requests['batches.retrieve']).toBeGreaterThan(pollsBefore);
    expect(sim.stats().requests['files.content']).toBeGreaterThan(downloadsBefore);
    const exact = await expectExactResults(sim, result);
    // The killed worker's temporary file is not part of the result: no line counted twice.
    expect(result.results!.output!.lines + result.results!.errors!.lines).toBe(exact.lines);
    // Every request without a success is either to resubmit or failed for good (a 4xx).
    const rem = result.results!.remaining!;
    expect(rem.lines + (rem.failedPermanent?.lines ?? 0)).toBe(80_000 - result.results!.succeeded);

    printFigures('worker-crash', {
      workflows: 1,
      crashes: 2,
      killedAtPartialBytes: partial.size,
      linesChecked: exact.lines,
      bytesChecked: exact.bytes,
      linesLost: 0,
      linesDuplicated: 0,
      seconds: Math.round((Date.now() - started) / 1000),
    });
  });
});
