/**
 * The `batchEvent` signal: the webhook receiver tells a waiting cancellation that OpenAI announced
 * a terminal status. The event only ends the current wait attempt early: the workflow then reads
 * the batch once and trusts the read, never the event (events are thin, duplicated, out of order).
 */
import { defineSignal } from '@temporalio/workflow';

/** The OpenAI webhook event types about batches: each announces a terminal status. */
export const BATCH_EVENT_TYPES = [
  'batch.completed',
  'batch.cancelled',
  'batch.expired',
  'batch.failed',
] as const;
/** One of `BATCH_EVENT_TYPES`. */
export type BatchEventType = (typeof BATCH_EVENT_TYPES)[number];

/** What the receiver signals: the event's id (to drop duplicates) and its type. */
export interface BatchEvent {
  /** OpenAI's event id, `evt_…`: the same event delivered twice carries the same id. */
  eventId: string;
  type: BatchEventType;
}

/** Signal `batchEvent`: a verified OpenAI batch event for the workflow's batch. */
export const batchEventSignal = defineSignal<[BatchEvent]>('batchEvent');

/**
 * How the terminal status was first noticed: an event that a read then confirmed, a poll, or a
 * `refresh` update's read.
 */
export type DetectedBy = 'webhook' | 'poll' | 'refresh';
