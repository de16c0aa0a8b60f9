/** OpenAI batch statuses, usable from workflow code (no zod, no Node). */
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

/** Statuses after which a batch never changes again. */
export const TERMINAL_STATUSES: readonly BatchStatus[] = ['completed', 'failed', 'expired', 'cancelled'];

/** True for a status after which the batch never changes again. */
export function isTerminalStatus(status: BatchStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
