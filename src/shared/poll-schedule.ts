/**
 * The poll schedule, in one place: its defaults, the retry policy that *is* the schedule, how an
 * attempt count maps to reads, and how the interval carries over from one check-in to the next.
 *
 * How waiting works: each attempt of the `awaitTerminal` activity reads the batch once; while it is
 * not terminal the attempt fails and the activity's retry policy (below) decides when to read again.
 * Retries are not written to history, so a long `cancelling` costs no events. Every check-in the
 * activity returns; the workflow starts the next one from the interval reached so far, and that
 * activity's first attempt only hands over to the retry schedule (it reads nothing), so the backoff
 * never restarts. Used by the workflow (deterministic: plain arithmetic) and by the activity.
 */

/**
 * The defaults. With webhooks (`webhooks: true`) an event ends the wait, and polling is only the
 * fallback for a lost event: it reads far less often.
 */
export const POLL_DEFAULTS = {
  initialInterval: 5_000,
  backoffCoefficient: 1.5,
  maxInterval: 60_000,
  /**
   * With webhooks, the fallback reads every 15 minutes (`initialInterval` and `maxInterval` when
   * not given): the cancel call's answer is the first read and the event's confirming read the
   * last, so a 30-minute cancellation costs 3 reads, and a lost event is noticed within 15 minutes.
   */
  intervalWithWebhooks: 15 * 60_000,
} as const;

/** The poll schedule with defaults applied, durations in ms. */
export interface PollPolicy {
  initialInterval: number;
  backoffCoefficient: number;
  maxInterval: number;
}

/** The retry policy of one wait activity, starting from `interval` (the one carried over). */
export function pollRetryPolicy(poll: PollPolicy, interval: number) {
  return {
    initialInterval: interval,
    backoffCoefficient: poll.backoffCoefficient,
    maximumInterval: poll.maxInterval,
  };
}

/**
 * True for the first attempt of a wait that continues an earlier one: it must read nothing and
 * fail at once, so the retry schedule (not a fresh read) decides when the next read is.
 */
export function isHandOverAttempt(attempt: number, continued: boolean): boolean {
  return continued && attempt === 1;
}

/** Reads made by a wait activity by its `attempt`-th attempt (the hand-over attempt reads nothing). */
export function readsByAttempt(attempt: number, continued: boolean): number {
  return continued ? attempt - 1 : attempt;
}

/**
 * The interval the next wait starts from, after one made `reads` reads starting from `interval`:
 * each retry grew it by the coefficient, up to the cap.
 */
export function carriedInterval(
  poll: PollPolicy,
  interval: number,
  reads: number,
  continued: boolean,
): number {
  const retries = reads - (continued ? 0 : 1);
  return Math.min(poll.maxInterval, interval * poll.backoffCoefficient ** Math.max(0, retries));
}
