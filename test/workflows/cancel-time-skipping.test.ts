/**
 * cancelBatchWorkflow on the Java time-skipping server with the simulator as the API. The
 * simulator's clock follows the server's, so minutes of cancellation pass in seconds.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { cancelBatchWorkflow } from '../../src/workflows';
import { temporal } from '@temporalio/proto';
import { batchEventSignal } from '../../src/contract/batch-event';
import { cancelWorkflowId } from '../../src/contract/constants';
import { FailureType } from '../../src/contract/failure-types';
import type { CancelBatchInput } from '../../src/contract/cancel-input';
import type { SeedBatchSpec } from '../../tools/simulator';
import { applicationFailureOf } from '../helpers/failures';
import { recordHistory } from '../helpers/record-history';
import {
  createTimeSkippingHarness,
  digestFile,
  type Harness,
  type serverTimeClock,
} from '../helpers/cancel-harness';

const MIN = 60_000;
const EventType = temporal.api.enums.v1.EventType;

describe('cancelBatchWorkflow (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let clock: ReturnType<typeof serverTimeClock>;
  /** Server-time of each attempt of each activity, to check the retry schedule. */
  let attempts: { activity: string; at: number; attempt: number }[];

  const recorder: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        attempts.push({
          activity: ctx.info.activityType,
          at: await env.currentTimeMs(),
          attempt: ctx.info.attempt,
        });
        return next(input);
      },
    },
  });

  beforeAll(async () => {
    ({ env, h, clock } = await createTimeSkippingHarness());
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });
  beforeEach(() => {
    attempts = [];
  });

  /** Seeds at the server's current time, which moves on between tests. */
  async function seed(spec: SeedBatchSpec) {
    clock.advanceTo(await env.currentTimeMs());
    return h.sim.seedBatch(spec);
  }

  async function run(input: CancelBatchInput) {
    const worker = await h.newWorker({ interceptors: [clock.interceptor, recorder] });
    return worker.runUntil(
      env.client.workflow.execute(cancelBatchWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: cancelWorkflowId(input.batchId),
        args: [input],
      }),
    );
  }

  const runExpectingFailure = (input: CancelBatchInput) => applicationFailureOf(run(input));

  it('waits out a 25-minute cancellation in seconds and collects the partial results', async () => {
    const batch = await seed({ status: 'in_progress', requests: 200, completedFraction: 0.4 });
    const wallStart = Date.now();
    const result = await run({ batchId: batch.id });
    const wallMs = Date.now() - wallStart;

    expect(result.finalStatus).toBe('cancelled');
    expect(result.cancelOutcome).toBe('cancel-requested');
    expect(result.timings.waitedMs).toBeGreaterThanOrEqual(25 * MIN);
    expect(wallMs).toBeLessThan(60_000);

    const final = h.sim.getBatch(batch.id)!;
    const counts = final.request_counts!;
    const results = result.results!;
    expect(results.succeeded).toBe(counts.completed);
    expect(results.output!.lines).toBe(counts.completed);
    // The error file holds the HTTP-style failures plus one batch_cancelled line per unprocessed request.
    expect(results.errors!.lines).toBe(counts.total - counts.completed);
    expect(results.failedByCode['batch_cancelled']).toBe(counts.total - counts.completed - counts.failed);
    // The HTTP 400 failures would fail again: failed-permanent.jsonl, not remaining.jsonl.
    expect(results.remaining!.lines).toBe(counts.total - counts.completed - counts.failed);
    expect(results.remaining!.failedPermanent?.lines ?? 0).toBe(counts.failed);
    for (const [summary, fileId] of [
      [results.output!, final.output_file_id!],
      [results.errors!, final.error_file_id!],
    ] as const) {
      const expected = await h.sim.expectedFile(fileId);
      expect(await digestFile(summary.path)).toEqual(expected);
      expect(summary.sha256).toBe(expected.sha256);
    }
  });

  it('polls on the backoff schedule, carried across check-ins', async () => {
    const batch = await seed({ status: 'in_progress', requests: 20 });
    await run({
      batchId: batch.id,
      poll: { initialInterval: '10s', backoffCoefficient: 2, maxInterval: '2m' },
      checkInInterval: '5m',
    });
    const reads = attempts.filter((a) => a.activity === 'awaitTerminal').map((a) => a.at);
    const gaps = reads.slice(1).map((t, i) => Math.round((t - reads[i]!) / 1000));
    // 10, 20, 40, 80, then capped at 120 s; the continuation attempt after a check-in reads nothing
    // and is followed by the next interval, so the sum of the two gaps around it is the interval.
    const merged: number[] = [];
    for (const g of gaps) {
      if (g <= 1 && merged.length > 0) continue;
      merged.push(g);
    }
    expect(merged.slice(0, 5)).toEqual([10, 20, 40, 80, 120]);
    expect(merged.slice(5).every((g) => g === 120)).toBe(true);
  });

  it('begins in one local activity (validate + POST) and never re-reads what the cancel returned', async () => {
    const batch = await seed({ status: 'in_progress', requests: 10, cancelDelayMs: 35_000 });
    const before = h.sim.stats().requests;
    const result = await run({ batchId: batch.id, poll: { initialInterval: '10s', backoffCoefficient: 1 } });
    expect(result.finalStatus).toBe('cancelled');
    const after = h.sim.stats().requests;
    expect(after['batches.cancel'] - before['batches.cancel']).toBe(1);
    // Reads at 10, 20, 30, 40 s: the cancel's answer was the read at 0.
    expect(after['batches.retrieve'] - before['batches.retrieve']).toBe(4);
    const history = await env.client.workflow.getHandle(cancelWorkflowId(batch.id)).fetchHistory();
    const types = (history.events ?? []).map((e) => EventType[e.eventType ?? 0]);
    const count = (t: string) => types.filter((x) => x === t).length;
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((name): name is string => !!name);
    // Wait and collect: no activity task for the cancel, no workflow task between it and the wait.
    expect(scheduled).toEqual(['awaitTerminal', 'collectResults']);
    expect(count('EVENT_TYPE_WORKFLOW_TASK_COMPLETED')).toBe(3);
    // The local activity's marker only: 0.2.0 folded the pre-1.0 patches, so none is recorded.
    expect(count('EVENT_TYPE_MARKER_RECORDED')).toBe(1);
    // The first status (with the batch id), the final status; no TemporalChangeVersion upsert.
    expect(count('EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')).toBe(2);
  });

  it('with webhooks, a 30-minute cancellation waits on a timer: 2 API calls, one signal, no wait activity', async () => {
    const batch = await seed({ status: 'in_progress', requests: 10, cancelDelayMs: 29 * MIN });
    const before = h.sim.stats().requests;
    const worker = await h.newWorker({ interceptors: [clock.interceptor, recorder] });
    const handle = await env.client.workflow.start(cancelBatchWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: cancelWorkflowId(batch.id),
      args: [{ batchId: batch.id, webhooks: true }],
    });
    const result = await worker.runUntil(async () => {
      // OpenAI's batch.cancelled event, 30 s after the batch became cancelled.
      await env.sleep(29.5 * MIN);
      clock.advanceTo(await env.currentTimeMs());
      await handle.signal(batchEventSignal, { eventId: 'evt_ts_1', type: 'batch.cancelled' });
      return handle.result();
    });
    expect(result.finalStatus).toBe('cancelled');
    const after = h.sim.stats().requests;
    const calls =
      after['batches.cancel'] -
      before['batches.cancel'] +
      after['batches.retrieve'] -
      before['batches.retrieve'];
    // The cancel's answer and the event's confirming read: the 30-minute fallback never fired.
    expect(calls).toBe(2);
    expect(result.timings.waitedMs).toBeGreaterThanOrEqual(29.5 * MIN);
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const count = (t: string) => events.filter((e) => EventType[e.eventType ?? 0] === t).length;
    const scheduled = events
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((name): name is string => !!name);
    // What the server does for it: a timer started with the wait, the signal, three workflow tasks.
    expect(scheduled).toEqual(['collectResults']);
    expect(count('EVENT_TYPE_TIMER_STARTED')).toBe(1);
    expect(count('EVENT_TYPE_TIMER_FIRED')).toBe(0);
    expect(count('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toBe(1);
    expect(count('EVENT_TYPE_WORKFLOW_TASK_COMPLETED')).toBe(3);
    await recordHistory(env, handle.workflowId, 'webhook-timer-wait');
  });

  it('fails with MaxWaitExceeded carrying the last status when the batch stays cancelling', async () => {
    const batch = await seed({ status: 'in_progress', requests: 10, cancelDelayMs: 5 * 60 * MIN });
    const failure = await runExpectingFailure({ batchId: batch.id, maxWait: '30m' });
    expect(failure.type).toBe(FailureType.MaxWaitExceeded);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details?.[0]).toMatchObject({ lastStatus: 'cancelling' });
    expect(failure.message).toMatch(/still cancelling.*maxWait/);
  });

  it('treats a 409 on an already completed batch as a cue to collect its results', async () => {
    const batch = await seed({ status: 'completed', requests: 30, failedFraction: 0.2 });
    const result = await run({ batchId: batch.id });
    expect(result.cancelOutcome).toBe('already-terminal');
    expect(result.finalStatus).toBe('completed');
    expect(h.sim.stats().requests['batches.cancel']).toBeGreaterThan(0);
    const counts = h.sim.getBatch(batch.id)!.request_counts!;
    expect(result.results!.succeeded).toBe(counts.completed);
    expect(result.results!.errors!.lines).toBe(counts.failed);
  });

  it('fails fast and clearly for an unknown batch', async () => {
    const before = h.sim.stats().requests['batches.cancel'];
    const failure = await runExpectingFailure({ batchId: 'batch_doesnotexist' });
    expect(failure.type).toBe(FailureType.NotFound);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/batch_doesnotexist.*not found.*Check the id/);
    expect(h.sim.stats().requests['batches.cancel'] - before).toBe(1);
  });

  it('honours Retry-After on 429 before retrying the cancel', async () => {
    const batch = await seed({ status: 'in_progress', requests: 10, cancelDelayMs: MIN });
    h.sim.injectFault('batches.cancel', { kind: 'rate_limit', retryAfterSeconds: 45 }, 2);
    const result = await run({ batchId: batch.id });
    expect(result.finalStatus).toBe('cancelled');
    const cancels = attempts.filter((a) => a.activity === 'beginCancellation');
    expect(cancels.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(cancels[1]!.at - cancels[0]!.at).toBeGreaterThanOrEqual(45_000);
    expect(cancels[2]!.at - cancels[1]!.at).toBeGreaterThanOrEqual(45_000);
  });

  it('survives a storm of 5xx answers on every route', async () => {
    const batch = await seed({ status: 'in_progress', requests: 50, cancelDelayMs: 3 * MIN });
    const before = h.sim.stats().faultsInjected.server_error;
    h.sim.setFaults({ routes: { '*': { serverErrorRate: 0.5 } } });
    try {
      const result = await run({ batchId: batch.id });
      expect(result.finalStatus).toBe('cancelled');
      expect(result.results!.output!.lines + result.results!.errors!.lines).toBe(50);
    } finally {
      h.sim.setFaults({});
    }
    expect(h.sim.stats().faultsInjected.server_error - before).toBeGreaterThan(3);
  });
});
