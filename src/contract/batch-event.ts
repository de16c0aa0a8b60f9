/**
 * The `batchEvent` signal: the webhook receiver tells a waiting cancellation that its batch API
 * announced a terminal status. The event only ends the current wait attempt early: the workflow then reads
 * the batch once and trusts the read, never the event (events are thin, duplicated, out of order).
 */
import { defineSignal } from '@temporalio/workflow';

/** What the receiver signals: the event's id (to drop duplicates) and its type. */
export interface BatchEvent {
  /** The provider's event id (OpenAI: `evt_…`): the same event delivered twice carries the same id. */
  eventId: string;
  /** The provider's word for the event (OpenAI: `batch.cancelled`, ...), shown, never branched on. */
  type: string;
}

/** Signal `batchEvent`: a verified batch event for the workflow's batch. */
export const batchEventSignal = defineSignal<[BatchEvent]>('batchEvent');

/**
 * How the terminal status was first noticed: an event that a read then confirmed, a poll, or a
 * `refresh` update's read.
 */
export type DetectedBy = 'webhook' | 'poll' | 'refresh';
