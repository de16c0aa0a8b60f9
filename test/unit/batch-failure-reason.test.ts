/** A failed batch's `errors.data[]` survives into the snapshot, bounded: the first 100 plus a count. */
import { failureReason, toSnapshot } from '../../src/providers/openai/snapshot';
import { BatchSchema } from '../../src/providers/openai/schemas';
import { renderDetails } from '../../src/workflows/details';

function failedBatch(errors: number) {
  return BatchSchema.parse({
    id: 'batch_failed1',
    object: 'batch',
    endpoint: '/v1/chat/completions',
    errors: {
      object: 'list',
      data: Array.from({ length: errors }, (_, i) => ({
        code: 'invalid_json_line',
        message: `line ${i + 1} is not JSON ${'!'.repeat(i === 0 ? 2_000 : 0)}`,
        param: null,
        line: i + 1,
      })),
    },
    input_file_id: 'file-in',
    completion_window: '24h',
    status: 'failed',
    created_at: 1_700_000_000,
    failed_at: 1_700_000_010,
    request_counts: { total: 0, completed: 0, failed: 0 },
  });
}

describe('failureReason', () => {
  it('keeps the first 100 of 250 errors and counts all 250, each message bounded', () => {
    const reason = failureReason(failedBatch(250))!;
    expect(reason.count).toBe(250);
    expect(reason.data).toHaveLength(100);
    expect(reason.data[99]).toEqual({
      code: 'invalid_json_line',
      message: 'line 100 is not JSON ',
      param: null,
      line: 100,
    });
    expect(reason.data[0]!.message!.length).toBe(500);
  });

  it('is null for a batch without errors, and in the snapshot and the UI details otherwise', () => {
    expect(failureReason(failedBatch(0))).toBeNull();
    const snapshot = toSnapshot(failedBatch(7));
    expect(snapshot.errors?.count).toBe(7);
    const details = renderDetails(
      {
        batchId: 'batch_failed1',
        phase: 'done',
        batch: snapshot,
        polls: 1,
        startedAt: 0,
        lastReadAt: null,
        nextCheckInBy: null,
        cancelOutcome: 'already-terminal',
        results: null,
      },
      { maxPollMs: 1000, stuckAfterMs: 30 * 60_000, now: 0 },
    );
    expect(details).toContain('**Failed because** invalid_json_line: line 1 is not JSON');
    expect(details).toContain('(line 3); and 4 more');
  });
});
