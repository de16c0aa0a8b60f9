/**
 * Long and early waits on the Java time-skipping server: an event that arrives before the API
 * shows the terminal status is followed by fast reads, not the 15-minute fallback; and a wait
 * with frequent check-ins continues as new, so no run's history grows past MAX_EVENTS_PER_RUN
 * whatever `maxWait` and `checkInInterval` are, while the deadline, reads and events carry over.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { cancelBatchWorkflow } from '../../src/workflows';
import { MAX_EVENTS_PER_RUN } from '../../src/workflows/cancel-batch';
import { batchEventSignal } from '../../src/contract/batch-event';
import { cancelWorkflowId } from '../../src/contract/constants';
import { FailureType } from '../../src/contract/failure-types';
import type { CancelBatchInput } from '../../src/contract/cancel-input';
import type { SeedBatchSpec } from '../../tools/simulator';
import { applicationFailureOf } from '../helpers/failures';
import { createTimeSkippingHarness, type Harness, type serverTimeClock } from '../helpers/cancel-harness';
import { recordHistory } from '../helpers/record-history';

const MIN = 60_000;
const EventType = temporal.api.enums.v1.EventType;
/** The worst case: a check-in every 5 s, each reading the batch once. */
const everyFiveSeconds: Partial<CancelBatchInput> = {
  checkInInterval: '5s',
  poll: { initialInterval: '5s', backoffCoefficient: 1, maxInterval: '5s' },
  collectResults: 'never',
};

describe('long and early waits (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let clock: ReturnType<typeof serverTimeClock>;

  beforeAll(async () => {
    ({ env, h, clock } = await createTimeSkippingHarness());
    await h.startWorker({ interceptors: [clock.interceptor] });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  async function seed(spec: SeedBatchSpec) {
    clock.advanceTo(await env.currentTimeMs());
    return h.sim.seedBatch(spec);
  }

  /** Each run of the workflow, first to last, with its history's event count and last event. */
  async function runsOf(workflowId: string, firstRunId: string) {
    const runs: { runId: string; events: number; last: string }[] = [];
    let runId: string | null | undefined = firstRunId;
    while (runId) {
      const history: temporal.api.history.v1.IHistory = await env.client.workflow
        .getHandle(workflowId, runId)
        .fetchHistory();
      const events = history.events ?? [];
      const last = events[events.length - 1];
      runs.push({ runId, events: events.length, last: EventType[last?.eventType ?? 0] ?? '' });
      runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    }
    return runs;
  }

  it('reads again within seconds after an event that ran ahead of the API, not after the 30-minute fallback', async () => {
    const batch = await seed({ status: 'in_progress', requests: 10, cancelDelayMs: 10 * MIN });
    const handle = await env.client.workflow.start(cancelBatchWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: cancelWorkflowId(batch.id),
      args: [{ batchId: batch.id, webhooks: true, collectResults: 'never' }],
    });
    // The event comes 30 s before the API shows the batch cancelled.
    await env.sleep(9.5 * MIN);
    clock.advanceTo(await env.currentTimeMs());
    await handle.signal(batchEventSignal, { eventId: 'evt_early_1', type: 'batch.cancelled' });
    const result = await handle.result();
    expect(result.finalStatus).toBe('cancelled');
    // Seen within the follow-up's first reads (5 s, 7.5 s, 11 s, 17 s, 25 s, ...) of 10 min.
    expect(result.timings.waitedMs).toBeGreaterThanOrEqual(10 * MIN);
    expect(result.timings.waitedMs).toBeLessThan(11 * MIN);
    await recordHistory(env, cancelWorkflowId(batch.id), 'early-event-follow-up');
  });

  it('with webhooks and the event lost, the fallback read on a timer ends the wait after 30 minutes', async () => {
    const batch = await seed({ status: 'in_progress', requests: 10, cancelDelayMs: 12 * MIN });
    const reads = h.sim.stats().requests['batches.retrieve'];
    const handle = await env.client.workflow.start(cancelBatchWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: cancelWorkflowId(batch.id),
      args: [{ batchId: batch.id, webhooks: true, collectResults: 'never' }],
    });
    const result = await handle.result();
    expect(result.finalStatus).toBe('cancelled');
    expect(result.timings.waitedMs).toBeGreaterThanOrEqual(30 * MIN);
    expect(result.timings.waitedMs).toBeLessThan(31 * MIN);
    // One read: the fallback's, in the workflow task the timer woke (a local activity).
    expect(h.sim.stats().requests['batches.retrieve'] - reads).toBe(1);
    const events = (await handle.fetchHistory()).events ?? [];
    const types = events.map((e) => EventType[e.eventType ?? 0]);
    expect(types.filter((t) => t === 'EVENT_TYPE_TIMER_FIRED')).toHaveLength(1);
    expect(types).not.toContain('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
  });

  it('checks in when a 10-minute API outage ends a wait window, then keeps waiting', async () => {
    const batch = await seed({ status: 'in_progress', requests: 10, cancelDelayMs: 20 * MIN });
    // Every read fails for 60 reads, 10 s apart: longer than the wait's window (1 min + 10 s + 5 min).
    h.sim.injectFault('batches.retrieve', { kind: 'server_error', status: 503 }, 60);
    const handle = await env.client.workflow.start(cancelBatchWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: cancelWorkflowId(batch.id),
      args: [
        {
          batchId: batch.id,
          checkInInterval: '1m',
          poll: { initialInterval: '10s', backoffCoefficient: 1, maxInterval: '10s' },
          collectResults: 'never',
        },
      ],
    });
    const result = await handle.result();
    expect(result.finalStatus).toBe('cancelled');
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    // The server failed the wait with retry state TIMEOUT (its next retry fell past the window)...
    const ended = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED);
    expect(ended.map((e) => e.activityTaskFailedEventAttributes?.retryState)).toEqual([
      temporal.api.enums.v1.RetryState.RETRY_STATE_TIMEOUT,
    ]);
    // ...and the workflow checked in and waited again instead of failing.
    const failedAt = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED);
    const waitsAfter = events
      .slice(failedAt + 1)
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'awaitTerminal');
    expect(waitsAfter.length).toBeGreaterThanOrEqual(1);
    await recordHistory(env, handle.workflowId, 'wait-window-end-check-in');
  });

  it('continues as new with a 5 s check-in: every run stays under the bound, the result carries all runs', async () => {
    const batch = await seed({ status: 'in_progress', requests: 20, cancelDelayMs: 100 * MIN });
    const handle = await env.client.workflow.start(cancelBatchWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: cancelWorkflowId(batch.id),
      args: [{ batchId: batch.id, maxWait: '24h', ...everyFiveSeconds }],
    });
    const result = await handle.result();
    expect(result.finalStatus).toBe('cancelled');
    expect(result.timings.waitedMs).toBeGreaterThanOrEqual(100 * MIN);
    // The start time came from the first run, and every run's reads are counted.
    const runs = await runsOf(handle.workflowId, handle.firstExecutionRunId);
    console.log(
      `5 s check-ins for 100 min: ${runs.length} runs of ${runs.map((r) => r.events).join(', ')} events`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs) expect(run.events).toBeLessThanOrEqual(MAX_EVENTS_PER_RUN + 20);
    expect(runs.slice(0, -1).every((r) => r.last === 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW')).toBe(
      true,
    );
    expect(result.polls).toBeGreaterThanOrEqual((100 * MIN) / (5_000 * 2));
    await recordHistory(env, handle.workflowId, 'long-wait-continues-as-new', handle.firstExecutionRunId);
    await recordHistory(env, handle.workflowId, 'long-wait-continued-run', runs[1]!.runId);
  });

  it('keeps the first run’s deadline across runs: MaxWaitExceeded at maxWait, not maxWait after the last run began', async () => {
    const batch = await seed({ status: 'in_progress', requests: 10, cancelDelayMs: 10 * 60 * MIN });
    const handle = await env.client.workflow.start(cancelBatchWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: cancelWorkflowId(batch.id),
      args: [{ batchId: batch.id, maxWait: '80m', ...everyFiveSeconds }],
    });
    const failure = await applicationFailureOf(handle.result());
    expect(failure.type).toBe(FailureType.MaxWaitExceeded);
    expect(failure.message).toMatch(/still cancelling after waiting 80 min/);
    // The wait in workflow time, from the first run's start to the last run's close: the server's
    // clock may skip on past it once nothing of this workflow is pending.
    const first = await env.client.workflow
      .getHandle(handle.workflowId, handle.firstExecutionRunId)
      .describe();
    const last = await env.client.workflow.getHandle(handle.workflowId).describe();
    const elapsed = last.closeTime!.getTime() - first.startTime.getTime();
    expect(elapsed).toBeGreaterThanOrEqual(80 * MIN);
    expect(elapsed).toBeLessThan(85 * MIN);
    expect((await runsOf(handle.workflowId, handle.firstExecutionRunId)).length).toBeGreaterThanOrEqual(2);
  });
});
