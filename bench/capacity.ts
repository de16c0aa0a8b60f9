/**
 * Capacity: N cancellations in flight on one worker (dev server), started with bounded
 * concurrency. Reports the worker's peak RSS (this process: worker + simulator + client; the dev
 * server is a separate process, reported separately) and whether, and when, all finish.
 *
 *   tsx bench/capacity.ts [--n 5000] [--cancel-delay-ms 60000] [--limit-ms 540000]
 */
import fs from 'node:fs';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { startBatchCancellation } from '../src/client';
import { createOpenAIClient } from '../src/openai/client';
import { createDevServerEnv } from '../test/helpers/temporal-env';
import { createHarness } from '../test/helpers/cancel-harness';
import { runBench, arg, machine, mapLimit, rssSampler, round, sleep } from './lib';

const n = Number(arg('n', '5000'));
const cancelDelayMs = Number(arg('cancel-delay-ms', '60000'));
const limitMs = Number(arg('limit-ms', String(9 * 60_000)));
const startConcurrency = Number(arg('concurrency', '50'));
/** 0 = the SDK's default (derived from the heap limit: ~2,300 on this machine). */
const maxCachedWorkflows = Number(arg('max-cached-workflows', '0'));
const poll = { initialInterval: '5s', maxInterval: '20s' };

/** RSS of the dev server (a child `temporal` process), from /proc; undefined if not found. */
function devServerRssMB(): number | undefined {
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (
        !cmd.includes('start-dev') ||
        fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[3] !== String(process.pid)
      )
        continue;
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : undefined;
    }
  } catch {
    // not Linux, or the process went away
  }
  return undefined;
}

/** The innermost cause of a workflow failure, as `Name[type]: message` (ids stripped). */
function rootCause(err: unknown): string {
  let e = err as { cause?: unknown; name?: string; message?: string; type?: string } | undefined;
  while (e && typeof e === 'object' && e.cause) e = e.cause as typeof e;
  const text = `${e?.name ?? 'Error'}${e?.type ? `[${e.type}]` : ''}: ${e?.message ?? String(e)}`;
  return text.replace(/batch_[0-9a-f]+/g, 'batch_…').slice(0, 200);
}

async function main() {
  const env = await createDevServerEnv();
  const h = await createHarness(env, { timing: { cancelDelayMs, perRequestMs: 60_000 } });
  const rss = rssSampler(100);
  let report: Record<string, unknown> = {};
  try {
    const worker = maxCachedWorkflows
      ? await Worker.create({
          connection: env.nativeConnection,
          taskQueue: h.taskQueue,
          workflowsPath: require.resolve('../src/workflows'),
          activities: createActivities({
            openai: createOpenAIClient({ apiKey: h.sim.apiKey, baseURL: h.sim.url, timeoutMs: 10_000 }),
            results: h.store,
          }),
          maxCachedWorkflows,
        })
      : await h.newWorker();
    const ids = Array.from(
      { length: n },
      () => h.sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs }).id,
    );
    const idleRssMB = rss.peakMB();
    rss.reset();
    await worker.runUntil(async () => {
      const t0 = performance.now();
      let done = 0;
      let failed = 0;
      const failureReasons: Record<string, number> = {};
      let lastDoneAt = 0;
      // Results are awaited 100 at a time: thousands of concurrent result() long polls hit the
      // dev server's "namespace concurrent poller limit" (RESOURCE_EXHAUSTED) on the client side.
      const handles = await mapLimit(ids, startConcurrency, (batchId) =>
        startBatchCancellation(
          env.client,
          { batchId, poll, writeRemaining: false },
          { taskQueue: h.taskQueue, rerunIfFinished: true },
        ),
      );
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
        workerPeakRssMB: rss.peakMB(),
        rssTargetMB: 1024,
        rssTargetMet: rss.peakMB() < 1024,
        devServerPeakRssMB: devServerRssMB(),
      };
    });
  } finally {
    rss.stop();
    await h.close();
    await env.teardown();
  }
  return {
    benchmark: 'capacity',
    machine: machine(),
    params: {
      n,
      maxCachedWorkflows: maxCachedWorkflows || 'SDK default',
      cancelDelayMs,
      poll,
      startConcurrency,
      writeRemaining: false,
      requestsPerBatch: 10,
      limitMs,
    },
    note: 'workerPeakRssMB is this process: worker + simulator + client, sampled every 100 ms',
    ...report,
  };
}

runBench(main);
