/** OpenAI's batch statuses, and what each means in the product's words (phase, outcome). */
import type { BatchOutcome, BatchPhase } from '../../contract/batch-snapshot';

export const BATCH_STATUSES = [
  'validating',
  'failed',
  'in_progress',
  'finalizing',
  'completed',
  'expired',
  'cancelling',
  'cancelled',
] as const;
/** An OpenAI batch status. */
export type BatchStatus = (typeof BATCH_STATUSES)[number];

const MEANING: Record<BatchStatus, { phase: BatchPhase; outcome: BatchOutcome | null }> = {
  validating: { phase: 'running', outcome: null },
  in_progress: { phase: 'running', outcome: null },
  finalizing: { phase: 'running', outcome: null },
  cancelling: { phase: 'cancelling', outcome: null },
  completed: { phase: 'terminal', outcome: 'completed' },
  failed: { phase: 'terminal', outcome: 'failed' },
  expired: { phase: 'terminal', outcome: 'expired' },
  cancelled: { phase: 'terminal', outcome: 'cancelled' },
};

/** The phase and (once terminal) the outcome of an OpenAI status. */
export function meaningOf(status: BatchStatus): { phase: BatchPhase; outcome: BatchOutcome | null } {
  return MEANING[status];
}

/** The meaning of a status word, or undefined when it is not one of OpenAI's. */
export function meaningOfWord(
  status: string,
): { phase: BatchPhase; outcome: BatchOutcome | null } | undefined {
  return (BATCH_STATUSES as readonly string[]).includes(status) ? MEANING[status as BatchStatus] : undefined;
}

/** True for a status after which the batch never changes again. */
export function isTerminalStatus(status: BatchStatus): boolean {
  return MEANING[status].phase === 'terminal';
}
