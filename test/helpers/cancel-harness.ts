/**
 * One place that wires a real Temporal server, the batch simulator and a worker running the
 * project's workflows and activities. Tests use it; nothing in it is a mock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { ACTIVITY_WORKER_OPTIONS } from '../../src/worker/options';
import { NO_IN_ATTEMPT_READS, type InAttemptReads } from '../../src/contract/poll-schedule';
import { createOpenAIClient } from '../../src/providers/openai/client';
import { openaiProvider } from '../../src/providers/openai/provider';
import { startBatchCancellation } from '../../src/client/cancellations';
import { LocalResultsStore } from '../../src/results/local-store';
import type { ResultsStore } from '../../src/results/store';
import type { CancelBatchInput } from '../../src/contract/cancel-input';
import type { CancelBatchResult } from '../../src/contract/results';
import { startSimulator, type BatchSimulator, type SimulatorOptions } from '../../tools/simulator';
import { createTimeSkippingEnv } from './temporal-env';

/**
 * A simulator clock that follows the Temporal server's time: before each activity attempt it moves
 * to the server's current time. On the time-skipping server this makes a 25-minute cancellation
 * take 25 skipped minutes, not 25 real ones. (The Java test server reports an attempt's scheduled
 * time one attempt late, so the server is asked directly.)
 */
export function serverTimeClock(serverTime: () => Promise<number>, start: number) {
  let now = start;
  const interceptor: ActivityInterceptorsFactory = () => ({
    inbound: {
      execute: async (input, next) => {
        now = Math.max(now, await serverTime());
        return next(input);
      },
    },
  });
  /** Moves the clock to the server's current time (e.g. before seeding a batch). */
  const advanceTo = (ms: number) => {
    now = Math.max(now, ms);
  };
  return { now: () => now, interceptor, advanceTo };
}

interface WorkerExtras {
  interceptors?: ActivityInterceptorsFactory[];
  maxLineBytes?: number;
}

export interface Harness {
  sim: BatchSimulator;
  resultsDir: string;
  taskQueue: string;
  /** Where the worker writes: a LocalResultsStore on `resultsDir`, unless the test gave its own. */
  store: ResultsStore;
  newWorker(extra?: WorkerExtras): Promise<Worker>;
  /** Starts a worker that runs until `close()`: one worker for a whole test file. */
  startWorker(extra?: WorkerExtras): Promise<Worker>;
  /** Starts (or finds) the cancellation on this harness's task queue and awaits its result. */
  cancel(input: CancelBatchInput): Promise<CancelBatchResult>;
  /** Stops the worker from `startWorker` (if any), the simulator, and removes the results. */
  close(): Promise<void>;
}

let counter = 0;

export async function createHarness(
  env: TestWorkflowEnvironment,
  simOptions: SimulatorOptions = {},
  activityOptions: { inAttemptReads?: InAttemptReads; results?: ResultsStore } = {},
): Promise<Harness> {
  const sim = await startSimulator(simOptions);
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-results-'));
  const taskQueue = `tq-${process.pid}-${++counter}`;
  const store = activityOptions.results ?? new LocalResultsStore(resultsDir);
  const provider = openaiProvider(
    createOpenAIClient({ apiKey: sim.apiKey, baseURL: sim.url, timeoutMs: 10_000 }),
  );
  const newWorker = (extra: WorkerExtras = {}) =>
    Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities({
        provider,
        ...activityOptions,
        results: store,
        ...(extra.maxLineBytes ? { maxLineBytes: extra.maxLineBytes } : {}),
      }),
      interceptors: { activity: extra.interceptors ?? [] },
      ...ACTIVITY_WORKER_OPTIONS,
    });
  let background: { worker: Worker; running: Promise<void> } | undefined;
  return {
    sim,
    resultsDir,
    taskQueue,
    store,
    newWorker,
    cancel: async (input) => (await startBatchCancellation(env.client, input, { taskQueue })).result(),
    startWorker: async (extra) => {
      const worker = await newWorker(extra);
      background = { worker, running: worker.run() };
      return worker;
    },
    close: async () => {
      if (background) {
        background.worker.shutdown();
        await background.running;
      }
      await sim.close();
      fs.rmSync(resultsDir, { recursive: true, force: true });
    },
  };
}

/** sha256 and line count of a file on disk. */
export async function digestFile(
  file: string | AsyncIterable<unknown>,
): Promise<{ lines: number; bytes: number; sha256: string }> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  let lines = 0;
  let bytes = 0;
  for await (const chunk of typeof file === 'string' ? fs.createReadStream(file) : file) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
  }
  return { lines, bytes, sha256: hash.digest('hex') };
}

const MINUTE = 60_000;

/**
 * The time-skipping server, with a harness whose simulator follows the server's clock. Batches are
 * slow (a 25-minute cancellation, a minute per request), so a seeded batch is still running when
 * the cancel arrives. Register `clock.interceptor` on each worker.
 */
export async function createTimeSkippingHarness(): Promise<{
  env: TestWorkflowEnvironment;
  h: Harness;
  clock: ReturnType<typeof serverTimeClock>;
}> {
  const env = await createTimeSkippingEnv();
  const clock = serverTimeClock(() => env.currentTimeMs(), await env.currentTimeMs());
  const h = await createHarness(
    env,
    { clock: clock.now, timing: { cancelDelayMs: 25 * MINUTE, perRequestMs: MINUTE } },
    // A sleep inside an activity is real time while this server's clock jumps: every read is its
    // own attempt, every interval a (skippable) retry.
    { inAttemptReads: NO_IN_ATTEMPT_READS },
  );
  return { env, h, clock };
}
