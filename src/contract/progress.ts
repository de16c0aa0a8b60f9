/** What the workflow exposes while it runs: the `progress` query and the `refresh` update. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DetectedBy } from './batch-event';
import type { BatchSnapshot } from './batch-snapshot';
import type { ResultsSummary } from './results';

export {
  MAX_BATCH_ERRORS_KEPT,
  type BatchFailureReason,
  type BatchSnapshot,
  type RequestCounts,
  type TokenCounts,
} from './batch-snapshot';

/** Where the workflow is in the flow: cancel request, wait, collection, or finished. */
export type CancelPhase = 'requesting-cancel' | 'waiting' | 'collecting-results' | 'done' | 'failed';

/** Live progress of a cancellation, from the `progress` query. */
export interface CancelProgress {
  batchId: string;
  /** The batch's account; absent for the default account (and in runs that predate accounts). */
  account?: string;
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
  cancelOutcome: 'cancel-requested' | 'already-terminal' | null;
  results: ResultsSummary | null;
  /**
   * Set while the batch has stayed `cancelling` longer than the stuck threshold (also the
   * `OpenAIBatchStuck` search attribute). Absent in progress of runs that predate it.
   */
  stuck?: boolean;
  /**
   * How the terminal status was noticed: `webhook` (a `batchEvent` signal ended the wait and a read
   * confirmed it) or `poll` (the poll schedule's read). Absent until then, and in older runs.
   */
  detectedBy?: DetectedBy;
  /** Distinct `batchEvent` signals received (duplicates not counted). Absent in older runs. */
  webhookEvents?: number;
  /**
   * What the running wait attempt last reported, merged in by readers from the pending activity
   * (see {@link mergeWaitHeartbeat}); never set by the workflow itself.
   */
  live?: LiveWait;
  /**
   * Set by readers when the workflow task has been tried more than once (it failed or timed out):
   * the cancellation makes no progress until it succeeds. Never set by the workflow itself.
   */
  workflowTask?: FailingWorkflowTask;
}

/** A pending workflow task tried more than once, as `describe` and the history have it. */
export interface FailingWorkflowTask {
  /** Attempts of the pending workflow task so far (1 is the first try). */
  attempt: number;
  /** The last recorded failure's message, one line; null when none is recorded (timeouts). */
  lastFailure: string | null;
}

/**
 * What a wait attempt heartbeats after a read: readers merge it with the workflow's state, so every
 * change of the batch shows (reads that changed nothing are paced: activities/read-heartbeats.ts)
 * while history stays as small as before.
 */
export interface WaitHeartbeat {
  batch: BatchSnapshot;
  /** Reads made by this wait activity so far (the workflow adds them to `polls` when it returns). */
  polls: number;
  /** Epoch ms of the read. */
  readAt: number;
}

/** The pending wait activity as seen by a reader (from describe), not part of workflow state. */
export interface LiveWait {
  /** Attempt number of the pending wait activity: one read per attempt. */
  attempt: number;
  /** Epoch ms of its last heartbeat, if any. */
  lastHeartbeatAt: number | null;
  /** Epoch ms at which the next read is scheduled, when the activity is between attempts. */
  nextReadAt: number | null;
}

/**
 * The workflow's state with the pending wait attempt's latest read folded in. The heartbeat only
 * counts when it is newer than the workflow's last read: once the activity has returned, the
 * workflow's own state already holds those reads, so nothing is counted twice.
 */
export function mergeWaitHeartbeat(
  state: CancelProgress,
  hb: WaitHeartbeat | undefined,
  live?: LiveWait,
): CancelProgress {
  const merged: CancelProgress = live ? { ...state, live } : { ...state };
  if (state.phase !== 'waiting' || !hb || hb.readAt <= (state.lastReadAt ?? 0)) return merged;
  return { ...merged, batch: hb.batch, polls: state.polls + hb.polls, lastReadAt: hb.readAt };
}

/** Query returning `CancelProgress`; works on running and finished workflows. */
export const progressQuery = defineQuery<CancelProgress>('progress');
/** Reads the batch now, bypassing the poll schedule, and returns what it found. */
export const refreshUpdate = defineUpdate<BatchSnapshot>('refresh');
