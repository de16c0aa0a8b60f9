/** Reads a batch through the SDK and validates it before anything trusts it. */
import type OpenAI from 'openai';
import { ApplicationFailure } from '@temporalio/common';
import { BatchSchema, type Batch } from '../openai/schemas';
import { FailureType } from '../shared/failure-types';
import { MAX_BATCH_ERRORS_KEPT, type BatchFailureReason, type BatchSnapshot } from '../shared/progress';
import { describeZodError } from '../shared/cancel-input';

export function parseBatch(value: unknown, action: string): Batch {
  const parsed = BatchSchema.safeParse(value);
  if (!parsed.success) {
    throw ApplicationFailure.retryable(
      `${action}: the API returned a batch that does not match the documented shape (${describeZodError(parsed.error)})`,
      FailureType.UnexpectedResponse,
    );
  }
  return parsed.data;
}

export async function retrieveBatch(openai: OpenAI, batchId: string, signal?: AbortSignal): Promise<Batch> {
  const raw = await openai.batches.retrieve(batchId, signal ? { signal } : undefined);
  return parseBatch(raw, `read batch ${batchId}`);
}

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

export function describeCounts(s: BatchSnapshot): string {
  const c = s.requestCounts;
  return `${c.completed + c.failed}/${c.total} done, ${c.failed} failed`;
}
