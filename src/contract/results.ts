/** Shapes returned through Temporal after a cancellation: summaries and locations, never lines. */
import type {
  BatchFailureReason,
  BatchOutcome,
  BatchSnapshot,
  TokenCounts,
  RequestCounts,
} from './batch-snapshot';

/** One salvaged file (output or errors) as written by the results store. */
export interface ResultFileSummary {
  /** The provider's reference of the file the lines came from (`BatchSnapshot.resultRefs`). */
  ref: string;
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
  /** The batch's account; absent for the default account. */
  account?: string;
  directory: string;
  output: ResultFileSummary | null;
  errors: ResultFileSummary | null;
  /** Results with a 2xx response and no error. */
  succeeded: number;
  /** Other results, counted by error code (`batch_cancelled`, `batch_expired`, `http_400`, ...). */
  failedByCode: Record<string, number>;
  quarantinePath: string | null;
  quarantined: number;
  /**
   * `remaining.jsonl`: input lines safe to resubmit (never run, cancelled, expired, 408/409/429/5xx);
   * null when not asked for or when the input file could not be read (see `remainingUnavailable`).
   */
  remaining: RemainingSummary | null;
  /** Why `remaining` is null although it was asked for (e.g. the input file was deleted). */
  remainingUnavailable?: { inputRef: string | null; reason: string } | null;
  /** Quarantined result lines whose custom_id was read from the raw bytes. */
  quarantineRecovered?: number;
  /** For a failed batch: why it failed (the API's `errors`), bounded. */
  batchErrors?: BatchFailureReason | null;
  /**
   * Where each input custom_id ended; null when the input file could not be read. Absent in
   * results of runs before it existed.
   */
  reconciliation?: Reconciliation | null;
  /** Tokens the salvaged results consumed, per model. Absent in results of runs before it existed. */
  usage?: UsageReport | null;
  summaryPath: string;
}

/** At most this many ids are listed in `Reconciliation.unbalancedIds`. */
export const MAX_UNBALANCED_IDS = 100;

/**
 * Every input custom_id in exactly one of succeeded / failedPermanent / remaining / quarantined.
 * The four plus `duplicates` add up to `inputLines`.
 */
export interface Reconciliation {
  /** Non-empty lines of the input file. */
  inputLines: number;
  /** Input custom_ids with a successful result (also when read from a damaged result line). */
  succeeded: number;
  /** Input custom_ids whose result is a 4xx a resubmission would repeat (failed-permanent.jsonl). */
  failedPermanent: number;
  /** Input lines to resubmit: never run, cancelled, expired, or a retriable error (remaining.jsonl). */
  remaining: number;
  /** Input custom_ids whose only result line is damaged and its outcome unreadable. */
  quarantined: number;
  /** Input lines repeating a custom_id of an earlier line (not counted in the four above). */
  duplicates: number;
  /**
   * True when every result belongs to exactly one input line: no duplicated input id, no result
   * for an id not in the input, no id with two results.
   */
  balanced: boolean;
  /** The ids that do not add up (duplicated, unknown to the input, or with several results), first 100. */
  unbalancedIds: string[];
}

/** Tokens of one model's successful results. */
export interface ModelUsage extends TokenCounts {
  /** Successful results of this model. */
  requests: number;
}

/** Token usage of the salvaged results, and the batch's own figure to compare it with. */
export interface UsageReport {
  /** Keyed by the model each response names (e.g. `gpt-4o-mini-2024-07-18`). */
  byModel: Record<string, ModelUsage>;
  /** The batch object's `usage`, null when the API did not report it (batches before 2025-09-07). */
  batchReported: TokenCounts | null;
}

/** What `remaining.jsonl` (and `failed-permanent.jsonl`) hold after a collection. */
export interface RemainingSummary {
  path: string;
  /** Input lines written to remaining.jsonl. */
  lines: number;
  /** The provider's reference of the input the lines were taken from. */
  inputRef: string;
  /**
   * True when the API keeps no input (Anthropic) and no requests file was named: the lines are
   * `{"custom_id"}` only, taken from the results.
   */
  idsOnly?: boolean;
  /** `failed-permanent.jsonl`: requests that failed with a 4xx that a resubmission would repeat. */
  failedPermanent?: { path: string; lines: number } | null;
  /** Input lines left out because they succeeded. */
  succeededSkipped?: number;
  /** Input lines left out because their only result line was damaged and its outcome unreadable. */
  unresolved?: number;
}

/** The result of `cancelBatchWorkflow` (see `CancelBatchResultSchema`). */
export interface CancelBatchResult {
  batchId: string;
  /** The batch's account; absent for the default account. */
  account?: string;
  /** The provider's own word for the terminal status (`cancelled`, ...). */
  finalStatus: string;
  /** How the batch ended, in the product's words. */
  outcome: BatchOutcome;
  cancelOutcome: 'cancel-requested' | 'already-terminal';
  requestCounts: RequestCounts;
  batch: BatchSnapshot;
  /** Null when collection was not asked for (`collectResults: 'never'` or not cancelled with 'if-cancelled'). */
  results: ResultsSummary | null;
  polls: number;
  timings: { startedAt: number; terminalSeenAt: number; finishedAt: number; waitedMs: number };
}
