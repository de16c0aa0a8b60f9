/**
 * cancelBatchWorkflow: request the cancel, wait until the batch is terminal, collect its partial
 * results. Deterministic: no I/O here, only activities, timers and state.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  proxyActivities,
  metricMeter,
  patched,
  setHandler,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { isTerminalStatus } from '../shared/batch-status';
import { CancelBatchInputSchema, describeZodError, type CancelBatchInput } from '../shared/cancel-input';
import { FailureType } from '../shared/failure-types';
import { progressQuery, refreshUpdate, type BatchSnapshot, type CancelProgress } from '../shared/progress';
import type { CancelBatchResult } from '../shared/results';
import { OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from '../shared/search-attributes';
import { makeAttributeReporter } from './report-attributes';
import {
  awaitTerminalOptions,
  collectResultsOptions,
  readBatchOptions,
  requestCancelOptions,
} from './activity-options';
import { renderDetails } from './details';

const { requestCancel } = proxyActivities<Activities>(requestCancelOptions);
const { readBatch } = proxyActivities<Activities>(readBatchOptions);
const { collectResults } = proxyActivities<Activities>(collectResultsOptions);
// Options depend on the input's poll policy: set per call with executeWithOptions.
const { awaitTerminal } = proxyActivities<Activities>({ startToCloseTimeout: '90s' });

/** Marks the runs that upsert the stuck marker and the request counts as numbers. */
const OPS_ATTRIBUTES_PATCH = 'ops-stuck-and-counts-attributes';

export async function cancelBatchWorkflow(rawInput: CancelBatchInput): Promise<CancelBatchResult> {
  const parsed = CancelBatchInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid cancelBatchWorkflow input: ${describeZodError(parsed.error)}`,
      FailureType.InvalidInput,
    );
  }
  const opts = parsed.data;
  const { batchId } = opts;
  // Metric names are spelled here, not imported: src/metrics.ts pulls in the worker runtime.
  metricMeter.createCounter('openai_batch_cancellations_started').add(1);
  const finished = metricMeter.createCounter('openai_batch_cancellations_finished');
  const timeCancelling = metricMeter.createHistogram(
    'openai_batch_cancelling_seconds',
    'float',
    undefined,
    'time from the cancel request until the batch was seen terminal',
  );
  const startedAt = Date.now();
  const deadline = startedAt + opts.maxWait;

  const state: CancelProgress = {
    batchId,
    phase: 'requesting-cancel',
    batch: null,
    polls: 0,
    startedAt,
    lastReadAt: null,
    nextCheckInBy: null,
    cancelOutcome: null,
    results: null,
  };
  const report = () =>
    setCurrentDetails(
      renderDetails(state, {
        maxPollMs: opts.poll.maxInterval,
        stuckAfterMs: opts.stuckAfter,
        now: Date.now(),
      }),
    );
  const stuckAt = startedAt + opts.stuckAfter;
  const reportAttributes = makeAttributeReporter();
  /** Marks or clears "stuck" and upserts what changed (one command at most). */
  function checkIn(): void {
    // Runs recorded before the stuck marker and numeric counts upsert only the status (in observe).
    if (!patched(OPS_ATTRIBUTES_PATCH)) return;
    const cancelling = state.batch?.status === 'cancelling' && state.phase === 'waiting';
    state.stuck = cancelling && Date.now() >= stuckAt;
    reportAttributes(state.batch, state.stuck);
  }

  function observe(batch: BatchSnapshot, readAt = Date.now()): BatchSnapshot {
    if (state.batch?.status !== batch.status && !patched(OPS_ATTRIBUTES_PATCH)) {
      upsertSearchAttributes([{ key: OPENAI_BATCH_STATUS, value: batch.status }]);
    }
    state.batch = batch;
    state.lastReadAt = readAt;
    checkIn();
    report();
    return batch;
  }

  setHandler(progressQuery, () => state);
  setHandler(refreshUpdate, async () => {
    const batch = await readBatch.executeWithOptions(
      { ...readBatchOptions, summary: `read ${batchId} now` },
      [batchId],
    );
    state.polls++;
    return observe(batch);
  });

  upsertSearchAttributes([{ key: OPENAI_BATCH_ID, value: batchId }]);
  report();

  const cancel = await requestCancel.executeWithOptions(
    { ...requestCancelOptions, summary: `POST /v1/batches/${batchId}/cancel` },
    [batchId],
  );
  state.polls++;
  state.cancelOutcome = cancel.outcome;
  // After a 409 the batch is known to be finished but not yet read: the wait's first read gets it.
  let batch: BatchSnapshot | null = cancel.batch ? observe(cancel.batch) : null;

  state.phase = 'waiting';
  // The poll interval carries over from one check-in to the next: the backoff never restarts.
  let pollInterval = opts.poll.initialInterval;
  let continued = false;
  while (!batch || !isTerminalStatus(batch.status)) {
    const now = Date.now();
    if (now >= deadline) {
      state.phase = 'failed';
      report();
      finished.add(1, { final_status: 'max_wait_exceeded' });
      throw ApplicationFailure.create({
        message:
          `batch ${batchId} was still ${batch?.status ?? 'unread'} after waiting ${Math.round(opts.maxWait / 60_000)} min ` +
          `(maxWait). Its cancellation was requested; start again to keep waiting, or raise maxWait.`,
        type: FailureType.MaxWaitExceeded,
        nonRetryable: true,
        details: [{ lastStatus: batch?.status ?? null, batch }],
      });
    }
    checkIn();
    // Check in at the stuck threshold too, so the marker is set when it is due.
    const stuckCheckIn = !state.stuck && stuckAt > now ? stuckAt : Infinity;
    state.nextCheckInBy = Math.min(now + opts.checkInInterval, deadline, stuckCheckIn);
    report();
    try {
      const waited = await awaitTerminal.executeWithOptions(
        {
          ...awaitTerminalOptions({ ...opts.poll, initialInterval: pollInterval }, opts.checkInInterval),
          summary: batch ? `wait for ${batchId} to leave ${batch.status}` : `read ${batchId} after 409`,
        },
        [{ batchId, checkInBy: state.nextCheckInBy, continued }],
      );
      state.polls += waited.polls;
      const retries = waited.polls - (continued ? 0 : 1);
      pollInterval = Math.min(
        opts.poll.maxInterval,
        pollInterval * opts.poll.backoffCoefficient ** Math.max(0, retries),
      );
      continued = true;
      batch = observe(waited.batch, waited.readAt);
    } catch (err) {
      // A long API outage ends one check-in window; the loop checks in and keeps waiting.
      if (!(err instanceof ActivityFailure && err.cause instanceof TimeoutFailure)) throw err;
    }
  }
  const terminalSeenAt = Date.now();
  state.nextCheckInBy = null;
  if (cancel.outcome !== 'already-terminal') {
    timeCancelling.record((terminalSeenAt - startedAt) / 1000, { final_status: batch.status });
  }

  const collect =
    opts.collectResults === 'always' ||
    (opts.collectResults === 'if-cancelled' && batch.status === 'cancelled');
  if (collect) {
    state.phase = 'collecting-results';
    report();
    state.results = await collectResults.executeWithOptions(
      { ...collectResultsOptions, summary: `download results of ${batchId} (${batch.status})` },
      [
        {
          batchId,
          inputFileId: batch.inputFileId,
          outputFileId: batch.outputFileId,
          errorFileId: batch.errorFileId,
          writeRemaining: opts.writeRemaining,
          batchErrors: batch.errors ?? null,
          batchUsage: batch.usage ?? null,
        },
      ],
    );
  }
  state.phase = 'done';
  report();
  finished.add(1, { final_status: batch.status });
  const finishedAt = Date.now();
  return {
    batchId,
    finalStatus: batch.status,
    cancelOutcome: cancel.outcome,
    requestCounts: batch.requestCounts,
    batch,
    results: state.results,
    polls: state.polls,
    timings: { startedAt, terminalSeenAt, finishedAt, waitedMs: terminalSeenAt - startedAt },
  };
}
