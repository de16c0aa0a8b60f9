/**
 * Readers fold the pending wait's latest read into the workflow's state: newer reads count, reads the
 * workflow already holds (the activity returned at a check-in) are never counted twice.
 */
import { mergeWaitHeartbeat, type BatchSnapshot, type CancelProgress } from '../../src/contract/progress';

const snapshot = (succeeded: number): BatchSnapshot => ({
  provider: 'openai',
  account: 'default',
  id: 'batch_x',
  status: 'cancelling',
  phase: 'cancelling',
  outcome: null,
  requestCounts: { total: 100, succeeded, failed: 0, processing: 100 - succeeded },
  resultRefs: { output: null, errors: null, input: 'file-in' },
  createdAt: 1,
  endedAt: null,
  errors: null,
  usage: null,
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
      batch: { requestCounts: { succeeded: 30 } },
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
