/**
 * The one place that sets timeouts and retry policies for every activity.
 */
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURE_TYPES } from './failure-types';
import { pollRetryPolicy, type PollPolicy } from './poll-schedule';

const nonRetryableErrorTypes = [...NON_RETRYABLE_FAILURE_TYPES];

/** POST cancel: quick calls; 5xx and network errors back off to a minute, 429 waits Retry-After. */
export const requestCancelOptions: ActivityOptions = {
  startToCloseTimeout: '90s',
  heartbeatTimeout: '20s',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes,
  },
};

/** One read of the batch that someone waits on: fail within two minutes rather than hang. */
const readOnce = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes },
} satisfies ActivityOptions & LocalActivityOptions;

/** The `refresh` update waits on this read. */
export const readBatchOptions: ActivityOptions = readOnce;

/**
 * The read that confirms a webhook event runs as a local activity, inside the workflow task that
 * handled the signal: no activity task round trip, so the wait ends one server hop sooner.
 */
export const confirmEventReadOptions: LocalActivityOptions = readOnce;

/**
 * How long a waiting attempt may go without a heartbeat before the server takes its worker for
 * dead and retries it elsewhere. A held wait heartbeats at half of it to stay alive, so this is
 * the trade between a keep-alive write a minute and a dead worker's wait resuming within two
 * minutes (a cancellation takes ~10).
 */
export const WAIT_HEARTBEAT_TIMEOUT_MS = 2 * 60_000;

/**
 * The wait's options: its retry policy is the poll schedule from `interval` on (see
 * contract/poll-schedule.ts). An attempt holds its reads until the check-in, so its start-to-close
 * is the check-in interval plus room for the last read. The schedule-to-close bound lets a long API
 * outage end one check-in (the workflow then checks in and keeps waiting) instead of retrying
 * silently forever. Malformed answers are bounded inside each attempt instead
 * (src/activities/malformed-response.ts): this policy's attempts are unbounded polls.
 */
export function awaitTerminalOptions(poll: PollPolicy, interval: number, checkInMs: number): ActivityOptions {
  return {
    startToCloseTimeout: checkInMs + 3 * 60_000,
    heartbeatTimeout: WAIT_HEARTBEAT_TIMEOUT_MS,
    scheduleToCloseTimeout: checkInMs + poll.maxInterval + 5 * 60_000,
    retry: { ...pollRetryPolicy(poll, interval), nonRetryableErrorTypes },
  };
}

/**
 * A results volume that is full, read-only or failing is retried apart from the network: each
 * storage failure waits `retryDelayMs` (nextRetryDelay), and after `maxFailures` of them the
 * activity fails for good (non-retryable `ResultsStoreError` naming the directory), so the workflow
 * fails with what to fix instead of retrying forever. collectResults counts its storage failures in
 * its heartbeat details, which survive from one attempt to the next; network failures do not use
 * up this budget. Plain data, so the activity reads it from here too.
 */
export const resultsStoreRetry = { maxFailures: 5, retryDelayMs: 30_000 };

/**
 * Downloads can be large: long start-to-close, short heartbeat timeout to notice a dead worker.
 * Network failures heal and are retried, but not forever: after 12 hours (queueing for a download
 * slot included) the collection fails, so one collection that can never finish does not hang its
 * workflow, nor the scheduled cleanup that waits for it (overlap SKIP would skip every later run).
 * Errors that do not heal are bounded sooner by their classification (src/providers/openai/errors.ts) and
 * the storage budget ({@link resultsStoreRetry}).
 */
export const collectResultsOptions: ActivityOptions = {
  startToCloseTimeout: '4 hours',
  scheduleToCloseTimeout: '12 hours',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    nonRetryableErrorTypes,
  },
};

/** The cleanup's list call: a 5xx page is retried (1 s doubling to 30 s) for up to 30 minutes. */
export const listBatchesPageOptions: ActivityOptions = {
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes },
};

/** The cleanup's few DELETE calls; a failure is reported in the summary, never fails the cleanup. */
export const deleteFilesOptions: ActivityOptions = {
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes },
};

/**
 * Validate the input and POST the cancel, as a local activity in the first workflow task, with the
 * cancel's retry policy. A retry due in more than 5 s (backoff, a 429's Retry-After) waits on a
 * server timer instead of holding the workflow task open.
 */
export const beginCancellationOptions: LocalActivityOptions = {
  startToCloseTimeout: '90s',
  scheduleToCloseTimeout: '1 hour',
  localRetryThreshold: '5s',
  retry: requestCancelOptions.retry,
};
