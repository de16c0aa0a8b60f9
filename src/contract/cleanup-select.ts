/**
 * The cleanup's decision for one listed batch, as a pure function: cancel it (non-terminal and
 * stale or past its deadline), collect it (terminal in a collected status), or skip it (and why).
 * Whether results were collected already is not decided here: the child's workflow id is.
 */
import { isTerminal } from './batch-snapshot';
import type { BatchSummary, CleanupPolicy, SkipReason } from './cleanup-policy';
import { parseDeadline } from './deadline';

export { parseDeadline } from './deadline';

export type CleanupDecision =
  | { action: 'cancel'; why: 'stale' | 'past-deadline' }
  | { action: 'collect' }
  | { action: 'skip'; reason: SkipReason };

type SelectPolicy = Pick<
  CleanupPolicy,
  'maxAge' | 'deadlineMetadataKey' | 'collectStatuses' | 'metadataFilter'
>;

export function selectBatch(batch: BatchSummary, policy: SelectPolicy, nowMs: number): CleanupDecision {
  const filter = policy.metadataFilter;
  if (filter && batch.metadata[filter.key] !== filter.value) {
    return { action: 'skip', reason: 'metadata-mismatch' };
  }
  if (isTerminal(batch)) {
    return batch.outcome !== null && (policy.collectStatuses as readonly string[]).includes(batch.outcome)
      ? { action: 'collect' }
      : { action: 'skip', reason: 'status-not-collected' };
  }
  if (policy.maxAge !== undefined && nowMs - batch.createdAt * 1000 > policy.maxAge) {
    return { action: 'cancel', why: 'stale' };
  }
  const raw = policy.deadlineMetadataKey ? batch.metadata[policy.deadlineMetadataKey] : undefined;
  if (raw !== undefined) {
    const deadline = parseDeadline(raw);
    if (deadline === null) return { action: 'skip', reason: 'invalid-deadline' };
    if (nowMs > deadline) return { action: 'cancel', why: 'past-deadline' };
  }
  return { action: 'skip', reason: 'not-stale' };
}
