/** An OpenAI batch object reduced to what the workflow keeps. */
import {
  MAX_BATCH_ERRORS_KEPT,
  type BatchFailureReason,
  type BatchSnapshot,
} from '../../contract/batch-snapshot';
import type { Batch } from './schemas';

/** The few fields the workflow keeps, so history stays small. */
export function toSnapshot(batch: Batch): BatchSnapshot {
  return {
    id: batch.id,
    status: batch.status,
    requestCounts: batch.request_counts ?? { total: 0, completed: 0, failed: 0 },
    inputFileId: batch.input_file_id,
    outputFileId: batch.output_file_id ?? null,
    errorFileId: batch.error_file_id ?? null,
    createdAt: batch.created_at,
    cancellingAt: batch.cancelling_at ?? null,
    cancelledAt: batch.cancelled_at ?? null,
    completedAt: batch.completed_at ?? null,
    failedAt: batch.failed_at ?? null,
    expiredAt: batch.expired_at ?? null,
    errors: failureReason(batch),
    usage: batch.usage
      ? {
          inputTokens: batch.usage.input_tokens,
          cachedInputTokens: batch.usage.input_tokens_details.cached_tokens,
          outputTokens: batch.usage.output_tokens,
          reasoningTokens: batch.usage.output_tokens_details.reasoning_tokens,
        }
      : null,
  };
}

const MAX_ERROR_MESSAGE = 500;

/** The API's `errors.data[]`, bounded: a failed batch's reason must survive into the result. */
export function failureReason(batch: Batch): BatchFailureReason | null {
  const data = batch.errors?.data ?? [];
  if (data.length === 0) return null;
  return {
    count: data.length,
    data: data.slice(0, MAX_BATCH_ERRORS_KEPT).map((e) => ({
      code: e.code ?? null,
      message: e.message == null ? null : e.message.slice(0, MAX_ERROR_MESSAGE),
      line: e.line ?? null,
      param: e.param ?? null,
    })),
  };
}
