/**
 * A batch as the product keeps it, whichever batch API holds it: the provider maps its own object
 * onto this (src/providers/<name>/), and the workflow, the results and the CLI read only this.
 * Small, so it is cheap in history.
 */

/** Where a batch is, in the product's words: every provider's statuses fall into one of these. */
export const BATCH_PHASES = ['running', 'cancelling', 'terminal'] as const;
/** One of `BATCH_PHASES`: running, asked to cancel and not yet ended, or ended for good. */
export type BatchPhase = (typeof BATCH_PHASES)[number];

/** How a terminal batch ended. */
export const BATCH_OUTCOMES = ['completed', 'cancelled', 'expired', 'failed'] as const;
/** One of `BATCH_OUTCOMES`. */
export type BatchOutcome = (typeof BATCH_OUTCOMES)[number];

/** A batch's requests: all of them, those that succeeded, those that failed, those not yet done. */
export interface RequestCounts {
  total: number;
  succeeded: number;
  failed: number;
  /** Neither succeeded nor failed yet (or never run, once the batch is terminal). */
  processing: number;
}

/** The counts, from the three every API reports: what is neither succeeded nor failed is processing. */
export function requestCounts(c: { total: number; succeeded: number; failed: number }): RequestCounts {
  return { ...c, processing: Math.max(0, c.total - c.succeeded - c.failed) };
}

/**
 * Where a batch's results are, as the provider names them (file ids, URLs): opaque outside the
 * provider, which alone opens them. Null when the batch has no such results (yet).
 */
export interface ResultRefs {
  /** Successful results. */
  output: string | null;
  /** Failed (and, for some APIs, all) results. */
  errors: string | null;
  /** The requests as submitted, when the API keeps them (needed to write remaining.jsonl). */
  input: string | null;
}

/** A batch as the product keeps it, the same for every batch API (see the file's comment). */
export interface BatchSnapshot {
  /** The batch API that holds the batch (`openai`, ...). */
  provider: string;
  /** The account of that API the batch belongs to (`default` unless configured otherwise). */
  account: string;
  id: string;
  /** The provider's own status word (`cancelling`, `in_progress`, ...): shown, never branched on. */
  status: string;
  phase: BatchPhase;
  /** How it ended; null until the batch is terminal. */
  outcome: BatchOutcome | null;
  requestCounts: RequestCounts;
  resultRefs: ResultRefs;
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds at which the batch became terminal, when the API says. */
  endedAt: number | null;
  /** For a failed batch: why it failed, as the API said, first entries only. */
  errors: BatchFailureReason | null;
  /** The batch's own token usage, when the API reports it. */
  usage: TokenCounts | null;
}

/** True once the batch never changes again. */
export function isTerminal(batch: { phase: BatchPhase }): boolean {
  return batch.phase === 'terminal';
}

/** Token counts as the product keeps them, whichever API reported them. */
export interface TokenCounts {
  inputTokens: number;
  /** Of `inputTokens`, served from the prompt cache. */
  cachedInputTokens: number;
  /**
   * Of `inputTokens`, written to the prompt cache (Anthropic's `cache_creation_input_tokens`,
   * billed above the input price); absent where the API reports none (OpenAI).
   */
  cacheCreationInputTokens?: number;
  outputTokens: number;
  /** Of `outputTokens`, spent on reasoning. */
  reasoningTokens: number;
}

/** At most this many of a failed batch's errors are kept: the rest are only counted. */
export const MAX_BATCH_ERRORS_KEPT = 100;

/** Why a batch failed, as the API listed it, bounded for history. */
export interface BatchFailureReason {
  /** Entries in the API's list (may exceed `data.length`). */
  count: number;
  data: { code: string | null; message: string | null; line: number | null; param: string | null }[];
}

/** `12/50 done, 3 failed`: a batch's progress in a few words. */
export function describeCounts(s: BatchSnapshot): string {
  const c = s.requestCounts;
  return `${c.succeeded + c.failed}/${c.total} done, ${c.failed} failed`;
}

/**
 * How a terminal batch ended. A provider that names no outcome for a terminal batch is taken at
 * its worst (`failed`): the results are still collected, and nobody reads it as a success.
 */
export function terminalOutcome(batch: BatchSnapshot): BatchOutcome {
  return batch.outcome ?? 'failed';
}
