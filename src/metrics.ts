/**
 * Prometheus metrics: the SDK's own (task latencies, slots, polls) plus the product's counters.
 * The Runtime must be installed before any connection or worker exists, so the worker calls
 * `installRuntime` first thing.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { WEBHOOK_EVENTS_METRIC } from './webhooks/stats';

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
  /** Gauges (src/waiting-gauges.ts): running cancellations in `cancelling`, and the oldest one's age. */
  cancellationsWaiting: 'openai_batch_cancellations_waiting',
  oldestWaitSeconds: 'openai_batch_oldest_wait_seconds',
  /**
   * Counter (src/webhooks/stats.ts): webhook deliveries by `outcome` (signalled, noWorkflow,
   * collectionsStarted, ignored, rejected, tooLarge, unavailable).
   */
  webhookRequests: WEBHOOK_EVENTS_METRIC,
} as const;

export interface RuntimeOptions {
  /** Serve Prometheus metrics on this port (all interfaces). Unset: no exporter. */
  metricsPort?: number;
  logLevel?: LogLevel;
}

export function installRuntime(opts: RuntimeOptions): void {
  Runtime.install({
    logger: new DefaultLogger(opts.logLevel ?? 'INFO'),
    ...(opts.metricsPort
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${opts.metricsPort}` } } } }
      : {}),
  });
}
