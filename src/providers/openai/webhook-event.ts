/**
 * The part of an OpenAI webhook event the receiver relies on, validated after the signature is
 * verified (the SDK's `unwrap` parses JSON but checks no shape). Other event types (responses,
 * evals, fine-tuning) are valid but not ours: they parse here and are ignored by type.
 */
import { z } from 'zod';
import type { BatchOutcome } from '../../contract/batch-snapshot';

/** The OpenAI webhook event types about batches: each announces a terminal status. */
export const BATCH_EVENT_TYPES = [
  'batch.completed',
  'batch.cancelled',
  'batch.expired',
  'batch.failed',
] as const;
/** One of `BATCH_EVENT_TYPES`. */
export type BatchEventType = (typeof BATCH_EVENT_TYPES)[number];

/** The outcome each batch event announces. */
export const OUTCOME_OF_EVENT: Record<BatchEventType, BatchOutcome> = {
  'batch.completed': 'completed',
  'batch.cancelled': 'cancelled',
  'batch.expired': 'expired',
  'batch.failed': 'failed',
};

/** `{ id, type, created_at, data: { id } }`: the fields every OpenAI webhook event carries. */
export const WebhookEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created_at: z.number().int(),
  object: z.literal('event').optional(),
  data: z.object({ id: z.string().min(1) }).loose(),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export function isBatchEventType(type: string): type is BatchEventType {
  return (BATCH_EVENT_TYPES as readonly string[]).includes(type);
}
