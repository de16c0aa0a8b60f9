/**
 * Anthropic's processing statuses in the product's words. There is no "cancelled" status: an
 * ended batch tells how it ended only by its request counts and `cancel_initiated_at`.
 */
import type { BatchOutcome, BatchPhase } from '../../contract/batch-snapshot';
import { PROCESSING_STATUSES, type MessageBatch, type ProcessingStatus } from './schemas';

const PHASE: Record<ProcessingStatus, BatchPhase> = {
  in_progress: 'running',
  canceling: 'cancelling',
  ended: 'terminal',
};

/**
 * How an ended batch ended: cancelled once anyone asked (even if every request had already
 * finished, as OpenAI says `cancelled` then too), expired when requests expired, else completed.
 */
export function outcomeOf(batch: MessageBatch): BatchOutcome | null {
  if (batch.processing_status !== 'ended') return null;
  if (batch.cancel_initiated_at !== null || batch.request_counts.canceled > 0) return 'cancelled';
  if (batch.request_counts.expired > 0) return 'expired';
  return 'completed';
}

export function meaningOfBatch(batch: MessageBatch): { phase: BatchPhase; outcome: BatchOutcome | null } {
  return { phase: PHASE[batch.processing_status], outcome: outcomeOf(batch) };
}

/**
 * The meaning of the word alone (a search attribute): `ended` is terminal with no outcome, which
 * only the batch's counts tell.
 */
export function meaningOfWord(
  status: string,
): { phase: BatchPhase; outcome: BatchOutcome | null } | undefined {
  return (PROCESSING_STATUSES as readonly string[]).includes(status)
    ? { phase: PHASE[status as ProcessingStatus], outcome: null }
    : undefined;
}
