/**
 * Overhead of durability: N batches cancelled concurrently, once through the project (dev server,
 * one worker, cancelBatchWorkflow) and once through a plain script using the OpenAI SDK with the
 * same poll schedule. Both against the same simulator, in the same run.
 *
 *   tsx bench/overhead.ts [--sizes 200,1000] [--cancel-delay-ms 3000] [--before REV]
 *
 * With `--before REV` the durable path also runs with the worker of commit REV (a temporary git
 * worktree sharing node_modules, on its own task queue of the same dev server): before and after
 * side by side, same machine, same run, in the order before, after, plain for each size.
 *
 * The simulator and the client run in this process, the dev server and the worker (the
 * production `src/worker.ts`, configured by environment) in their own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import {
  runBench,
  arg,
  checkoutRevision,
  machine,
  REQUESTS_PER_BATCH,
  rssSampler,
  round,
  sleep,
  measurePhase,
  startDurableStack,
  workerEntry,
} from './lib';
import { BENCH_POLL, plainCancel } from './plain-cancel';

const sizes = arg('sizes', '200,1000').split(',').map(Number);
const cancelDelayMs = Number(arg('cancel-delay-ms', '3000'));
const poll = BENCH_POLL;
const beforeRev = arg('before', '');

type Stack = Awaited<ReturnType<typeof startDurableStack>>;
type Worker = Stack['worker'];

/** Starts every workflow (100 starts in flight), then awaits every result; CPU of the phase too. */
async function runDurable(
  stack: Stack,
  n: number,
  queue: string,
  worker: Worker,
  rss: ReturnType<typeof rssSampler>,
) {
  const ids = stack.seed(n);
  rss.reset();
  let startedMs = 0;
  const { result: results, ...measured } = await measurePhase(
    n,
    async () => {
      const t0 = performance.now();
      const handles = await stack.start(ids, poll, 100, queue);
      startedMs = performance.now() - t0;
      return Promise.all(handles.map((hd) => hd.result()));
    },
    { worker: () => worker.cpuSeconds(), devServer: stack.serverCpuSeconds },
    stack.serverCounters,
  );
  const { serverWorkPerCancellation, ...timed } = measured;
  return {
    ...timed,
    startMs: Math.round(startedMs),
    startsPerSec: round(n / (startedMs / 1000), 1),
    cancelled: results.filter((r) => r.finalStatus === 'cancelled').length,
    // The cancel and the reads (result.polls counts both).
    batchApiCallsPerCancellation: round(results.reduce((sum, r) => sum + r.polls, 0) / n, 2),
    workerPeakRssMB: worker.peakRssMB(),
    clientAndSimulatorPeakRssMB: rss.peakMB(),
    serverWorkPerCancellation,
  };
}

async function main() {
  const stack = await startDurableStack('overhead', cancelDelayMs);
  const before = beforeRev ? checkoutRevision(beforeRev) : null;
  const beforeQueue = `${stack.taskQueue}-before`;
  const beforeWorker = before ? await stack.addWorker(beforeQueue, workerEntry(before.root)) : null;
  const { sim } = stack;
  const plainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-bench-plain-'));
  const openai = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.url, maxRetries: 0 });
  const rss = rssSampler(100);
  const runs: unknown[] = [];
  try {
    for (const n of sizes) {
      const beforeRun = beforeWorker ? await runDurable(stack, n, beforeQueue, beforeWorker, rss) : undefined;
      if (beforeRun) await sleep(1000);
      const durable = await runDurable(stack, n, stack.taskQueue, stack.worker, rss);
      await sleep(1000);

      // Plain script: same simulator, same schedule, no durability.
      const plainIds = stack.seed(n);
      rss.reset();
      const { result: calls, ...timed } = await measurePhase(n, () =>
        Promise.all(plainIds.map((id) => plainCancel(openai, id, plainDir))),
      );
      const plainMs = timed.wallMs;
      const plain = {
        ...timed,
        batchApiCallsPerCancellation: round(calls.reduce((a, b) => a + b, 0) / n, 2),
        peakRssMB: rss.peakMB(),
      };

      runs.push({
        n,
        ...(beforeRun ? { before: { ...beforeRun, ratio: round(beforeRun.wallMs / plainMs, 3) } } : {}),
        durable,
        plain,
        ratio: round(durable.wallMs / plainMs, 3),
        ratioTarget: n >= 1000 ? 1.5 : 1.2,
        ratioMet: durable.wallMs / plainMs <= (n >= 1000 ? 1.5 : 1.2),
      });
      await sleep(1000);
    }
  } finally {
    rss.stop();
    await stack.close();
    before?.remove();
    fs.rmSync(plainDir, { recursive: true, force: true });
  }
  return {
    benchmark: 'overhead',
    machine: machine(),
    params: {
      requestsPerBatch: REQUESTS_PER_BATCH,
      cancelDelayMs,
      poll,
      writeRemaining: false,
      startConcurrency: 100,
      ...(before ? { before: { rev: beforeRev, commit: before.commit } } : {}),
    },
    note: "workerPeakRssMB: VmHWM of the worker process (cumulative over the run); the plain script runs in the bench process with the simulator, so its peakRssMB includes the simulator. machineCpuMsPerCancellation: CPU of every process on the machine during the phase, per cancellation; serverWorkPerCancellation: the dev server's request and persistence counters over the phase, per cancellation (test/helpers/server-counters.ts)",
    runs,
  };
}

runBench(main);
