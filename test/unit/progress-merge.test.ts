/**
 * Readers fold the pending wait's latest read into the workflow's state: newer reads count, reads the
 * workflow already holds (the activity returned at a check-in) are never counted twice.
 */
import { mergeWaitHeartbeat, type BatchSnapshot, type CancelProgress } from '../../src/contract/progress';

const snapshot = (completed: number): BatchSnapshot => ({
  id: 'batch_x',
  status: 'cancelling',
  requestCounts: { total: 100, completed, failed: 0 },
  inputFileId: 'file-in',
  outputFileId: null,
  errorFileId: null,
  createdAt: 1,
  cancellingAt: 2,
  cancelledAt: null,
  completedAt: null,
  failedAt: null,
  expiredAt: null,
});

const state: CancelProgress = {
  batchId: 'batch_x',
  phase: 'waiting',
  batch: snapshot(10),
  polls: 4,
  startedAt: 1_000,
  lastReadAt: 5_000,
  nextCheckInBy: 600_000,
  cancelOutcome: 'cancel-requested',
  results: null,
};

describe('mergeWaitHeartbeat', () => {
  it('takes a newer read: its batch, the reads so far and the time of the read', () => {
    const merged = mergeWaitHeartbeat(state, { batch: snapshot(30), polls: 7, readAt: 9_000 });
    expect(merged).toMatchObject({
      polls: 11,
      lastReadAt: 9_000,
      batch: { requestCounts: { completed: 30 } },
    });
  });

  it('ignores a read the workflow already holds, so nothing is counted twice', () => {
    const merged = mergeWaitHeartbeat(state, { batch: snapshot(10), polls: 3, readAt: 5_000 });
    expect(merged).toMatchObject({ polls: 4, lastReadAt: 5_000 });
  });

  it('leaves other phases alone but still reports the pending attempt', () => {
    const live = { attempt: 3, lastHeartbeatAt: 9_000, nextReadAt: null };
    const collecting = { ...state, phase: 'collecting-results' as const };
    const merged = mergeWaitHeartbeat(collecting, { batch: snapshot(30), polls: 7, readAt: 9_000 }, live);
    expect(merged).toMatchObject({ polls: 4, live });
  });
});
