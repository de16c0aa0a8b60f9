/** The salvage report as Prometheus counters: tokens by model and kind, and unbalanced collections. */
import type { MetricMeter } from '@temporalio/common';
import { METRIC } from '../contract/metric-names';
import type { ResultsSummary } from '../contract/results';

const KINDS = [
  ['input', 'inputTokens'],
  ['cached_input', 'cachedInputTokens'],
  ['cache_creation_input', 'cacheCreationInputTokens'],
  ['output', 'outputTokens'],
  ['reasoning', 'reasoningTokens'],
] as const;

export function recordSalvageMetrics(meter: MetricMeter, summary: ResultsSummary): void {
  const tokens = meter.createCounter(
    METRIC.salvagedTokens,
    '1',
    'tokens consumed by the salvaged (successful) results, by model and kind',
  );
  for (const [model, usage] of Object.entries(summary.usage?.byModel ?? {})) {
    for (const [kind, field] of KINDS) {
      const count = usage[field] ?? 0;
      if (count > 0) tokens.add(count, { model, kind });
    }
  }
  const unbalanced = meter.createCounter(
    METRIC.unbalancedCollections,
    '1',
    'collections whose results do not reconcile with the input file',
  );
  unbalanced.add(summary.reconciliation && !summary.reconciliation.balanced ? 1 : 0);
}
