import {
  POLL_DEFAULTS,
  carriedInterval,
  isHandOverAttempt,
  pollRetryPolicy,
  readsByAttempt,
} from '../../src/shared/poll-schedule';

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
    expect(isHandOverAttempt(1, true)).toBe(true);
    expect(isHandOverAttempt(1, false)).toBe(false);
    expect(isHandOverAttempt(2, true)).toBe(false);
    expect(readsByAttempt(3, false)).toBe(3);
    expect(readsByAttempt(3, true)).toBe(2);
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
