/**
 * What the receiver counts, by outcome: kept in memory for `stats()` and added to a Temporal
 * `MetricMeter` (Prometheus when the runtime exports it) in the style of src/worker/metrics.ts.
 */
import { noopMetricMeter, type MetricMeter } from '@temporalio/common';
import { METRIC } from '../contract/metric-names';

/** Counts since the handler was created. */
export interface WebhookStats {
  /** Verified batch events that reached their workflow as a `batchEvent` signal. */
  signalled: number;
  /** Verified batch events for batches without a running workflow (answered 200). */
  noWorkflow: number;
  /**
   * Events that started a collection: `batch.expired` with `collectExpired`, and any batch event for
   * a batch whose last cancellation failed (it is started again, as `cancel` would).
   */
  collectionsStarted: number;
  /** Verified events of other types (not about batches): answered 200, nothing done. */
  ignored: number;
  /** Missing or bad signature, stale timestamp, or an unparseable event: answered 400. */
  rejected: number;
  /** Bodies over the size limit: answered 413. */
  tooLarge: number;
  /** Temporal unreachable or failing: answered 503 so the sender retries. */
  unavailable: number;
}

export type WebhookOutcome = keyof WebhookStats;

export function makeStats(meter: MetricMeter = noopMetricMeter) {
  const counts: WebhookStats = {
    signalled: 0,
    noWorkflow: 0,
    collectionsStarted: 0,
    ignored: 0,
    rejected: 0,
    tooLarge: 0,
    unavailable: 0,
  };
  const counter = meter.createCounter(METRIC.webhookRequests, '1', 'OpenAI webhook requests by outcome');
  return {
    count(outcome: WebhookOutcome): void {
      counts[outcome]++;
      counter.add(1, { outcome });
    },
    snapshot: (): WebhookStats => ({ ...counts }),
  };
}
