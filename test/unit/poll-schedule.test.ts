import {
  POLL_DEFAULTS,
  NO_IN_ATTEMPT_READS,
  IN_ATTEMPT_READS,
  carriedInterval,
  attemptPlan,
  pollRetryPolicy,
} from '../../src/contract/poll-schedule';

const poll = { initialInterval: 1_000, backoffCoefficient: 2, maxInterval: 10_000 };

describe('the poll schedule', () => {
  it('is the retry policy of a wait, from the interval carried over', () => {
    expect(pollRetryPolicy(poll, 4_000)).toEqual({
      initialInterval: 4_000,
      backoffCoefficient: 2,
      maximumInterval: 10_000,
    });
  });

  it('counts reads: a continued wait hands over on its first attempt without reading', () => {
    const off = NO_IN_ATTEMPT_READS;
    expect(attemptPlan(poll, 1_000, 1, true, off)).toEqual({
      readsBefore: 0,
      leadIn: 0,
      sleeps: [],
      reads: 0,
      nextDelay: 1_000,
    });
    expect(attemptPlan(poll, 1_000, 1, false, off)).toEqual({
      readsBefore: 0,
      leadIn: 0,
      sleeps: [],
      reads: 1,
      nextDelay: 1_000,
    });
    expect(attemptPlan(poll, 1_000, 3, false, off)).toMatchObject({
      readsBefore: 2,
      reads: 1,
      nextDelay: 4_000,
    });
    expect(attemptPlan(poll, 1_000, 3, true, off)).toMatchObject({
      readsBefore: 1,
      reads: 1,
      nextDelay: 4_000,
    });
  });

  it('reads frequent polls inside one attempt and leaves the long intervals to retries', () => {
    const inAttempt = { maxGapMs: 4_000, maxSpanMs: 30_000 };
    // 1 s, 2 s, 4 s apart in attempt 1; the next interval (8 s) is a retry's delay.
    expect(attemptPlan(poll, 1_000, 1, false, inAttempt)).toEqual({
      readsBefore: 0,
      leadIn: 0,
      sleeps: [1_000, 2_000, 4_000],
      reads: 4,
      nextDelay: 8_000,
    });
    expect(attemptPlan(poll, 1_000, 2, false, inAttempt)).toEqual({
      readsBefore: 4,
      leadIn: 0,
      sleeps: [],
      reads: 1,
      nextDelay: 10_000,
    });
    // The span bounds an attempt of a fast schedule: 0.5 s ×1.5 capped at 2 s, 5 s per attempt.
    const fast = { initialInterval: 500, backoffCoefficient: 1.5, maxInterval: 2_000 };
    const first = attemptPlan(fast, 500, 1, false, { maxGapMs: 10_000, maxSpanMs: 5_000 });
    expect(first.sleeps).toEqual([500, 750, 1_125, 1_687.5]);
    expect(first.nextDelay).toBe(2_000);
  });

  it('holds the default schedule in one attempt up to the check-in, its first interval included', () => {
    const defaults = { initialInterval: 5_000, backoffCoefficient: 1.5, maxInterval: 60_000 };
    const toCheckIn = { ...IN_ATTEMPT_READS, maxSpanMs: 10 * 60_000 };
    // A continued wait sleeps its first interval in the attempt instead of handing over to a retry.
    const plan = attemptPlan(defaults, 5_000, 1, true, toCheckIn);
    expect(plan.leadIn).toBe(5_000);
    expect(plan.sleeps.slice(0, 3)).toEqual([7_500, 11_250, 16_875]);
    expect(plan.sleeps.every((s) => s <= 60_000)).toBe(true);
    const span = plan.leadIn + plan.sleeps.reduce((a, b) => a + b, 0);
    expect(span).toBeLessThanOrEqual(10 * 60_000);
    expect(span + plan.nextDelay).toBeGreaterThan(10 * 60_000);
    // The fallback of webhooks (30 min) is too long to hold: a hand-over to the server's retry.
    const fallback = { initialInterval: 30 * 60_000, backoffCoefficient: 1.5, maxInterval: 30 * 60_000 };
    expect(attemptPlan(fallback, 30 * 60_000, 1, true, toCheckIn)).toMatchObject({ reads: 0, leadIn: 0 });
    // An unbounded span over a schedule whose every gap may be held is refused, not looped on.
    expect(() => attemptPlan(defaults, 5_000, 1, true, IN_ATTEMPT_READS)).toThrow(RangeError);
  });

  it('reads with the schedule: the reads of all attempts follow the same intervals', () => {
    const inAttempt = { maxGapMs: 3_000, maxSpanMs: 5_000 };
    for (const continued of [false, true]) {
      const times: number[] = [];
      let t = 0;
      for (let a = 1; a <= 8; a++) {
        const plan = attemptPlan(poll, 1_000, a, continued, inAttempt);
        if (plan.reads > 0) times.push(t);
        for (const s of plan.sleeps) times.push((t += s));
        t += plan.nextDelay;
      }
      const gaps = times.slice(1).map((x, i) => x - times[i]!);
      const expected = gaps.map((_, k) => Math.min(10_000, 1_000 * 2 ** (k + (continued ? 1 : 0))));
      expect(gaps).toEqual(expected);
    }
  });

  it('carries the backoff over check-ins instead of restarting it, up to the cap', () => {
    // First wait: 3 reads from 1 s means two retries (1 s, 2 s): the next wait starts at 4 s.
    expect(carriedInterval(poll, 1_000, 3, false)).toBe(4_000);
    // A continued wait: every read was a retry. 2 reads from 4 s → 16 s, capped at 10 s.
    expect(carriedInterval(poll, 4_000, 2, true)).toBe(10_000);
    expect(carriedInterval(poll, 1_000, 1, false)).toBe(1_000);
  });

  it('polls less often as a fallback when webhooks are on', () => {
    expect(POLL_DEFAULTS.intervalWithWebhooks).toBeGreaterThan(POLL_DEFAULTS.maxInterval);
  });
});
