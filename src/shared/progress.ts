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
}

/** Where the workflow is in the flow: cancel request, wait, collection, or finished. */
export type CancelPhase = 'requesting-cancel' | 'waiting' | 'collecting-results' | 'done' | 'failed';

/** Live progress of a cancellation, from the `progress` query. */
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

/** Query returning `CancelProgress`; works on running and finished workflows. */
export const progressQuery = defineQuery<CancelProgress>('progress');
/** Reads the batch now, bypassing the poll schedule, and returns what it found. */
export const refreshUpdate = defineUpdate<BatchSnapshot>('refresh');
