/**
 * The product's metric names, in one place for the worker, the activities, the webhook receiver
 * and the workflow (whose counters the SDK exports through the worker's runtime).
 */

/** Names of the product's counters (Prometheus adds nothing; the SDK prefixes none). */
export const METRIC = {
  cancellationsStarted: 'openai_batch_cancellations_started',
  cancellationsFinished: 'openai_batch_cancellations_finished',
  resultLinesCollected: 'openai_batch_result_lines_collected',
  apiErrors: 'openai_batch_api_errors',
  /** Tokens the salvaged results consumed, by `model` and `kind` (input, cached_input, output, reasoning). */
  salvagedTokens: 'openai_batch_salvaged_tokens',
  /** Collections whose results do not reconcile with the input (see `Reconciliation.balanced`). */
  unbalancedCollections: 'openai_batch_unbalanced_collections',
  /** Histogram: seconds from the cancel request until the batch was seen terminal. */
  timeCancelling: 'openai_batch_cancelling_seconds',
  /** Gauges (src/worker/waiting-gauges.ts): running cancellations in `cancelling`, and the oldest one's age. */
  cancellationsWaiting: 'openai_batch_cancellations_waiting',
  oldestWaitSeconds: 'openai_batch_oldest_wait_seconds',
  /**
   * Counter (src/webhooks/stats.ts): webhook deliveries by `outcome` (signalled, noWorkflow,
   * collectionsStarted, ignored, rejected, tooLarge, unavailable).
   */
  webhookRequests: 'openai_batch_webhook_requests',
} as const;
