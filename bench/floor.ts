/**
 * The Temporal floor: what any durable cancellation costs on this machine before it does anything
 * of its own. N batches cancelled concurrently four ways, side by side in one run, against one
 * dev server and one simulator:
 * - `project`: cancelBatchWorkflow on the production worker (as bench/overhead.ts);
 * - `oneActivity`: the plain script's whole job as one activity in a workflow (start, two workflow
 *   tasks, one activity task): the cheapest durable design, with no retries, no progress, no
 *   search attributes;
 * - `empty`: a workflow that returns at once (start, one workflow task, completion): no work;
 * - `plain`: the plain script in this process (as bench/overhead.ts).
 * Starts go 100 in flight, by workflow id, as the project's client does.
 *
 *   tsx bench/floor.ts [--sizes 200,1000] [--cancel-delay-ms 3000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  arg,
  machine,
  machineCpuSeconds,
  mapLimit,
  REQUESTS_PER_BATCH,
  round,
  runBench,
  sleep,
  startDurableStack,
  type WorkerProcess,
} from './lib';
import { BENCH_POLL, plainCancel } from './plain-cancel';
import { COUNTER_FLUSH_MS, perCancellation } from '../test/helpers/server-counters';

const sizes = arg('sizes', '200,1000').split(',').map(Number);
const cancelDelayMs = Number(arg('cancel-delay-ms', '3000'));

type Stack = Awaited<ReturnType<typeof startDurableStack>>;

/**
 * Wall time and CPU per cancellation of one phase; `cpuOf` are the processes measured apart, and
 * with `stack` the dev server's counted work over the phase (test/helpers/server-counters.ts) too.
 */
async function measure(
  n: number,
  cpuOf: Record<string, () => number | undefined>,
  run: () => Promise<unknown>,
  stack?: Stack,
) {
  const counters0 = await stack?.serverCounters();
  const cpu0 = machineCpuSeconds();
  const apart0 = Object.fromEntries(Object.entries(cpuOf).map(([k, f]) => [k, f() ?? 0]));
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const cpuPer = (s: number) => round((s * 1000) / n, 1);
  const cpu = {
    machineCpuMsPerCancellation: cpuPer(machineCpuSeconds() - cpu0),
    ...Object.fromEntries(
      Object.entries(cpuOf).map(([k, f]) => [
        `${k}CpuMsPerCancellation`,
        cpuPer((f() ?? 0) - (apart0[k] ?? 0)),
      ]),
    ),
  };
  const counters1 = stack ? await sleep(COUNTER_FLUSH_MS).then(() => stack.serverCounters()) : undefined;
  return {
    wallMs: Math.round(wallMs),
    ...cpu,
    ...(counters0 && counters1
      ? { serverWorkPerCancellation: perCancellation(counters0, counters1, n) }
      : {}),
  };
}

/** Starts `workflow` for each batch (100 in flight) and awaits every result. */
async function runWorkflows(client: Client, workflow: string, queue: string, ids: string[]) {
  const handles: WorkflowHandle[] = await mapLimit(ids, 100, (batchId) =>
    client.workflow.start(workflow, {
      taskQueue: queue,
      workflowId: `floor-${workflow}-${batchId}`,
      args: [batchId],
    }),
  );
  await Promise.all(handles.map((h) => h.result()));
}

async function main() {
  const stack: Stack = await startDurableStack('floor', cancelDelayMs);
  const floorQueue = `${stack.taskQueue}-floor`;
  const floorWorker: WorkerProcess = await stack.addWorker(floorQueue, require.resolve('./floor-worker'));
  const client = stack.env.client;
  const openai = new OpenAI({ apiKey: stack.sim.apiKey, baseURL: stack.sim.url, maxRetries: 0 });
  const plainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-bench-floor-'));
  const durableCpu = (w: WorkerProcess) => ({
    worker: () => w.cpuSeconds(),
    devServer: stack.serverCpuSeconds,
  });
  const runs: unknown[] = [];
  try {
    for (const n of sizes) {
      const project = await measure(
        n,
        durableCpu(stack.worker),
        async () => {
          const handles = await stack.start(stack.seed(n), BENCH_POLL, 100);
          await Promise.all(handles.map((h) => h.result()));
        },
        stack,
      );
      await sleep(1000);
      const oneActivity = await measure(
        n,
        durableCpu(floorWorker),
        () => runWorkflows(client, 'floorOneActivityWorkflow', floorQueue, stack.seed(n)),
        stack,
      );
      await sleep(1000);
      const empty = await measure(
        n,
        durableCpu(floorWorker),
        () => runWorkflows(client, 'floorEmptyWorkflow', floorQueue, stack.seed(n)),
        stack,
      );
      await sleep(1000);
      const ids = stack.seed(n);
      const plain = await measure(n, {}, () =>
        Promise.all(ids.map((id) => plainCancel(openai, id, plainDir))),
      );
      const ratio = (wallMs: number) => round(wallMs / plain.wallMs, 3);
      runs.push({
        n,
        ratioTarget: n >= 1000 ? 1.5 : 1.2,
        project: { ...project, ratio: ratio(project.wallMs) },
        oneActivity: { ...oneActivity, ratio: ratio(oneActivity.wallMs) },
        empty: { ...empty, ratio: ratio(empty.wallMs) },
        plain,
      });
      await sleep(1000);
    }
  } finally {
    await stack.close();
    fs.rmSync(plainDir, { recursive: true, force: true });
  }
  return {
    benchmark: 'floor',
    machine: machine(),
    params: { requestsPerBatch: REQUESTS_PER_BATCH, cancelDelayMs, poll: BENCH_POLL, startConcurrency: 100 },
    note: "ratio: wall time over the plain script's in the same run. empty does none of the work, so its ratio is a lower bound for any workflow that starts per cancellation and is awaited; machineCpuMsPerCancellation: CPU of every process on the machine during the phase",
    runs,
  };
}

runBench(main);
