/** What the workflow exposes while it runs: the `progress` query and the `refresh` update. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { BatchStatus } from './batch-status';
import type { ResultsSummary } from './results';

/** The part of an OpenAI Batch the workflow keeps: small, so it is cheap in history. */
export interface BatchSnapshot {
  id: string;
  status: BatchStatus;
  requestCounts: { total: number; completed: number; failed: number };
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
}

/** At most this many of a failed batch's errors are kept: the rest are only counted. */
export const MAX_BATCH_ERRORS_KEPT = 100;

/** Why a batch failed, as the API said in `errors.data[]`, bounded for history. */
export interface BatchFailureReason {
  /** Entries in the API's list (may exceed `data.length`). */
  count: number;
  data: { code: string | null; message: string | null; line: number | null; param: string | null }[];
}

export type CancelPhase = 'requesting-cancel' | 'waiting' | 'collecting-results' | 'done' | 'failed';

export interface CancelProgress {
  batchId: string;
  phase: CancelPhase;
  /** Last batch read, or null before the first read. */
  batch: BatchSnapshot | null;
  /** Reads of the batch made so far (cancel call, polls, refreshes). */
  polls: number;
  /** Epoch ms of the workflow's start and of the last read. */
  startedAt: number;
  lastReadAt: number | null;
  /** Epoch ms by which the next read happens at the latest, while waiting. */
  nextCheckInBy: number | null;
  /** What the cancel request found: it started the cancellation, or the batch was already past that. */
  cancelOutcome: 'cancel-requested' | 'already-cancelling' | 'already-terminal' | null;
  results: ResultsSummary | null;
}

export const progressQuery = defineQuery<CancelProgress>('progress');
/** Reads the batch now, bypassing the poll schedule, and returns what it found. */
export const refreshUpdate = defineUpdate<BatchSnapshot>('refresh');
