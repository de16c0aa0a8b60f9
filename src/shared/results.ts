/** Shapes returned through Temporal after a cancellation: summaries and locations, never lines. */
import type { BatchSnapshot } from './progress';
import type { BatchStatus } from './batch-status';

/** One salvaged file (output or errors) as written by the results store. */
export interface ResultFileSummary {
  /** OpenAI file id the lines came from. */
  fileId: string;
  /** Where the valid lines were written. */
  path: string;
  /** Valid lines written. */
  lines: number;
  /** Bytes and sha256 of what was written. */
  bytes: number;
  sha256: string;
  /** Bytes and sha256 of the file exactly as served (equal to the above when nothing was quarantined). */
  sourceBytes: number;
  sourceSha256: string;
  /** Lines that failed validation, kept in the quarantine file. */
  quarantined: number;
}

/** Where a batch's salvaged results are, and what they hold. */
export interface ResultsSummary {
  batchId: string;
  directory: string;
  output: ResultFileSummary | null;
  errors: ResultFileSummary | null;
  /** Results with a 2xx response and no error. */
  succeeded: number;
  /** Other results, counted by error code (`batch_cancelled`, `batch_expired`, `http_400`, ...). */
  failedByCode: Record<string, number>;
  quarantinePath: string | null;
  quarantined: number;
  /** `remaining.jsonl`: input lines with no successful result; null when not asked for. */
  remaining: { path: string; lines: number; inputFileId: string } | null;
  summaryPath: string;
}

/** The result of `cancelBatchWorkflow` (see `CancelBatchResultSchema`). */
export interface CancelBatchResult {
  batchId: string;
  finalStatus: BatchStatus;
  cancelOutcome: 'cancel-requested' | 'already-cancelling' | 'already-terminal';
  requestCounts: { total: number; completed: number; failed: number };
  batch: BatchSnapshot;
  /** Null when collection was not asked for (`collectResults: 'never'` or not cancelled with 'if-cancelled'). */
  results: ResultsSummary | null;
  polls: number;
  timings: { startedAt: number; terminalSeenAt: number; finishedAt: number; waitedMs: number };
}
