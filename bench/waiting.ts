/**
 * Cost of waiting: cancellations that stay `cancelling` 1, 10 and 30 simulated minutes, on the
 * time-skipping server, through cancelBatchWorkflow (default poll policy and check-in) and through
 * a naive 30 s timer loop (bench/naive-workflows.ts). Reports history events, billable actions,
 * API calls and detection delay.
 *
 *   tsx bench/waiting.ts [--minutes 1,10,30]
 */
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../src/activities';
import { createOpenAIClient } from '../src/providers/openai/client';
import { openaiProvider } from '../src/providers/openai/provider';
import { cancelWorkflowId } from '../src/contract/constants';
import type { SimulatorStats } from '../tools/simulator';
import { cancelBatchWorkflow } from '../src/workflows';
import { createTimeSkippingHarness } from '../test/helpers/cancel-harness';
import { naiveCancelWorkflow } from './naive-workflows';
import { runBench, arg, machine } from './lib';

const MIN = 60_000;
const minutes = arg('minutes', '1,10,30').split(',').map(Number);
const EventType = temporal.api.enums.v1.EventType;

const BILLABLE = new Set<string>([
  'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  'EVENT_TYPE_TIMER_STARTED',
  'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
]);

function totalRequests(s: SimulatorStats): number {
  return Object.values(s.requests).reduce((a, b) => a + b, 0);
}

async function historyCost(handle: WorkflowHandle) {
  const history = await handle.fetchHistory();
  const byType: Record<string, number> = {};
  // Temporal Cloud bills every activity attempt ("activity started or retried"), but history keeps
  // only the last attempt of each activity: its ActivityTaskStarted event carries the count.
  let activityRetries = 0;
  for (const ev of history.events ?? []) {
    const name = EventType[ev.eventType ?? 0] ?? String(ev.eventType);
    byType[name] = (byType[name] ?? 0) + 1;
    activityRetries += Math.max(0, (ev.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
  }
  const billableActions =
    Object.entries(byType)
      .filter(([t]) => BILLABLE.has(t))
      .reduce((a, [, n]) => a + n, 0) + activityRetries;
  return { historyEvents: history.events?.length ?? 0, billableActions, activityRetries, byType };
}

async function main() {
  // Every batch is seeded with its own cancel delay: the harness's default one is not used.
  const { env, h, clock } = await createTimeSkippingHarness();
  const naiveQueue = `${h.taskQueue}-naive`;
  const rows: unknown[] = [];
  try {
    const worker = await h.newWorker({ interceptors: [clock.interceptor] });
    const naiveWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: naiveQueue,
      workflowsPath: require.resolve('./naive-workflows'),
      activities: createActivities({
        provider: openaiProvider(
          createOpenAIClient({ apiKey: h.sim.apiKey, baseURL: h.sim.url, timeoutMs: 10_000 }),
        ),
        results: h.store,
      }),
      interceptors: { activity: [clock.interceptor] },
    });
    await worker.runUntil(
      naiveWorker.runUntil(async () => {
        for (const m of minutes) {
          for (const kind of ['project', 'naive'] as const) {
            clock.advanceTo(await env.currentTimeMs());
            const batch = h.sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: m * MIN });
            const before = h.sim.stats();
            const t0 = performance.now();
            let terminalSeenAt: number;
            let finalStatus: string;
            let handle: WorkflowHandle;
            if (kind === 'project') {
              handle = await env.client.workflow.start(cancelBatchWorkflow, {
                taskQueue: h.taskQueue,
                workflowId: cancelWorkflowId(batch.id),
                args: [{ batchId: batch.id, writeRemaining: false }],
              });
              const r = await (handle as WorkflowHandle<typeof cancelBatchWorkflow>).result();
              terminalSeenAt = r.timings.terminalSeenAt;
              finalStatus = r.finalStatus;
            } else {
              handle = await env.client.workflow.start(naiveCancelWorkflow, {
                taskQueue: naiveQueue,
                workflowId: `naive:${batch.id}`,
                args: [batch.id],
              });
              const r = await (handle as WorkflowHandle<typeof naiveCancelWorkflow>).result();
              terminalSeenAt = r.terminalSeenAt;
              finalStatus = r.finalStatus;
            }
            const realMs = performance.now() - t0;
            const after = h.sim.stats();
            const cancelledAt = h.sim.getBatch(batch.id)?.cancelled_at;
            rows.push({
              cancellingMinutes: m,
              workflow: kind,
              finalStatus,
              ...(await historyCost(handle)),
              apiCalls: totalRequests(after) - totalRequests(before),
              batchReads: after.requests['batches.retrieve'] - before.requests['batches.retrieve'],
              detectionDelayMs: cancelledAt ? terminalSeenAt - cancelledAt * 1000 : null,
              realMs: Math.round(realMs),
            });
          }
        }
      }),
    );
  } finally {
    await h.close();
    await env.teardown();
  }
  return {
    benchmark: 'waiting',
    machine: machine(),
    server: 'Java time-skipping test server (simulated minutes)',
    params: {
      project: 'cancelBatchWorkflow defaults: poll 5s x1.5 max 60s, checkIn 10 min, writeRemaining false',
      naive: 'naiveCancelWorkflow: sleep 30s + readBatch activity loop, writeRemaining false',
      requestsPerBatch: 10,
      billableCounted: [...BILLABLE, 'activity retries (ActivityTaskStarted.attempt - 1)'],
      detectionDelayNote: 'cancelled_at has 1 s resolution, so delays are +-1000 ms',
    },
    rows,
  };
}

runBench(main);
