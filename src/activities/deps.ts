import { ApplicationFailure } from '@temporalio/common';
import type { BatchProvider } from '../providers/types';
import type { ResultsStore } from '../results/store';
import type { InAttemptReads } from '../contract/poll-schedule';
import { DEFAULT_ACCOUNT, unknownAccountMessage } from '../contract/account';
import { FailureType } from '../contract/failure-types';

/** What the activities need from the outside world; tests pass the simulator's provider. */
export interface ActivityDeps {
  /**
   * The default account's batch API, e.g. `openaiProvider(createOpenAIClient({ apiKey }))`;
   * absent on a worker that serves only named accounts.
   */
  provider?: BatchProvider;
  /** The other accounts' batch APIs, by account name (the worker's accounts file). */
  accounts?: Readonly<Record<string, BatchProvider>>;
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

/** The names of the accounts these dependencies serve, the default first. */
export function accountNames(deps: Pick<ActivityDeps, 'provider' | 'accounts'>): string[] {
  return [...(deps.provider ? [DEFAULT_ACCOUNT] : []), ...Object.keys(deps.accounts ?? {})];
}

/**
 * The batch API of `account` (undefined: the default). An account the worker lacks fails with
 * UnknownAccount: non-retryably at the cancellation's first step (`final`), before anything was
 * asked of any API; later steps retry, as another worker of the task queue may have it (a rolling
 * rollout of the accounts file) and the cancel is already requested.
 */
export function providerOf(
  deps: Pick<ActivityDeps, 'provider' | 'accounts'>,
  account: string | undefined,
  final = false,
): BatchProvider {
  const name = account ?? DEFAULT_ACCOUNT;
  const provider =
    name === DEFAULT_ACCOUNT
      ? deps.provider
      : Object.prototype.hasOwnProperty.call(deps.accounts ?? {}, name)
        ? deps.accounts?.[name]
        : undefined;
  if (provider) return provider;
  throw ApplicationFailure.create({
    message: unknownAccountMessage(name, accountNames(deps)),
    type: FailureType.UnknownAccount,
    nonRetryable: final,
    details: [{ account: name, configured: accountNames(deps) }],
  });
}
