/**
 * cancelBatchWorkflow: request the cancel, wait until the batch is terminal, collect its partial
 * results. Deterministic: no I/O here, only activities, timers and state.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
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
import type { CancelBatchCarry } from '../contract/cancel-carry';
import { batchEventSignal, type BatchEvent, type DetectedBy } from '../contract/batch-event';
import { isTerminalStatus } from '../contract/batch-status';
import type { CancelBatchInput, CancelBatchOptions } from '../contract/cancel-input';
import { FailureType, invalidInputFailure } from '../contract/failure-types';
import { METRIC } from '../contract/metric-names';
import { carriedInterval, EVENT_FOLLOW_UP_MS, followUpPoll } from '../contract/poll-schedule';
import { progressQuery, refreshUpdate, type BatchSnapshot, type CancelProgress } from '../contract/progress';
import type { CancelBatchResult } from '../contract/results';
import { OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from '../contract/search-attributes';
import { makeAttributeReporter } from './report-attributes';
import {
  awaitTerminalOptions,
  beginCancellationOptions,
  collectResultsOptions,
  confirmEventReadOptions,
  readBatchOptions,
  requestCancelOptions,
} from '../contract/activity-options';
import { renderDetails } from './details';
import { loadCancelInputSchema } from './lazy-schemas';

const { requestCancel } = proxyActivities<Activities>(requestCancelOptions);
const { readBatch } = proxyActivities<Activities>(readBatchOptions);
const { collectResults } = proxyActivities<Activities>(collectResultsOptions);
const { readBatchAt } = proxyActivities<Activities>(readBatchOptions);
const { readBatch: readBatchNow } = proxyLocalActivities<Activities>(confirmEventReadOptions);
const { readBatchAt: readBatchAtNow } = proxyLocalActivities<Activities>(confirmEventReadOptions);
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
/**
 * Marks the runs (and every run continued from one) in which reads are ordered by when they were
 * made and a terminal read from any path (refresh, event, poll) ends the wait; handlers finish
 * before the run does; an early event is followed by fast reads; a cancellation during an event's
 * read cancels the run; and the run continues as new before its history grows past
 * `MAX_EVENTS_PER_RUN`. Runs with it imply every earlier patch, so their markers are not recorded.
 */
const ORDERED_READS_PATCH = 'ordered-reads-handlers-finish-continue-as-new';
/**
 * A run continues as new once its history is this long (or when the server suggests it): far
 * below Temporal's 10,240-event warning and 51,200-event limit, whatever `maxWait` and
 * `checkInInterval` are.
 */
export const MAX_EVENTS_PER_RUN = 2_000;
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

/**
 * @param carry set only by the workflow itself when it continues as new: what the run so far
 *   knew (options, cancel outcome, progress, poll schedule, events seen). Callers pass the input only.
 */
export async function cancelBatchWorkflow(
  rawInput: CancelBatchInput,
  carry?: CancelBatchCarry,
): Promise<CancelBatchResult> {
  // A continued run comes from a run with the patch; its own marker would only cost events.
  const ordered = carry !== undefined || patched(ORDERED_READS_PATCH);
  const beginsInLocalActivity = ordered || patched(BEGIN_IN_LOCAL_ACTIVITY_PATCH);
  const early = beginsInLocalActivity ? null : parseInWorkflow(rawInput);
  const rawBatchId: unknown = (rawInput as { batchId?: unknown } | null)?.batchId;
  const batchId =
    carry?.options.batchId ?? early?.batchId ?? (typeof rawBatchId === 'string' ? rawBatchId : '(invalid)');
  if (!carry) metricMeter.createCounter(METRIC.cancellationsStarted).add(1);
  const finished = metricMeter.createCounter(METRIC.cancellationsFinished);
  const timeCancelling = metricMeter.createHistogram(
    METRIC.timeCancelling,
    'float',
    undefined,
    'time from the cancel request until the batch was seen terminal',
  );
  const startedAt = carry?.state.startedAt ?? Date.now();

  const state: CancelProgress = carry?.state ?? {
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

  // Which path's read first showed the terminal status (ordered runs).
  let terminalBy: DetectedBy | null = null;
  /**
   * Ordered runs keep the newest read, by when it was made, not when it arrived; a terminal status
   * is final, so once read no later answer replaces it, and a terminal read always wins. Returns
   * the snapshot the run now holds.
   */
  function observeOrdered(batch: BatchSnapshot, readAt: number, by: DetectedBy): BatchSnapshot {
    const known = state.batch;
    if (known && isTerminalStatus(known.status)) return known;
    const terminal = isTerminalStatus(batch.status);
    if (known && !terminal && readAt < (state.lastReadAt ?? -Infinity)) return known;
    if (terminal) terminalBy = by;
    state.batch = batch;
    state.lastReadAt = Math.max(readAt, state.lastReadAt ?? readAt);
    checkIn();
    report();
    return batch;
  }

  function observe(batch: BatchSnapshot, readAt = Date.now(), by: DetectedBy = 'poll'): BatchSnapshot {
    if (ordered) return observeOrdered(batch, readAt, by);
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
  const seenEvents: string[] = carry ? [...carry.seenEvents] : [];
  let pendingEvent: BatchEvent | null = carry?.pendingEvent ?? null;
  // Ends the running wait attempt: an event arrived, or (ordered runs) a refresh read a terminal status.
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
    if (ordered) {
      const read = await readBatchAt.executeWithOptions(
        { ...readBatchOptions, summary: `read ${batchId} now` },
        [batchId],
      );
      state.polls++;
      const latest = observe(read.batch, read.readAt, 'refresh');
      if (isTerminalStatus(latest.status)) wakeOnEvent?.();
      return latest;
    }
    const batch = await readBatch.executeWithOptions(
      { ...readBatchOptions, summary: `read ${batchId} now` },
      [batchId],
    );
    state.polls++;
    return observe(batch);
  });

  let cancel: RequestCancelResult;
  if (carry) {
    opts = carry.options;
    cancel = { outcome: carry.cancelOutcome, batch: null };
  } else if (early) {
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
  let batch: BatchSnapshot | null;
  if (carry) {
    batch = state.batch;
  } else {
    state.polls++;
    state.cancelOutcome = cancel.outcome;
    // After a 409 the batch is known to be finished but not yet read: the wait's first read gets it
    // (unless a refresh during the cancel call read it already).
    batch = cancel.batch ? observe(cancel.batch) : ordered ? state.batch : null;
  }

  state.phase = 'waiting';
  // The poll interval carries over from one check-in to the next (shared/poll-schedule.ts).
  let pollInterval = carry?.pollInterval ?? options.poll.initialInterval;
  // The cancel call's answer is a read: the first wait waits an interval before reading again.
  let continued = carry?.continued ?? (beginsInLocalActivity && batch !== null);
  // Until then, an early event's follow-up reads run on the fast schedule (ordered runs).
  let followUpUntil: number | null = carry?.followUpUntil ?? null;
  let detectedBy: DetectedBy = 'poll';
  while (!batch || !isTerminalStatus(batch.status)) {
    const now = Date.now();
    if (now >= deadline) {
      if (ordered) {
        // A refresh still reading may have the terminal status: let it finish, and it decides.
        await condition(allHandlersFinished);
        batch = state.batch;
        if (batch && isTerminalStatus(batch.status)) continue;
      }
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
    if (ordered && shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      const next: CancelBatchCarry = {
        options,
        cancelOutcome: cancel.outcome,
        state: { ...state, nextCheckInBy: null },
        pollInterval,
        continued,
        followUpUntil,
        seenEvents,
        pendingEvent,
      };
      return continueAsNew<typeof cancelBatchWorkflow>(rawInput, next);
    }
    checkIn();
    if (followUpUntil !== null && now >= followUpUntil) {
      // The follow-up is over: back to the input's schedule (with webhooks, the slow fallback).
      followUpUntil = null;
      pollInterval = options.poll.initialInterval;
    }
    const poll = followUpUntil !== null ? followUpPoll(options.poll) : options.poll;
    // Check in at the stuck threshold too, so the marker is set when it is due.
    const stuckCheckIn = !state.stuck && stuckAt > now ? stuckAt : Infinity;
    const checkInBy = Math.min(
      now + options.checkInInterval,
      deadline,
      stuckCheckIn,
      followUpUntil ?? Infinity,
    );
    state.nextCheckInBy = checkInBy;
    report();
    if (pendingEvent) {
      const event: BatchEvent = pendingEvent;
      pendingEvent = null;
      const summary = `read ${batchId} after its ${event.type} event`;
      try {
        if (ordered) {
          const read = await readBatchAtNow.executeWithOptions({ ...confirmEventReadOptions, summary }, [
            batchId,
          ]);
          state.polls++;
          continued = true;
          batch = observe(read.batch, read.readAt, 'webhook');
          if (!isTerminalStatus(batch.status)) {
            // The event ran ahead of the API (or was stale): read again soon, not at the fallback's pace.
            followUpUntil = Date.now() + EVENT_FOLLOW_UP_MS;
            pollInterval = followUpPoll(options.poll).initialInterval;
          }
        } else {
          const read = await readBatchNow.executeWithOptions({ ...confirmEventReadOptions, summary }, [
            batchId,
          ]);
          state.polls++;
          continued = true;
          batch = observe(read);
          if (isTerminalStatus(batch.status)) detectedBy = 'webhook';
          // Not terminal yet (the event ran ahead of the API, or was stale): read again soon.
          else pollInterval = options.poll.initialInterval;
        }
      } catch (err) {
        // The run was cancelled: that ends it, whatever the read did.
        if (ordered && isCancellation(err)) throw err;
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
            ...awaitTerminalOptions(poll, pollInterval, options.checkInInterval),
            summary: batch ? `wait for ${batchId} to leave ${batch.status}` : `read ${batchId} after 409`,
          },
          [
            {
              batchId,
              checkInBy,
              continued,
              schedule: { poll, interval: pollInterval },
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
        // An event (or a refresh's terminal read): stop this wait attempt (it heartbeats, so it is
        // cancellable); the loop then reads at once, or ends.
        attempt.catch(() => undefined);
        scope.cancel();
        if (ordered) batch = state.batch;
        continue;
      }
      state.polls += waited.polls;
      pollInterval = carriedInterval(poll, pollInterval, waited.polls, continued);
      continued = true;
      batch = observe(waited.batch, waited.readAt);
    } catch (err) {
      wakeOnEvent = null;
      // A long API outage ends one check-in window; the loop checks in and keeps waiting.
      if (!(err instanceof ActivityFailure && endedWaitWindow(err))) throw err;
      if (ordered) batch = state.batch;
    }
  }
  const terminalSeenAt = Date.now();
  state.nextCheckInBy = null;
  state.detectedBy = ordered ? (terminalBy ?? 'poll') : detectedBy;
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
  // A refresh sent during the collection gets its answer before the run completes.
  if (ordered) await condition(allHandlersFinished);
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

/** The server suggests it, or the history is past this workflow's own bound. */
function shouldContinueAsNew(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= MAX_EVENTS_PER_RUN;
}
