/** The cleanup's per-batch decision: cancel stale or overdue work, collect finished batches, skip the rest. */
import { CleanupPolicySchema, type CleanupPolicyInput } from '../../src/contract/cleanup-policy';
import { parseDeadline, selectBatch } from '../../src/contract/cleanup-select';
import type { BatchSummary } from '../../src/contract/cleanup-policy';
import { meaningOf, type BatchStatus } from '../../src/providers/openai/status';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const HOUR = 3600;
const nowS = NOW / 1000;

const policy = (input: CleanupPolicyInput = {}) => CleanupPolicySchema.parse(input);
const batch = (
  status: BatchStatus,
  ageSeconds: number,
  metadata: Record<string, string> = {},
): BatchSummary => ({
  id: 'batch_x',
  status,
  ...meaningOf(status),
  createdAt: nowS - ageSeconds,
  metadata,
});

describe('selectBatch', () => {
  it('cancels non-terminal batches older than maxAge and leaves younger ones', () => {
    const p = policy({ maxAge: '24h' });
    for (const status of ['validating', 'in_progress', 'finalizing', 'cancelling'] as const) {
      expect(selectBatch(batch(status, 25 * HOUR), p, NOW)).toEqual({ action: 'cancel', why: 'stale' });
      expect(selectBatch(batch(status, 23 * HOUR), p, NOW)).toEqual({ action: 'skip', reason: 'not-stale' });
    }
  });

  it('collects only the terminal statuses asked for (default: expired)', () => {
    const p = policy({ maxAge: '1h' });
    expect(selectBatch(batch('expired', 48 * HOUR), p, NOW)).toEqual({ action: 'collect' });
    for (const status of ['completed', 'cancelled', 'failed'] as const) {
      expect(selectBatch(batch(status, 48 * HOUR), p, NOW)).toEqual({
        action: 'skip',
        reason: 'status-not-collected',
      });
    }
    const wider = policy({ collectStatuses: ['expired', 'cancelled', 'failed'] });
    expect(selectBatch(batch('cancelled', 1), wider, NOW)).toEqual({ action: 'collect' });
    expect(selectBatch(batch('failed', 1), wider, NOW)).toEqual({ action: 'collect' });
    expect(selectBatch(batch('completed', 1), wider, NOW).action).toBe('skip');
  });

  it('cancels a young batch whose metadata deadline (unix seconds or ISO) has passed', () => {
    const p = policy({ maxAge: '24h', deadlineMetadataKey: 'deadline' });
    const past = { deadline: String(nowS - 60) };
    const future = { deadline: new Date(NOW + 60_000).toISOString() };
    expect(selectBatch(batch('in_progress', 60, past), p, NOW)).toEqual({
      action: 'cancel',
      why: 'past-deadline',
    });
    expect(selectBatch(batch('in_progress', 60, { deadline: '2025-06-01T11:00:00Z' }), p, NOW)).toEqual({
      action: 'cancel',
      why: 'past-deadline',
    });
    expect(selectBatch(batch('in_progress', 60, future), p, NOW)).toEqual({
      action: 'skip',
      reason: 'not-stale',
    });
    expect(selectBatch(batch('in_progress', 60, { deadline: 'soon' }), p, NOW)).toEqual({
      action: 'skip',
      reason: 'invalid-deadline',
    });
    // Age still wins over a bad deadline.
    expect(selectBatch(batch('in_progress', 25 * HOUR, { deadline: 'soon' }), p, NOW).action).toBe('cancel');
  });

  it('cancels nothing by age when maxAge is not set', () => {
    expect(selectBatch(batch('in_progress', 1000 * HOUR), policy(), NOW)).toEqual({
      action: 'skip',
      reason: 'not-stale',
    });
  });

  it('skips batches whose metadata does not match the filter, before anything else', () => {
    const p = policy({ maxAge: '1h', metadataFilter: 'team=research' });
    expect(selectBatch(batch('in_progress', 2 * HOUR, { team: 'research' }), p, NOW).action).toBe('cancel');
    expect(selectBatch(batch('in_progress', 2 * HOUR, { team: 'ads' }), p, NOW)).toEqual({
      action: 'skip',
      reason: 'metadata-mismatch',
    });
    expect(selectBatch(batch('expired', 2 * HOUR), p, NOW)).toEqual({
      action: 'skip',
      reason: 'metadata-mismatch',
    });
  });
});

describe('CleanupPolicySchema', () => {
  it('applies defaults and normalizes durations and the filter', () => {
    expect(policy({ maxAge: '24h', metadataFilter: 'a=b=c' })).toMatchObject({
      maxAge: 86_400_000,
      collectStatuses: ['expired'],
      metadataFilter: { key: 'a', value: 'b=c' },
      deleteFilesAfterCollect: false,
      dryRun: false,
      maxConcurrentChildren: 10,
      pageSize: 100,
      pagesPerRun: 10,
    });
  });

  it('names the bad field', () => {
    expect(CleanupPolicySchema.safeParse({ maxAge: 'soon' }).error?.issues[0]?.path).toEqual(['maxAge']);
    expect(CleanupPolicySchema.safeParse({ metadataFilter: 'nokey' }).success).toBe(false);
    expect(CleanupPolicySchema.safeParse({ collectStatuses: ['completed'] }).success).toBe(false);
    expect(CleanupPolicySchema.safeParse({ pageSize: 101 }).success).toBe(false);
    expect(CleanupPolicySchema.safeParse({ cancelOptions: { maxWait: -1 } }).success).toBe(false);
  });
});

describe('parseDeadline', () => {
  it('reads unix seconds and ISO dates, rejects the rest', () => {
    expect(parseDeadline('1700000000')).toBe(1_700_000_000_000);
    expect(parseDeadline('2025-06-01T12:00:00Z')).toBe(NOW);
    expect(parseDeadline('tomorrow')).toBeNull();
    expect(parseDeadline('2025-13-45')).toBeNull();
  });

  it('reads epoch milliseconds as milliseconds, not as seconds 1000 times too far', () => {
    expect(parseDeadline('1700000000000')).toBe(1_700_000_000_000);
    expect(parseDeadline(String(NOW))).toBe(NOW);
    expect(parseDeadline('1700000000.5')).toBe(1_700_000_000_500);
  });

  it('honours explicit offsets and reads a bare date as UTC midnight', () => {
    expect(parseDeadline('2025-06-01T14:00:00+02:00')).toBe(NOW);
    expect(parseDeadline('2025-06-01T07:00-05:00')).toBe(NOW);
    expect(parseDeadline('2025-06-01T12:00:00.250Z')).toBe(NOW + 250);
    expect(parseDeadline('2025-06-01')).toBe(Date.UTC(2025, 5, 1));
    expect(parseDeadline('2025-02-30')).toBeNull();
    expect(parseDeadline('2025-06-01T24:30:00Z')).toBeNull();
  });

  it('refuses a date-time without an offset, which Date.parse would read in the worker time zone', () => {
    for (const local of ['2025-06-01T12:00:00', '2025-06-01T12:00', '2025-06-01 12:00:00.5']) {
      expect(parseDeadline(local)).toBeNull();
    }
  });
});
