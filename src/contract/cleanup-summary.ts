/**
 * What a cleanup run reports, with no zod: the cleanup workflow imports this at its top, and the
 * policy's zod schema (cleanup-policy.ts) only when it validates.
 */
import type { BatchOutcome, BatchPhase } from './batch-snapshot';

/** Why a batch was left alone. */
export type SkipReason =
  | 'not-stale'
  | 'invalid-deadline'
  | 'status-not-collected'
  | 'metadata-mismatch'
  | 'already-processed'
  | 'older-than-lookback';

/** The few fields of a listed batch the cleanup needs; pages of full batches never enter history. */
export interface BatchSummary {
  id: string;
  /** The provider's own status word (shown and upserted, never branched on). */
  status: string;
  phase: BatchPhase;
  outcome: BatchOutcome | null;
  /** Unix seconds. */
  createdAt: number;
  /** Only the metadata keys the policy reads (deadline key, filter key). */
  metadata: Record<string, string>;
}

/** What one cleanup run did: batches seen, cancelled, collected, skipped, and errors. */
export interface CleanupSummary {
  /** Batches listed. */
  scanned: number;
  /** Non-terminal batches whose cancellation child finished (or, in a dry run, would be started). */
  cancelled: number;
  /** Terminal batches whose collection child finished (or, in a dry run, would be started). */
  collected: number;
  skipped: Partial<Record<SkipReason, number>>;
  /**
   * Children that failed or could not start; at most {@link MAX_REPORTED_ERRORS} are kept. A failed
   * child is started again by the next run (its batch is not counted as processed).
   */
  errors: { batchId: string; message: string }[];
  /** Output/error files deleted after collection. */
  filesDeleted: number;
  /** Runs of the workflow chain (continue-as-new) that produced this summary. */
  runs: number;
  dryRun: boolean;
}

/** State carried across continue-as-new. */
export interface CleanupCarry {
  /** List cursor: the last batch id of the last page done. */
  after: string | null;
  totals: CleanupSummary;
}

export const MAX_REPORTED_ERRORS = 100;

export function emptyCleanupSummary(dryRun: boolean): CleanupSummary {
  return {
    scanned: 0,
    cancelled: 0,
    collected: 0,
    skipped: {},
    errors: [],
    filesDeleted: 0,
    runs: 0,
    dryRun,
  };
}
