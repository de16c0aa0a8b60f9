/** An OpenAI batch object reduced to the product's snapshot (contract/batch-snapshot.ts). */
import {
  MAX_BATCH_ERRORS_KEPT,
  type BatchFailureReason,
  type BatchSnapshot,
  requestCounts,
  type RequestCounts,
} from '../../contract/batch-snapshot';
import type { Batch } from './schemas';
import { meaningOf } from './status';
import { DEFAULT_ACCOUNT } from '../../contract/account';

/** The few fields the workflow keeps, so history stays small. */
export function toSnapshot(
  batch: Batch,
  account: string = DEFAULT_ACCOUNT,
  provider = 'openai',
): BatchSnapshot {
  const { phase, outcome } = meaningOf(batch.status);
  return {
    provider,
    account,
    id: batch.id,
    status: batch.status,
    phase,
    outcome,
    requestCounts: countsOf(batch),
    resultRefs: {
      output: batch.output_file_id ?? null,
      errors: batch.error_file_id ?? null,
      input: batch.input_file_id,
    },
    createdAt: batch.created_at,
    endedAt:
      outcome === null
        ? null
        : ({
            completed: batch.completed_at,
            cancelled: batch.cancelled_at,
            expired: batch.expired_at,
            failed: batch.failed_at,
          }[outcome] ?? null),
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

/** OpenAI counts `completed` (succeeded) and `failed`; the rest are still to run. */
function countsOf(batch: Batch): RequestCounts {
  const c = batch.request_counts ?? { total: 0, completed: 0, failed: 0 };
  return requestCounts({ total: c.total, succeeded: c.completed, failed: c.failed });
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
