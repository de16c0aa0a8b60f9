/**
 * Token usage of the successful result lines, per model, as their provider classified them
 * (ClassifiedResult.model and .tokens), bounded so a summary stays small.
 */
import type { TokenCounts } from '../contract/batch-snapshot';
import type { ModelUsage } from '../contract/results';

/** Models beyond this many are summed under {@link OTHER_MODELS}, so a summary stays small. */
export const MAX_MODELS = 50;
export const OTHER_MODELS = '(other models)';
/** Model of an answer that names none. */
export const UNKNOWN_MODEL = '(unknown)';

export class UsageTally {
  private readonly models = new Map<string, ModelUsage>();

  /** Adds a successful request's tokens to its model. */
  add(model: string | null, t: TokenCounts | null): void {
    const named = model || UNKNOWN_MODEL;
    const key = this.models.has(named) || this.models.size < MAX_MODELS ? named : OTHER_MODELS;
    const m = this.models.get(key) ?? {
      requests: 0,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    };
    m.requests++;
    m.inputTokens += t?.inputTokens ?? 0;
    m.cachedInputTokens += t?.cachedInputTokens ?? 0;
    m.outputTokens += t?.outputTokens ?? 0;
    m.reasoningTokens += t?.reasoningTokens ?? 0;
    if (t?.cacheCreationInputTokens !== undefined)
      m.cacheCreationInputTokens = (m.cacheCreationInputTokens ?? 0) + t.cacheCreationInputTokens;
    this.models.set(key, m);
  }

  /** Per model, sorted by name so summaries compare equal across runs. */
  byModel(): Record<string, ModelUsage> {
    return Object.fromEntries([...this.models.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
