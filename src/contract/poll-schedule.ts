/**
 * The poll schedule, in one place: its defaults, the retry policy that *is* the schedule, which
 * reads each attempt makes, and how the interval carries over from one check-in to the next.
 *
 * How waiting works: the `awaitTerminal` activity reads the batch; while it is not terminal the
 * attempt fails and the next attempt reads again after the schedule's next interval. Retries are
 * not written to history, so a long `cancelling` costs no events. Reads due within a few seconds
 * of each other run inside one attempt instead (Temporal's advice for frequent polling: a loop in
 * the activity, heartbeating), since each retry costs the server a timer, a dispatch and two
 * writes; reads minutes apart stay retries, so a long wait holds no worker slot. Every check-in the
 * activity returns; the workflow starts the next one from the interval reached so far, and that
 * activity's first attempt only hands over to the schedule (it reads nothing), so the backoff never
 * restarts. Used by the workflow (deterministic: plain arithmetic) and by the activity.
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

/** Reads inside one attempt: while the next is due within `maxGapMs`, for at most `maxSpanMs`. */
export interface InAttemptReads {
  maxGapMs: number;
  maxSpanMs: number;
}

/**
 * The default: reads up to 10 s apart share an attempt, for up to 30 s (the schedule's 5 s and
 * 7.5 s steps; a fast custom schedule's first half minute).
 */
export const IN_ATTEMPT_READS: InAttemptReads = { maxGapMs: 10_000, maxSpanMs: 30_000 };

/** Every read its own attempt, every interval a retry. */
export const NO_IN_ATTEMPT_READS: InAttemptReads = { maxGapMs: 0, maxSpanMs: 0 };

/** What one attempt of a wait does. */
export interface AttemptPlan {
  /** Reads made by the wait's earlier attempts. */
  readsBefore: number;
  /** Waits between this attempt's reads, in order; it reads `sleeps.length + 1` times (0: hand-over). */
  sleeps: number[];
  /** Reads this attempt makes. */
  reads: number;
  /** When the next attempt is due after this one's last read: the schedule's next interval. */
  nextDelay: number;
}

/**
 * The plan of the `attempt`-th attempt of a wait that starts from `interval`. The k-th interval of
 * the schedule is `interval × coefficient^k`, capped; a continued wait's first attempt reads
 * nothing and waits the first interval. Assumes earlier attempts made their plan's reads (an
 * attempt ended early by an API error shifts the count by its missing reads; only the reported
 * `polls` and the carried interval notice).
 */
export function attemptPlan(
  poll: PollPolicy,
  interval: number,
  attempt: number,
  continued: boolean,
  inAttempt: InAttemptReads = IN_ATTEMPT_READS,
): AttemptPlan {
  const nth = (k: number) => Math.min(poll.maxInterval, interval * poll.backoffCoefficient ** Math.max(0, k));
  // The interval after the r-th read of this wait (0-based).
  const gapAfter = (r: number) => nth(r + (continued ? 1 : 0));
  let readsBefore = 0;
  for (let a = 1; ; a++) {
    let plan: AttemptPlan;
    if (continued && a === 1) {
      plan = { readsBefore, sleeps: [], reads: 0, nextDelay: nth(0) };
    } else {
      const sleeps: number[] = [];
      let r = readsBefore;
      let span = 0;
      while (gapAfter(r) <= inAttempt.maxGapMs && span + gapAfter(r) <= inAttempt.maxSpanMs) {
        sleeps.push(gapAfter(r));
        span += gapAfter(r);
        r++;
      }
      plan = { readsBefore, sleeps, reads: sleeps.length + 1, nextDelay: gapAfter(r) };
    }
    if (a >= attempt) return plan;
    readsBefore += plan.reads;
  }
}

/**
 * After an event whose confirming read found the batch not yet terminal (the event ran ahead of
 * the API): read on the default schedule's first steps (5 s, 7.5 s, … up to 60 s), never slower
 * than the input's own schedule, for this long; then fall back to the input's schedule (15 min
 * with webhooks). Five minutes is ten reads: far longer than the API has been seen to lag its events.
 */
export const EVENT_FOLLOW_UP_MS = 5 * 60_000;

/** The schedule that follows an early event: the faster of the default and the input's. */
export function followUpPoll(poll: PollPolicy): PollPolicy {
  return {
    initialInterval: Math.min(poll.initialInterval, POLL_DEFAULTS.initialInterval),
    backoffCoefficient: Math.min(poll.backoffCoefficient, POLL_DEFAULTS.backoffCoefficient),
    maxInterval: Math.min(poll.maxInterval, POLL_DEFAULTS.maxInterval),
  };
}
