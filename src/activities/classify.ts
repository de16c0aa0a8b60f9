/**
 * Classifies an error of a batch API call by the provider that made it (providers/types.ts) and
 * counts it by class for metrics. The attempt is the activity's own unless the caller says
 * otherwise (the wait's attempts are polls).
 */
import { Context } from '@temporalio/activity';
import type { ApplicationFailure } from '@temporalio/common';
import type { BatchProvider, ErrorContext } from '../providers/types';
import { METRIC } from '../contract/metric-names';

export function classifyApiError(
  provider: BatchProvider,
  err: unknown,
  ctx: ErrorContext,
): ApplicationFailure {
  const activity = Context.current();
  const attempt = ctx.attempt === undefined ? activity.info.attempt : ctx.attempt;
  const failure = provider.classifyError(err, { ...ctx, attempt });
  activity.metricMeter
    .createCounter(METRIC.apiErrors, '1', 'OpenAI API errors by failure type')
    .add(1, { error_type: failure.type ?? 'unknown' });
  return failure;
}
