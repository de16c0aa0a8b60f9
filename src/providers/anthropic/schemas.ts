/**
 * The Message Batches API's objects as the reference documents them
 * (platform.claude.com/docs/en/api/messages/batches): the batch and one line of its results.
 * Objects are not strict: the API adds fields over time, and an unknown field must not stop a
 * cancellation.
 */
import { z } from 'zod';

export const PROCESSING_STATUSES = ['in_progress', 'canceling', 'ended'] as const;
/** A Message Batch's `processing_status`. */
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number];

/** RFC 3339, with `Z` or an offset, any sub-second precision. */
const timestamp = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

export const MessageBatchSchema = z.object({
  id: z.string().min(1),
  type: z.literal('message_batch'),
  processing_status: z.enum(PROCESSING_STATUSES),
  request_counts: z.object({
    processing: count,
    succeeded: count,
    errored: count,
    canceled: count,
    expired: count,
  }),
  created_at: timestamp,
  expires_at: timestamp,
  ended_at: timestamp.nullable(),
  cancel_initiated_at: timestamp.nullable(),
  archived_at: timestamp.nullable(),
  results_url: z.string().url().nullable(),
});
export type MessageBatch = z.infer<typeof MessageBatchSchema>;

export const MessageBatchPageSchema = z.object({
  data: z.array(MessageBatchSchema),
  has_more: z.boolean(),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
});

/** `{"type":"error","error":{"type":…,"message":…}}`: what an errored request answered. */
const ErrorResponseSchema = z.object({
  type: z.literal('error'),
  error: z.object({ type: z.string().min(1), message: z.string() }),
});

const UsageSchema = z.object({
  input_tokens: count,
  output_tokens: count,
  cache_read_input_tokens: count.nullable().optional(),
  cache_creation_input_tokens: count.nullable().optional(),
});

export const ResultLineSchema = z.object({
  custom_id: z.string().min(1),
  result: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('succeeded'),
      message: z.object({ model: z.string(), usage: UsageSchema.optional() }),
    }),
    z.object({ type: z.literal('errored'), error: ErrorResponseSchema }),
    z.object({ type: z.literal('canceled') }),
    z.object({ type: z.literal('expired') }),
  ]),
});
export type ResultLine = z.infer<typeof ResultLineSchema>;

/** One request as submitted (`{custom_id, params}`): the requests file a cancellation may name. */
export const RequestLineSchema = z.object({
  custom_id: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
});
