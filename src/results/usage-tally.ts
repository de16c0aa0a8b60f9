/**
 * Token usage of the successful result lines, per model, from each response body's `usage`:
 * chat completions and completions (`prompt_tokens` / `completion_tokens` with
 * `prompt_tokens_details.cached_tokens` and `completion_tokens_details.reasoning_tokens`), the
 * responses API (`input_tokens` / `output_tokens` with `input_tokens_details` /
 * `output_tokens_details`) and embeddings (`prompt_tokens` only). A body without usage counts as
 * a request with no tokens: the line is kept whatever its body says.
 */
import type { BatchResultLine } from '../providers/openai/schemas';
import type { TokenCounts } from '../contract/progress';
import type { ModelUsage } from '../contract/results';

/** Models beyond this many are summed under {@link OTHER_MODELS}, so a summary stays small. */
export const MAX_MODELS = 50;
export const OTHER_MODELS = '(other models)';
/** Model of a body that names none. */
export const UNKNOWN_MODEL = '(unknown)';

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

/** The tokens one response body reports, whichever endpoint produced it. */
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

export class UsageTally {
  private readonly models = new Map<string, ModelUsage>();

  /** Adds a successful result line's tokens to its model. */
  add(line: BatchResultLine): void {
    const body = line.response?.body;
    const named = isObject(body) && typeof body.model === 'string' && body.model ? body.model : UNKNOWN_MODEL;
    const model = this.models.has(named) || this.models.size < MAX_MODELS ? named : OTHER_MODELS;
    const t = tokensOfBody(body);
    const m = this.models.get(model) ?? {
      requests: 0,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    };
    m.requests++;
    m.inputTokens += t.inputTokens;
    m.cachedInputTokens += t.cachedInputTokens;
    m.outputTokens += t.outputTokens;
    m.reasoningTokens += t.reasoningTokens;
    this.models.set(model, m);
  }

  /** Per model, sorted by name so summaries compare equal across runs. */
  byModel(): Record<string, ModelUsage> {
    return Object.fromEntries([...this.models.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
