/**
 * The tokens one OpenAI response body reports, whichever endpoint produced it: chat completions
 * and completions (`prompt_tokens` / `completion_tokens` with `prompt_tokens_details.cached_tokens`
 * and `completion_tokens_details.reasoning_tokens`), the responses API (`input_tokens` /
 * `output_tokens` with `input_tokens_details` / `output_tokens_details`) and embeddings
 * (`prompt_tokens` only). A body without usage counts as a request with no tokens: the line is kept
 * whatever its body says.
 */
import type { TokenCounts } from '../../contract/batch-snapshot';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-negative integer, or 0: a bad number in one body must not poison the sums. */
function count(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

function detail(usage: Json, field: string, key: string): number {
  const d = usage[field];
  return isObject(d) ? count(d[key]) : 0;
}

export function tokensOfBody(body: unknown): TokenCounts {
  const usage = isObject(body) ? body.usage : undefined;
  if (!isObject(usage)) return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  if ('input_tokens' in usage || 'output_tokens' in usage) {
    return {
      inputTokens: count(usage.input_tokens),
      cachedInputTokens: detail(usage, 'input_tokens_details', 'cached_tokens'),
      outputTokens: count(usage.output_tokens),
      reasoningTokens: detail(usage, 'output_tokens_details', 'reasoning_tokens'),
    };
  }
  return {
    inputTokens: count(usage.prompt_tokens),
    cachedInputTokens: detail(usage, 'prompt_tokens_details', 'cached_tokens'),
    outputTokens: count(usage.completion_tokens),
    reasoningTokens: detail(usage, 'completion_tokens_details', 'reasoning_tokens'),
  };
}
