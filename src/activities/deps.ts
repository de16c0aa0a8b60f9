import type OpenAI from 'openai';
import type { LocalResultsStore } from '../results/local-store';

/** What the activities need from the outside world; tests pass the simulator's client. */
export interface ActivityDeps {
  openai: OpenAI;
  results: LocalResultsStore;
  /** Lines longer than this are quarantined instead of buffered. @default 64 MiB */
  maxLineBytes?: number;
  /** Storage-failure retry budget of collectResults. @default resultsStoreRetry (activity-options) */
  resultsStoreRetry?: { maxFailures: number; retryDelayMs: number };
}
