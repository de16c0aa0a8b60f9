/**
 * The salvage report in words (and a failed batch's reason): what was saved, what it cost in
 * tokens, whether it adds up, and what to do next. Shared by the CLI (`result`, `watch`) and the
 * workflow's UI details, so both say the same thing (no Node imports: the workflow bundles this).
 */
import type { BatchFailureReason, TokenCounts } from './batch-snapshot';
import type { ModelUsage, Reconciliation, ResultsSummary, UsageReport } from './results';

const IDS_SHOWN = 5;

/** The sum over models. */
export function totalUsage(byModel: Record<string, ModelUsage>): ModelUsage {
  const total: ModelUsage = {
    requests: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  };
  for (const m of Object.values(byModel)) {
    total.requests += m.requests;
    total.inputTokens += m.inputTokens;
    total.cachedInputTokens += m.cachedInputTokens;
    total.outputTokens += m.outputTokens;
    total.reasoningTokens += m.reasoningTokens;
    if (m.cacheCreationInputTokens !== undefined)
      total.cacheCreationInputTokens = (total.cacheCreationInputTokens ?? 0) + m.cacheCreationInputTokens;
  }
  return total;
}

/** `1,234,567`. */
export function grouped(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1,234 in (200 cached, 30 cache writes), 567 out (12 reasoning)`. */
export function describeTokens(t: TokenCounts): string {
  const inputParts = [
    t.cachedInputTokens ? `${grouped(t.cachedInputTokens)} cached` : '',
    t.cacheCreationInputTokens ? `${grouped(t.cacheCreationInputTokens)} cache writes` : '',
  ].filter(Boolean);
  const cached = inputParts.length ? ` (${inputParts.join(', ')})` : '';
  const reasoning = t.reasoningTokens ? ` (${grouped(t.reasoningTokens)} reasoning)` : '';
  return `${grouped(t.inputTokens)} in${cached}, ${grouped(t.outputTokens)} out${reasoning}`;
}

/** `balanced: 120 succeeded, 4 failed for good, 276 remaining, 0 quarantined of 400 input lines`. */
export function describeReconciliation(r: Reconciliation): string {
  const parts = [
    `${r.succeeded} succeeded`,
    `${r.failedPermanent} failed for good`,
    `${r.remaining} remaining`,
    `${r.quarantined} quarantined`,
  ];
  if (r.duplicates) parts.push(`${r.duplicates} duplicated`);
  const head = `${parts.join(', ')} of ${r.inputLines} input lines`;
  if (r.balanced) return `balanced: ${head}`;
  const shown = r.unbalancedIds.slice(0, IDS_SHOWN).join(', ');
  const more = r.unbalancedIds.length > IDS_SHOWN ? ` and ${r.unbalancedIds.length - IDS_SHOWN} more` : '';
  const ids = shown ? `; ids that do not add up: ${shown}${more} (all in summary.json)` : '';
  return `UNBALANCED: ${head}${ids}`;
}

/** How the sum over the result lines compares with the batch's own figure. */
export function describeBatchReported(u: UsageReport): string | null {
  if (!u.batchReported) return null;
  const sum = totalUsage(u.byModel);
  const b = u.batchReported;
  const same = sum.inputTokens === b.inputTokens && sum.outputTokens === b.outputTokens;
  return `${describeTokens(b)} as the batch reports it${same ? ', equal to the results' : '; the results sum to a different figure (the batch also counts requests whose result is not here)'}`;
}

/** The command to resubmit what remains, or null when nothing remains. */
export function nextStep(r: ResultsSummary): string | null {
  const remaining = r.remaining?.lines ?? r.reconciliation?.remaining ?? 0;
  if (!r.remaining || remaining === 0) return null;
  const account = r.account ? ` --account ${r.account}` : '';
  return `openai-batch-cancel resubmit ${r.batchId}${account} (${remaining} requests in ${r.remaining.path})`;
}

const REASONS_SHOWN = 3;

/** `code: message (line n)` for the first few errors of a failed batch, and how many more. */
export function describeFailureReason(reason: BatchFailureReason): string[] {
  const shown = reason.data.slice(0, REASONS_SHOWN).map((e) => {
    const where = e.line !== null ? ` (line ${e.line})` : '';
    return `${e.code ?? 'error'}: ${e.message ?? 'no message'}${where}`;
  });
  if (reason.count > shown.length) shown.push(`and ${reason.count - shown.length} more`);
  return shown;
}
