/**
 * cancelBatchWorkflow: request the cancel, wait until the batch is terminal, collect its partial
 * results. Deterministic: no I/O here, only activities, timers and state.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  proxyActivities,
  proxyLocalActivities,
  metricMeter,
  patched,
  setHandler,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { Activities, AwaitTerminalResult, RequestCancelResult } from '../activities';
import { batchEventSignal, type BatchEvent, type DetectedBy } from '../shared/batch-event';
import { isTerminalStatus } from '../shared/batch-status';
import type { CancelBatchInput, CancelBatchOptions } from '../shared/cancel-input';
import { FailureType, invalidInputFailure } from '../shared/failure-types';
import { carriedInterval } from '../shared/poll-schedule';
import { progressQuery, refreshUpdate, type BatchSnapshot, type CancelProgress } from '../shared/progress';
import type { CancelBatchResult } from '../shared/results';
import { OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from '../shared/search-attributes';
import { makeAttributeReporter } from './report-attributes';
import {
  awaitTerminalOptions,
  beginCancellationOptions,
  collectResultsOptions,
  confirmEventReadOptions,
  readBatchOptions,
  requestCancelOptions,
} from './activity-options';
import { renderDetails } from './details';
import { loadCancelInputSchema } from './lazy-schemas';

const { requestCancel } = proxyActivities<Activities>(requestCancelOptions);
const { readBatch } = proxyActivities<Activities>(readBatchOptions);
const { collectResults } = proxyActivities<Activities>(collectResultsOptions);
const { readBatch: readBatchNow } = proxyLocalActivities<Activities>(confirmEventReadOptions);
const { beginCancellation } = proxyLocalActivities<Activities>(beginCancellationOptions);
// Options depend on the input's poll policy: set per call with executeWithOptions.
const { awaitTerminal } = proxyActivities<Activities>({ startToCloseTimeout: '90s' });

/** Marks the runs that upsert the stuck marker and the request counts as numbers. */
const OPS_ATTRIBUTES_PATCH = 'ops-stuck-and-counts-attributes';
/** Marks the runs in which a `batchEvent` signal ends the wait attempt and triggers a read. */
const BATCH_EVENT_PATCH = 'batch-event-ends-wait';
/**
 * Marks the runs that validate the input and POST the cancel in one local activity, inside the
 * first workflow task (zod out of the sandbox; one workflow task and one activity task fewer), and
 * whose first wait does not re-read the batch the cancel call just returned.
 */
const BEGIN_IN_LOCAL_ACTIVITY_PATCH = 'begin-in-local-activity';
/**
 * Marks the runs in which a wait whose next retry would fall past its schedule-to-close (the server
 * then fails it with the last failure instead of a timeout) checks in like a timed-out one.
 */
const WINDOW_END_PATCH = 'wait-window-end-checks-in';
/** Event ids remembered to drop redelivered duplicates; OpenAI sends a batch only a few events. */
const MAX_REMEMBERED_EVENTS = 100;

/**
 * The wait's schedule-to-close ended its check-in window: a timeout, or (the next retry being due
 * after it) the last attempt's failure with retry state TIMEOUT. Either way the loop checks in.
 */
function endedWaitWindow(err: ActivityFailure): boolean {
  if (err.cause instanceof TimeoutFailure) return true;
  return err.retryState === RetryState.TIMEOUT && patched(WINDOW_END_PATCH);
}

/** Histories recorded before the local activity validated in the workflow (zod, loaded lazily). */
function parseInWorkflow(rawInput: CancelBatchInput): CancelBatchOptions {
  const input = loadCancelInputSchema();
  const parsed = input.CancelBatchInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw invalidInputFailure('cancelBatchWorkflow input', input.describeZodError(parsed.error));
  }
  return parsed.data;
}

/** Validates and POSTs the cancel; an invalid input fails the workflow as itself, not as an activity. */
async function begin(rawInput: CancelBatchInput, batchId: string) {
  try {
    return await beginCancellation.executeWithOptions(
      { ...beginCancellationOptions, summary: `POST /v1/batches/${batchId}/cancel` },
      [rawInput],
    );
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === FailureType.InvalidInput) throw cause;
    throw err;
  }
}

export async function cancelBatchWorkflow(rawInput: CancelBatchInput): Promise<CancelBatchResult> {
  const beginsInLocalActivity = patched(BEGIN_IN_LOCAL_ACTIVITY_PATCH);
  const early = beginsInLocalActivity ? null : parseInWorkflow(rawInput);
  const rawBatchId: unknown = (rawInput as { batchId?: unknown } | null)?.batchId;
  const batchId = early?.batchId ?? (typeof rawBatchId === 'string' ? rawBatchId : '(invalid)');
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
  // Known from the start on the old path, after the local activity on the new one.
  let opts: CancelBatchOptions | null = early;
  const report = () => {
    if (!opts) return;
    setCurrentDetails(
      renderDetails(state, {
        maxPollMs: opts.poll.maxInterval,
        webhooks: opts.webhooks,
        stuckAfterMs: opts.stuckAfter,
        now: Date.now(),
      }),
    );
  };
  let stuckAt = Infinity;
  const reportAttributes = makeAttributeReporter();
  // Runs begun in the local activity postdate every earlier patch: their markers are not recorded
  // again (each patch marker also upserts TemporalChangeVersion, a visibility write per run).
  const opsAttributes = () => beginsInLocalActivity || patched(OPS_ATTRIBUTES_PATCH);
  /** Marks or clears "stuck" and upserts what changed (one command at most). */
  function checkIn(): void {
    // Runs recorded before the stuck marker and numeric counts upsert only the status (in observe).
    if (!opsAttributes()) return;
    const cancelling = state.batch?.status === 'cancelling' && state.phase === 'waiting';
    state.stuck = cancelling && Date.now() >= stuckAt;
    reportAttributes(state.batch, state.stuck);
  }

  function observe(batch: BatchSnapshot, readAt = Date.now()): BatchSnapshot {
    if (state.batch?.status !== batch.status && !opsAttributes()) {
      upsertSearchAttributes([{ key: OPENAI_BATCH_STATUS, value: batch.status }]);
    }
    state.batch = batch;
    state.lastReadAt = readAt;
    checkIn();
    report();
    return batch;
  }

  // Webhook events: the first delivery of each id ends the wait attempt; a read then decides.
  const seenEvents: string[] = [];
  let pendingEvent: BatchEvent | null = null;
  let wakeOnEvent: (() => void) | null = null;
  setHandler(batchEventSignal, (event) => {
    if (seenEvents.includes(event.eventId)) return;
    seenEvents.push(event.eventId);
    if (seenEvents.length > MAX_REMEMBERED_EVENTS) seenEvents.shift();
    state.webhookEvents = (state.webhookEvents ?? 0) + 1;
    // Once terminal, an event changes nothing. Runs recorded before events were acted on ignore them.
    if (state.phase !== 'requesting-cancel' && state.phase !== 'waiting') return;
    if (!beginsInLocalActivity && !patched(BATCH_EVENT_PATCH)) return;
    pendingEvent = event;
    wakeOnEvent?.();
  });

  setHandler(progressQuery, () => state);
  setHandler(refreshUpdate, async () => {
    const batch = await readBatch.executeWithOptions(
      { ...readBatchOptions, summary: `read ${batchId} now` },
      [batchId],
    );
    state.polls++;
    return observe(batch);
  });

  let cancel: RequestCancelResult;
  if (early) {
    opts = early;
    upsertSearchAttributes([{ key: OPENAI_BATCH_ID, value: batchId }]);
    report();
    cancel = await requestCancel.executeWithOptions(
      { ...requestCancelOptions, summary: `POST /v1/batches/${batchId}/cancel` },
      [batchId],
    );
  } else {
    const begun = await begin(rawInput, batchId);
    opts = begun.options;
    cancel = begun.cancel;
    // Starters that set the batch id at start (this package's client, the cleanup) need no upsert;
    // others get it with the first status upsert.
    if (workflowInfo().typedSearchAttributes.get(OPENAI_BATCH_ID) !== batchId) {
      reportAttributes.alsoSend({ key: OPENAI_BATCH_ID, value: batchId });
    }
  }
  const options: CancelBatchOptions = opts;
  const deadline = startedAt + options.maxWait;
  stuckAt = startedAt + options.stuckAfter;
  state.polls++;
  state.cancelOutcome = cancel.outcome;
  // After a 409 the batch is known to be finished but not yet read: the wait's first read gets it.
  let batch: BatchSnapshot | null = cancel.batch ? observe(cancel.batch) : null;

  state.phase = 'waiting';
  // The poll interval carries over from one check-in to the next (shared/poll-schedule.ts).
  let pollInterval = options.poll.initialInterval;
  // The cancel call's answer is a read: the first wait waits an interval before reading again.
  let continued = beginsInLocalActivity && batch !== null;
  let detectedBy: DetectedBy = 'poll';
  while (!batch || !isTerminalStatus(batch.status)) {
    const now = Date.now();
    if (now >= deadline) {
      state.phase = 'failed';
      report();
      finished.add(1, { final_status: 'max_wait_exceeded' });
      throw ApplicationFailure.create({
        message:
          `batch ${batchId} was still ${batch?.status ?? 'unread'} after waiting ${Math.round(options.maxWait / 60_000)} min ` +
          `(maxWait). Its cancellation was requested; start again to keep waiting, or raise maxWait.`,
        type: FailureType.MaxWaitExceeded,
        nonRetryable: true,
        details: [{ lastStatus: batch?.status ?? null, batch }],
      });
    }
    checkIn();
    // Check in at the stuck threshold too, so the marker is set when it is due.
    const stuckCheckIn = !state.stuck && stuckAt > now ? stuckAt : Infinity;
    const checkInBy = Math.min(now + options.checkInInterval, deadline, stuckCheckIn);
    state.nextCheckInBy = checkInBy;
    report();
    if (pendingEvent) {
      const event: BatchEvent = pendingEvent;
      pendingEvent = null;
      try {
        const read = await readBatchNow.executeWithOptions(
          { ...confirmEventReadOptions, summary: `read ${batchId} after its ${event.type} event` },
          [batchId],
        );
        state.polls++;
        continued = true;
        batch = observe(read);
        if (isTerminalStatus(batch.status)) detectedBy = 'webhook';
        // Not terminal yet (the event ran ahead of the API, or was stale): read again soon.
        else pollInterval = options.poll.initialInterval;
      } catch (err) {
        // The read failed for good: the poll schedule, the fallback, carries on.
        if (!(err instanceof ActivityFailure)) throw err;
      }
      continue;
    }
    try {
      const scope = new CancellationScope();
      const attempt = scope.run(() =>
        awaitTerminal.executeWithOptions(
          {
            ...awaitTerminalOptions(options.poll, pollInterval, options.checkInInterval),
            summary: batch ? `wait for ${batchId} to leave ${batch.status}` : `read ${batchId} after 409`,
          },
          [
            {
              batchId,
              checkInBy,
              continued,
              schedule: { poll: options.poll, interval: pollInterval },
              known: batch,
            },
          ],
        ),
      );
      const eventArrived = new Promise<null>((resolve) => {
        wakeOnEvent = () => resolve(null);
      });
      const waited: AwaitTerminalResult | null = await Promise.race([attempt, eventArrived]);
      wakeOnEvent = null;
      if (waited === null) {
        // An event: stop this wait attempt (it heartbeats, so it is cancellable) and read at once.
        attempt.catch(() => undefined);
        scope.cancel();
        continue;
      }
      state.polls += waited.polls;
      pollInterval = carriedInterval(options.poll, pollInterval, waited.polls, continued);
      continued = true;
      batch = observe(waited.batch, waited.readAt);
    } catch (err) {
      wakeOnEvent = null;
      // A long API outage ends one check-in window; the loop checks in and keeps waiting.
      if (!(err instanceof ActivityFailure && endedWaitWindow(err))) throw err;
    }
  }
  const terminalSeenAt = Date.now();
  state.nextCheckInBy = null;
  state.detectedBy = detectedBy;
  if (cancel.outcome !== 'already-terminal') {
    timeCancelling.record((terminalSeenAt - startedAt) / 1000, { final_status: batch.status });
  }

  const collect =
    options.collectResults === 'always' ||
    (options.collectResults === 'if-cancelled' && batch.status === 'cancelled');
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
          writeRemaining: options.writeRemaining,
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
