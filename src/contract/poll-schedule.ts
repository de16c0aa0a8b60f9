/**
 * The poll schedule, in one place: its defaults, the retry policy that *is* the schedule, which
 * reads each attempt makes, and how the interval carries over from one check-in to the next.
 *
 * How waiting works: the `awaitTerminal` activity reads the batch on the input's schedule. Reads up
 * to two minutes apart (every step of the default schedule) stay inside one attempt, which sleeps
 * between them and heartbeats only to stay alive, once a minute, or when the batch changed: each
 * activity retry costs the server a timer, a dispatch and two writes, and Temporal Cloud bills it,
 * while a keep-alive costs one write a minute (bench/README.md, section 2). Longer intervals (the
 * fallback reads with webhooks) are server retries, so a long wait holds no worker slot. Every
 * check-in the activity returns; the workflow starts the next one from the interval reached so
 * far, and that activity's first attempt waits out that interval before it reads (or, for a long
 * interval, hands over to the retry schedule without reading), so the backoff never restarts.
 * Used by the workflow (deterministic: plain arithmetic) and by the activity.
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
   * With webhooks, the fallback reads every 30 minutes (`initialInterval` and `maxInterval` when
   * not given): the cancel call's answer is the first read and the event's confirming read the
   * last, so a cancellation of up to 30 minutes costs 2 reads and no fallback read at all (each
   * costs the server 3 writes: bench/README.md, section 2), and a lost event is noticed within 30
   * minutes. OpenAI itself retries a failed delivery for up to 72 hours.
   */
  intervalWithWebhooks: 30 * 60_000,
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

/**
 * Reads inside one attempt: while the next is due within `maxGapMs`, for at most `maxSpanMs`
 * (the activity bounds the span by its check-in and its start-to-close).
 */
export interface InAttemptReads {
  maxGapMs: number;
  maxSpanMs: number;
}

/**
 * The default: every gap up to two minutes is slept inside the attempt, however long the span
 * (the check-in bounds it). Two minutes, because a keep-alive heartbeat once a minute makes a
 * slept gap cost at most one write where a retry costs two.
 */
export const IN_ATTEMPT_READS: InAttemptReads = { maxGapMs: 2 * 60_000, maxSpanMs: Number.POSITIVE_INFINITY };

/** Every read its own attempt, every interval a retry. */
export const NO_IN_ATTEMPT_READS: InAttemptReads = { maxGapMs: 0, maxSpanMs: 0 };

/** What one attempt of a wait does. */
export interface AttemptPlan {
  /** Reads made by the wait's earlier attempts. */
  readsBefore: number;
  /** Slept before the first read: a continued wait's first interval, held in the attempt (0: none). */
  leadIn: number;
  /** Waits between this attempt's reads, in order; it reads `sleeps.length + 1` times (0: hand-over). */
  sleeps: number[];
  /** Reads this attempt makes. */
  reads: number;
  /** When the next attempt is due after this one's last read: the schedule's next interval. */
  nextDelay: number;
}

/**
 * The plan of the `attempt`-th attempt of a wait that starts from `interval`. The k-th interval of
 * the schedule is `interval × coefficient^k`, capped; a continued wait's first attempt waits the
 * first interval before it reads, inside the attempt when that gap may be held, else by handing
 * over to a retry without reading. Assumes earlier attempts made their plan's reads (an attempt
 * ended early by an API error shifts the count by its missing reads; only the reported `polls`
 * and the carried interval notice). `inAttempt.maxSpanMs` must be finite when `maxGapMs` reaches
 * the schedule's cap.
 */
export function attemptPlan(
  poll: PollPolicy,
  interval: number,
  attempt: number,
  continued: boolean,
  inAttempt: InAttemptReads,
): AttemptPlan {
  const nth = (k: number) => Math.min(poll.maxInterval, interval * poll.backoffCoefficient ** Math.max(0, k));
  // The interval after the r-th read of this wait (0-based).
  const gapAfter = (r: number) => nth(r + (continued ? 1 : 0));
  if (!Number.isFinite(inAttempt.maxSpanMs) && inAttempt.maxGapMs >= poll.maxInterval)
    throw new RangeError('attemptPlan: an unbounded span would hold every read (bound it by the check-in)');
  const held = (gap: number, span: number) => gap <= inAttempt.maxGapMs && span + gap <= inAttempt.maxSpanMs;
  let readsBefore = 0;
  for (let a = 1; ; a++) {
    let plan: AttemptPlan;
    const leadIn = continued && a === 1 ? nth(0) : 0;
    if (leadIn > 0 && !held(leadIn, 0)) {
      plan = { readsBefore, leadIn: 0, sleeps: [], reads: 0, nextDelay: leadIn };
    } else {
      const sleeps: number[] = [];
      let r = readsBefore;
      let span = leadIn;
      while (held(gapAfter(r), span)) {
        sleeps.push(gapAfter(r));
        span += gapAfter(r);
        r++;
      }
      plan = { readsBefore, leadIn, sleeps, reads: sleeps.length + 1, nextDelay: gapAfter(r) };
    }
    if (a >= attempt) return plan;
    readsBefore += plan.reads;
  }
}

/**
 * After an event whose confirming read found the batch not yet terminal (the event ran ahead of
 * the API): read on the default schedule's first steps (5 s, 7.5 s, … up to 60 s), never slower
 * than the input's own schedule, for this long; then fall back to the input's schedule (30 min
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
