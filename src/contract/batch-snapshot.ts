/** A batch as the workflow keeps it: what a read of the batch API returns, bounded for history. */
import type { BatchStatus } from './batch-status';

/** A batch's requests as the API counts them: all of them, those that succeeded, those that failed. */
export interface RequestCounts {
  total: number;
  completed: number;
  failed: number;
}

/** The part of an OpenAI Batch the workflow keeps: small, so it is cheap in history. */
export interface BatchSnapshot {
  id: string;
  status: BatchStatus;
  requestCounts: RequestCounts;
  inputFileId: string;
  outputFileId: string | null;
  errorFileId: string | null;
  createdAt: number;
  cancellingAt: number | null;
  cancelledAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  /** For a failed batch: the API's `errors` (why it failed), first entries only. */
  errors?: BatchFailureReason | null;
  /** The batch's own token usage (batches created after 2025-09-07); absent in older runs. */
  usage?: TokenCounts | null;
}

/** Token counts as the product keeps them, whichever API reported them. */
export interface TokenCounts {
  inputTokens: number;
  /** Of `inputTokens`, served from the prompt cache. */
  cachedInputTokens: number;
  outputTokens: number;
  /** Of `outputTokens`, spent on reasoning. */
  reasoningTokens: number;
}

/** At most this many of a failed batch's errors are kept: the rest are only counted. */
export const MAX_BATCH_ERRORS_KEPT = 100;

/** Why a batch failed, as the API said in `errors.data[]`, bounded for history. */
export interface BatchFailureReason {
  /** Entries in the API's list (may exceed `data.length`). */
  count: number;
  data: { code: string | null; message: string | null; line: number | null; param: string | null }[];
}

/** `12/50 done, 3 failed`: a batch's progress in a few words. */
export function describeCounts(s: BatchSnapshot): string {
  const c = s.requestCounts;
  return `${c.completed + c.failed}/${c.total} done, ${c.failed} failed`;
}
