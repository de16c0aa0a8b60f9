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
 *   tsx bench/floor.ts [--sizes 200,1000] [--cancel-delay-ms 3000] [--poll fast|default]
 *
 * `--poll fast` (the default here) polls every design on BENCH_POLL (0.5 s ×1.5, at most 2 s);
 * `--poll default` on the product's own default schedule (5 s ×1.5, at most 60 s).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  arg,
  machine,
  mapLimit,
  REQUESTS_PER_BATCH,
  round,
  runBench,
  sleep,
  measurePhase,
  startDurableStack,
  type WorkerProcess,
} from './lib';
import { BENCH_POLL, plainCancel, type BenchPoll } from './plain-cancel';
import { POLL_DEFAULTS } from '../src/contract/poll-schedule';

const sizes = arg('sizes', '200,1000').split(',').map(Number);
const cancelDelayMs = Number(arg('cancel-delay-ms', '3000'));
const pollName = arg('poll', 'fast');
const poll: BenchPoll =
  pollName === 'default'
    ? {
        initialInterval: POLL_DEFAULTS.initialInterval,
        backoffCoefficient: POLL_DEFAULTS.backoffCoefficient,
        maxInterval: POLL_DEFAULTS.maxInterval,
      }
    : BENCH_POLL;

type Stack = Awaited<ReturnType<typeof startDurableStack>>;

/** One phase, measured (measurePhase), without the run's own return value. */
async function measure(
  n: number,
  run: () => Promise<unknown>,
  cpuOf?: Record<string, () => number | undefined>,
  stack?: Stack,
) {
  const { result: _result, ...measured } = await measurePhase(n, run, cpuOf, stack?.serverCounters);
  return measured;
}

/** Starts `workflow` for each batch (100 in flight) and awaits every result. */
async function runWorkflows(client: Client, workflow: string, queue: string, ids: string[]) {
  const handles: WorkflowHandle[] = await mapLimit(ids, 100, (batchId) =>
    client.workflow.start(workflow, {
      taskQueue: queue,
      workflowId: `floor-${workflow}-${batchId}`,
      args: [batchId, poll],
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
        async () => {
          const handles = await stack.start(stack.seed(n), poll, 100);
          await Promise.all(handles.map((h) => h.result()));
        },
        durableCpu(stack.worker),
        stack,
      );
      await sleep(1000);
      const oneActivity = await measure(
        n,
        () => runWorkflows(client, 'floorOneActivityWorkflow', floorQueue, stack.seed(n)),
        durableCpu(floorWorker),
        stack,
      );
      await sleep(1000);
      const empty = await measure(
        n,
        () => runWorkflows(client, 'floorEmptyWorkflow', floorQueue, stack.seed(n)),
        durableCpu(floorWorker),
        stack,
      );
      await sleep(1000);
      const ids = stack.seed(n);
      const plain = await measure(n, () =>
        Promise.all(ids.map((id) => plainCancel(openai, id, plainDir, poll))),
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
    params: { requestsPerBatch: REQUESTS_PER_BATCH, cancelDelayMs, poll, pollName, startConcurrency: 100 },
    note: "ratio: wall time over the plain script's in the same run. empty does none of the work, so its ratio is a lower bound for any workflow that starts per cancellation and is awaited; machineCpuMsPerCancellation: CPU of every process on the machine during the phase",
    runs,
  };
}

runBench(main);
