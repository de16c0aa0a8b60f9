import type { BatchProvider } from '../providers/types';
import type { ResultsStore } from '../results/store';
import type { InAttemptReads } from '../contract/poll-schedule';

/** What the activities need from the outside world; tests pass the simulator's provider. */
export interface ActivityDeps {
  /** The batch API, e.g. `openaiProvider(createOpenAIClient({ apiKey }))`. */
  provider: BatchProvider;
  /** Where results go: LocalResultsStore or S3ResultsStore (openResultsStore picks from RESULTS_URL). */
  results: ResultsStore;
  /** Lines longer than this are quarantined instead of buffered. @default 64 MiB */
  maxLineBytes?: number;
  /** Storage-failure retry budget of collectResults. @default resultsStoreRetry (activity-options) */
  resultsStoreRetry?: { maxFailures: number; retryDelayMs: number };
  /**
   * Which reads of a wait share one attempt. @default IN_ATTEMPT_READS (shared/poll-schedule.ts).
   * The time-skipping tests turn it off: a sleep inside an activity is real time there.
   */
  inAttemptReads?: InAttemptReads;
  /** Result downloads running at once on this worker; more wait, heartbeating. @default 16 */
  maxConcurrentDownloads?: number;
}

/** Downloads at once per worker by default: a few per core keep the disk and the network busy. */
export const DEFAULT_MAX_CONCURRENT_DOWNLOADS = 16;
