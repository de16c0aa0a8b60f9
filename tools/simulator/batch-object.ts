/** A batch's state rendered as the API's Batch object: unix seconds, nulls for unreached instants. */
import { type Batch } from '../../src/providers/openai/schemas';
import { type BatchRecord, type BatchState } from './state';

export const seconds = (ms: number): number => Math.floor(ms / 1000);
const secondsOrNull = (ms: number | null): number | null => (ms === null ? null : seconds(ms));

export function batchObject(
  record: BatchRecord,
  state: BatchState,
  files: { output: string | null; error: string | null },
): Batch {
  return {
    id: record.id,
    object: 'batch',
    endpoint: record.endpoint,
    errors: state.status === 'failed' && record.errors ? { object: 'list', data: [...record.errors] } : null,
    input_file_id: record.inputFileId,
    completion_window: record.completionWindow,
    status: state.status,
    output_file_id: files.output,
    error_file_id: files.error,
    created_at: seconds(record.createdAt),
    in_progress_at: secondsOrNull(state.inProgressAt),
    expires_at: seconds(record.expiresAt),
    finalizing_at: secondsOrNull(state.finalizingAt),
    completed_at: secondsOrNull(state.completedAt),
    failed_at: secondsOrNull(state.failedAt),
    expired_at: secondsOrNull(state.expiredAt),
    cancelling_at: secondsOrNull(state.cancellingAt),
    cancelled_at: secondsOrNull(state.cancelledAt),
    request_counts: { total: state.total, completed: state.succeeded, failed: state.failed },
    metadata: record.metadata,
    model: record.requests.model,
  };
}
