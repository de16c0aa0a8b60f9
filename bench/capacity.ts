/**
 * Capacity: N cancellations in flight on one worker (dev server), started with bounded
 * concurrency. The worker is the production `src/worker.ts` in its own process, configured by
 * environment as deployed, so its peak RSS is the worker's alone (the simulator and the client run
 * here, the dev server in its own process, reported separately). Reports whether, and when, all
 * finish.
 *
 *   tsx bench/capacity.ts [--n 5000] [--cancel-delay-ms 60000] [--limit-ms 540000]
 *                         [--max-cached-workflows N]
 */
import { runBench, arg, machine, mapLimit, REQUESTS_PER_BATCH, round, sleep, startDurableStack } from './lib';

const n = Number(arg('n', '5000'));
const cancelDelayMs = Number(arg('cancel-delay-ms', '60000'));
const limitMs = Number(arg('limit-ms', String(9 * 60_000)));
const startConcurrency = Number(arg('concurrency', '50'));
/** Empty = the worker's configured default (WORKER_MAX_CACHED_WORKFLOWS). */
const maxCachedWorkflows = arg('max-cached-workflows', '');
/** NODE_OPTIONS for the worker process, e.g. `--max-old-space-size=512`. */
const workerNodeOptions = arg('worker-node-options', '');
const poll = { initialInterval: '5s', maxInterval: '20s' };

/** The innermost cause of a workflow failure, as `Name[type]: message` (ids stripped). */
function rootCause(err: unknown): string {
  let e = err as { cause?: unknown; name?: string; message?: string; type?: string } | undefined;
  while (e && typeof e === 'object' && e.cause) e = e.cause as typeof e;
  const text = `${e?.name ?? 'Error'}${e?.type ? `[${e.type}]` : ''}: ${e?.message ?? String(e)}`;
  return text.replace(/batch_[0-9a-f]+/g, 'batch_…').slice(0, 200);
}

async function main() {
  const stack = await startDurableStack('capacity', cancelDelayMs, {
    ...(maxCachedWorkflows ? { WORKER_MAX_CACHED_WORKFLOWS: maxCachedWorkflows } : {}),
    ...(workerNodeOptions ? { NODE_OPTIONS: workerNodeOptions } : {}),
  });
  let report: Record<string, unknown> = {};
  try {
    const ids = stack.seed(n);
    const idleRssMB = stack.worker.peakRssMB();
    const t0 = performance.now();
    let done = 0;
    let failed = 0;
    const failureReasons: Record<string, number> = {};
    let lastDoneAt = 0;
    // Results are awaited 100 at a time: thousands of concurrent result() long polls hit the
    // dev server's "namespace concurrent poller limit" (RESOURCE_EXHAUSTED) on the client side.
    const handles = await stack.start(ids, poll, startConcurrency);
    const startMs = performance.now() - t0;
    const timedOut = await Promise.race([
      mapLimit(handles, 100, (handle) =>
        handle.result().then(
          () => {
            done++;
            lastDoneAt = performance.now();
          },
          (err: unknown) => {
            failed++;
            const reason = rootCause(err);
            failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
          },
        ),
      ).then(() => false),
      sleep(Math.max(0, limitMs - startMs)).then(() => true),
    ]);
    const workerPeakRssMB = stack.worker.peakRssMB() ?? -1;
    report = {
      started: ids.length,
      startMs: Math.round(startMs),
      startsPerSec: round(n / (startMs / 1000), 1),
      finished: done,
      failed,
      failureReasons,
      allFinished: done === n,
      timedOut,
      lastFinishedAfterMs: Math.round(lastDoneAt - t0),
      idleRssMB,
      workerPeakRssMB,
      rssTargetMB: 1024,
      rssTargetMet: workerPeakRssMB > 0 && workerPeakRssMB < 1024,
      devServerPeakRssMB: stack.serverPeakRssMB(),
    };
  } finally {
    await stack.close();
  }
  return {
    benchmark: 'capacity',
    machine: machine(),
    params: {
      n,
      maxCachedWorkflows: maxCachedWorkflows || 'worker default',
      workerNodeOptions,
      cancelDelayMs,
      poll,
      startConcurrency,
      writeRemaining: false,
      requestsPerBatch: REQUESTS_PER_BATCH,
      limitMs,
    },
    note: 'workerPeakRssMB is the VmHWM of the worker process (src/worker.ts run as deployed)',
    ...report,
  };
}

runBench(main);
