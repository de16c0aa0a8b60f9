/**
 * Anthropic's result lines, classified for the results code. Tokens are counted the way OpenAI
 * counts them, so one sum serves both: `inputTokens` is every prompt token (Anthropic's
 * `input_tokens` excludes cache reads and cache writes, so both are added back) and
 * `cachedInputTokens` the cache reads among them, `cacheCreationInputTokens` the cache writes.
 */
import type { z } from 'zod';
import type { TokenCounts } from '../../contract/batch-snapshot';
import type { ClassifiedResult, RecoveredResult, ResultDisposition } from '../types';
import { recoverCustomId } from '../openai/result-lines';
import { RequestLineSchema, ResultLineSchema, type ResultLine } from './schemas';

/**
 * Error types that heal by waiting (the request goes back into remaining.jsonl); any other
 * (`invalid_request_error`, `not_found_error` for a model, permission, ...) fails again as sent.
 */
const RETRIABLE_ERRORS = new Set(['rate_limit_error', 'overloaded_error', 'api_error', 'timeout_error']);

function dispositionOfError(type: string): ResultDisposition {
  return RETRIABLE_ERRORS.has(type) ? 'retriable' : 'permanent';
}

type Usage = NonNullable<Extract<ResultLine['result'], { type: 'succeeded' }>['message']['usage']>;

export function tokensOf(usage: Usage | undefined): TokenCounts {
  if (!usage) return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  const read = usage.cache_read_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens + read + written,
    cachedInputTokens: read,
    cacheCreationInputTokens: written,
    outputTokens: usage.output_tokens,
    reasoningTokens: 0,
  };
}

export function classifyResult(line: ResultLine): ClassifiedResult {
  const { result } = line;
  switch (result.type) {
    case 'succeeded':
      return {
        customId: line.custom_id,
        disposition: 'succeeded',
        failureCode: null,
        model: result.message.model || null,
        tokens: tokensOf(result.message.usage),
      };
    case 'errored':
      return {
        customId: line.custom_id,
        disposition: dispositionOfError(result.error.error.type),
        failureCode: result.error.error.type,
        model: null,
        tokens: null,
      };
    // Never run: safe to send again.
    case 'canceled':
    case 'expired':
      return {
        customId: line.custom_id,
        disposition: 'retriable',
        failureCode: result.type,
        model: null,
        tokens: null,
      };
  }
}

export const resultLine: z.ZodType<ClassifiedResult> = ResultLineSchema.transform(classifyResult);

export const inputLine: z.ZodType<{ customId: string }> = RequestLineSchema.transform((line) => ({
  customId: line.custom_id,
}));

const RESULT_TYPE = /"result"\s*:\s*\{\s*"type"\s*:\s*"(succeeded|errored|canceled|expired)"/;
const ERROR_TYPE = /"error"\s*:\s*\{\s*"type"\s*:\s*"([a-z_]+)"\s*,\s*"message"/;

export { recoverCustomId };

/** What a damaged result line says, as far as it can be read. */
export function recoverResult(raw: Buffer): RecoveredResult | undefined {
  const customId = recoverCustomId(raw);
  if (customId === undefined) return undefined;
  const text = raw.toString('utf8');
  const type = RESULT_TYPE.exec(text)?.[1];
  if (type === 'succeeded') return { customId, disposition: 'succeeded' };
  if (type === 'canceled' || type === 'expired') return { customId, disposition: 'retriable' };
  const error = type === 'errored' ? ERROR_TYPE.exec(text)?.[1] : undefined;
  return { customId, disposition: error ? dispositionOfError(error) : 'unresolved' };
}
