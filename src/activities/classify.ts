/**
 * Classifies an OpenAI error (see src/providers/openai/errors.ts) and counts it by class for metrics. The
 * attempt is the activity's own unless the caller says otherwise (the wait's attempts are polls).
 */
import { Context } from '@temporalio/activity';
import type { ApplicationFailure } from '@temporalio/common';
import { toApplicationFailure, type ErrorContext } from '../providers/openai/errors';
import { METRIC } from '../contract/metric-names';

export function classifyApiError(err: unknown, ctx: ErrorContext): ApplicationFailure {
  const activity = Context.current();
  const attempt = ctx.attempt === undefined ? activity.info.attempt : ctx.attempt;
  const failure = toApplicationFailure(err, { ...ctx, attempt });
  activity.metricMeter
    .createCounter(METRIC.apiErrors, '1', 'OpenAI API errors by failure type')
    .add(1, { error_type: failure.type ?? 'unknown' });
  return failure;
}
