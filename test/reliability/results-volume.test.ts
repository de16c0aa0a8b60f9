/**
 * A results volume that is full or failing: the worker never dies, the collection fails with the
 * `ResultsStoreError` type naming the directory (retried on its own bounded budget, then final),
 * and no result file is left half written. Two real failures: a 1 MiB tmpfs (ENOSPC from the
 * kernel), in-process and with the production worker in a child process; and write streams that
 * fail the two ways Node reports it (write() accepted the bytes and the stream errors later;
 * write() returned false and the stream errors instead of draining).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { startBatchCancellation } from '../../src/client/cancellations';
import { createOpenAIClient } from '../../src/providers/openai/client';
import { openaiProvider } from '../../src/providers/openai/provider';
import type { OpenWriteStream } from '../../src/results/atomic-file';
import { LocalResultsStore } from '../../src/results/local-store';
import { FailureType } from '../../src/contract/failure-types';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { applicationFailureOf } from '../helpers/failures';
import { createDevServerEnv } from '../helpers/temporal-env';
import { fastPoll, printFigures, startChildWorker, waitFor, type ChildWorker } from './support';

jest.setTimeout(180_000);

const figures = {
  cases: 0,
  workerAlive: true,
  typedFailures: 0,
  partialFinalFiles: 0,
  secondsToFinalFailure: [] as number[],
};

/** Mounts a 1 MiB tmpfs, or says why it cannot (not root, no CAP_SYS_ADMIN). */
function mountSmallTmpfs(): { dir: string; unmount: () => void } | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs is not permitted here (${(err as Error).message.split('\n')[0]})`;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir` (recursively), relative. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

/** Result files that are half written: temporaries, or data files without the summary of a finished collection. */
function partialFiles(dir: string): string[] {
  return filesUnder(dir).filter((f) => f.endsWith('.partial') || /\.(jsonl|part)$/.test(f));
}

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}

/**
 * A stream that takes `okBytes` and then fails every write, asynchronously as fs does.
 * `highWaterMark` decides which way it fails: large, write() returns true and the error comes
 * later; tiny, write() returns false and the error comes instead of 'drain'.
 */
function failingStreams(okBytes: number, highWaterMark: number): OpenWriteStream {
  return (file, opts) => {
    let taken = 0;
    const real = fs.createWriteStream(file, opts);
    return new Writable({
      highWaterMark,
      write(chunk: Buffer, _enc, cb) {
        taken += chunk.length;
        if (taken > okBytes) setTimeout(() => cb(enospc()), 5);
        else real.write(chunk, cb);
      },
      final(cb) {
        real.end(cb);
      },
      destroy(err, cb) {
        real.destroy();
        real.once('close', () => cb(err));
      },
    });
  };
}

describe('a full or failing results volume', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let queue = 0;

  beforeAll(async () => {
    env = await createDevServerEnv();
    sim = await startSimulator({ timing: { cancelDelayMs: 300, perRequestMs: 10_000 } });
  });
  afterAll(async () => {
    await sim?.close();
    await env?.teardown();
    printFigures('results-volume', figures);
  });

  /** Runs one cancellation on an in-process worker with the production activities and `store`. */
  async function runWith(store: LocalResultsStore, requests: number) {
    const taskQueue = `volume-${process.pid}-${++queue}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities({
        provider: openaiProvider(
          createOpenAIClient({ apiKey: sim.apiKey, baseURL: sim.url, timeoutMs: 10_000 }),
        ),
        results: store,
        resultsStoreRetry: { maxFailures: 3, retryDelayMs: 200 },
      }),
    });
    const batch = sim.seedBatch({ status: 'in_progress', requests, completedFraction: 0.9 });
    const started = Date.now();
    const outcome = await worker.runUntil(async () => {
      const handle = await startBatchCancellation(
        env.client,
        { batchId: batch.id, poll: fastPoll },
        { taskQueue },
      );
      return handle.result().then(
        (result) => ({ ok: true as const, result }),
        (err: unknown) => ({ ok: false as const, err }),
      );
    });
    expect(worker.getState()).toBe('STOPPED');
    return { batch, outcome, seconds: (Date.now() - started) / 1000 };
  }

  async function expectStorageFailure(outcome: { ok: boolean; err?: unknown }, batchDir: string) {
    expect(outcome.ok).toBe(false);
    const failure = await applicationFailureOf(Promise.reject(outcome.err));
    expect(failure.type).toBe(FailureType.ResultsStore);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(batchDir);
    expect(failure.message).toMatch(/ENOSPC/);
    expect(failure.message).toMatch(/gave up after 3 storage failures/);
    figures.typedFailures++;
  }

  it('fails with ResultsStoreError naming the directory when a 1 MiB tmpfs fills up, then works once there is room', async () => {
    const mounted = mountSmallTmpfs();
    if (typeof mounted === 'string') {
      console.warn(`SKIPPED the tmpfs case: ${mounted}`);
      return;
    }
    try {
      const store = new LocalResultsStore(mounted.dir);
      // ~1.5 MB of output does not fit in 1 MiB.
      const full = await runWith(store, 5_000);
      await expectStorageFailure(full.outcome, store.batchDir(full.batch.id));
      figures.partialFinalFiles += partialFiles(mounted.dir).length;
      expect(partialFiles(mounted.dir)).toEqual([]);
      figures.secondsToFinalFailure.push(Math.round(full.seconds * 10) / 10);
      // The same volume, the same process: a batch that fits is collected.
      const small = await runWith(store, 200);
      expect(small.outcome.ok).toBe(true);
      figures.cases += 2;
    } finally {
      mounted.unmount();
    }
  });

  it.each([
    ['write() accepted the bytes, the stream errors afterwards', 1 << 20],
    ['write() returned false, the stream errors instead of draining', 16],
  ])('fails promptly with ResultsStoreError when %s', async (_how, highWaterMark) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-failing-'));
    try {
      const store = new LocalResultsStore(dir, { openWriteStream: failingStreams(4096, highWaterMark) });
      const run = await runWith(store, 2_000);
      await expectStorageFailure(run.outcome, store.batchDir(run.batch.id));
      // Three attempts and two 200 ms retry delays: seconds, not the 4 h start-to-close timeout.
      expect(run.seconds).toBeLessThan(30);
      figures.partialFinalFiles += partialFiles(dir).length;
      expect(partialFiles(dir)).toEqual([]);
      figures.secondsToFinalFailure.push(Math.round(run.seconds * 10) / 10);
      figures.cases++;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the production worker (child process) alive on a full tmpfs and reports the typed failure', async () => {
    const mounted = mountSmallTmpfs();
    if (typeof mounted === 'string') {
      console.warn(`SKIPPED the child-process tmpfs case: ${mounted}`);
      return;
    }
    let worker: ChildWorker | undefined;
    try {
      const taskQueue = `volume-child-${process.pid}`;
      worker = await startChildWorker({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        OPENAI_BASE_URL: sim.url,
        OPENAI_API_KEY: sim.apiKey,
        RESULTS_DIR: mounted.dir,
      });
      const batch = sim.seedBatch({ status: 'in_progress', requests: 5_000, completedFraction: 0.9 });
      const handle = await startBatchCancellation(
        env.client,
        { batchId: batch.id, poll: fastPoll },
        { taskQueue },
      );
      // The production budget retries after 30 s: the first failed attempt is what this test sees.
      const failure = await waitFor(
        'a failed collectResults attempt',
        async () => {
          const d = await handle.describe();
          const pending = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'collectResults');
          return pending?.lastFailure ?? undefined;
        },
        60_000,
        200,
      );
      expect(failure.applicationFailureInfo?.type).toBe(FailureType.ResultsStore);
      expect(failure.message).toContain(path.join(mounted.dir, batch.id));
      expect(failure.message).toMatch(/ENOSPC/);
      // Alive: it did not crash on the stream's 'error', and it still answers queries.
      expect(worker.proc.exitCode).toBeNull();
      expect(worker.proc.signalCode).toBeNull();
      const progress = await handle.query<{ phase: string }>('progress');
      expect(progress.phase).toBe('collecting-results');
      figures.partialFinalFiles += partialFiles(mounted.dir).length;
      expect(partialFiles(mounted.dir)).toEqual([]);
      figures.typedFailures++;
      figures.cases++;
      await handle.terminate('test over');
    } finally {
      figures.workerAlive &&= worker !== undefined && worker.proc.exitCode === null;
      if (worker && worker.proc.exitCode === null) {
        worker.proc.kill('SIGTERM');
        await worker.exited;
      }
      mounted.unmount();
    }
  });
});
