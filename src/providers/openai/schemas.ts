/**
 * zod schemas of the OpenAI Batch and Files API objects, as strict as OpenAI's published OpenAPI
 * spec (`Batch`, `BatchRequestCounts`, `BatchError`, `OpenAIFile`, `ListBatchesResponse`) and no
 * stricter. Only the fields the product reads are validated, each with the spec's own optionality
 * (plus `null`, which the API sends for unset fields); every other field passes through untouched,
 * because OpenAI adds fields over time (`usage`, `model`, `output_expires_after`) and an unknown
 * field must never fail a cancellation. The spec sets no minimum on any number, so neither do we.
 * Shared by the simulator (which emits them) and the activities (which validate what the API
 * returns).
 */
import { z } from 'zod';
import { BATCH_STATUSES } from './status';

export { BATCH_STATUSES, isTerminalStatus, type BatchStatus } from './status';
export const BatchStatusSchema = z.enum(BATCH_STATUSES);

/** `type: integer, format: unixtime` in the spec: seconds, no minimum. */
const unixSeconds = z.number().int();
const nullableTime = unixSeconds.nullish();

export const BatchErrorSchema = z.looseObject({
  code: z.string().nullish(),
  message: z.string().nullish(),
  param: z.string().nullish(),
  line: z.number().int().nullish(),
});

/**
 * `BatchRequestCounts`: all three required when the object is present. Extra fields are dropped
 * (not refused): these counts are copied into workflow history, which stays small.
 */
export const RequestCountsSchema = z.object({
  total: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
});
export type RequestCounts = z.infer<typeof RequestCountsSchema>;

/** `Batch.usage` (batches created after 2025-09-07): every field required, as in the spec. */
export const BatchUsageSchema = z.looseObject({
  input_tokens: z.number().int(),
  input_tokens_details: z.looseObject({ cached_tokens: z.number().int() }),
  output_tokens: z.number().int(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.number().int() }),
  total_tokens: z.number().int(),
});
export type BatchUsage = z.infer<typeof BatchUsageSchema>;

/**
 * The fields of `Batch` the product reads. Required as in the spec: `id`, `object`, `status`,
 * `input_file_id`, `created_at` (the spec also requires `endpoint` and `completion_window`, which
 * nothing here reads, so they are not checked).
 */
export const BatchSchema = z.looseObject({
  id: z.string(),
  object: z.literal('batch'),
  errors: z
    .looseObject({ object: z.string().nullish(), data: z.array(BatchErrorSchema).nullish() })
    .nullish(),
  input_file_id: z.string(),
  status: BatchStatusSchema,
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
  created_at: unixSeconds,
  completed_at: nullableTime,
  failed_at: nullableTime,
  expired_at: nullableTime,
  cancelling_at: nullableTime,
  cancelled_at: nullableTime,
  request_counts: RequestCountsSchema.nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  endpoint: z.string().optional(),
  completion_window: z.string().optional(),
  usage: BatchUsageSchema.nullish(),
});
export type Batch = z.infer<typeof BatchSchema>;

/** `ListBatchesResponse`: `object`, `data` and `has_more` required; the cursors optional. */
export const BatchListPageSchema = z.looseObject({
  object: z.literal('list'),
  data: z.array(BatchSchema),
  first_id: z.string().nullish(),
  last_id: z.string().nullish(),
  has_more: z.boolean(),
});
export type BatchListPage = z.infer<typeof BatchListPageSchema>;

/** How one API of the OpenAI family spells a batch and a page of batches. */
export interface BatchSchemas {
  batch: z.ZodType<Batch, unknown>;
  page: z.ZodType<BatchListPage, unknown>;
}

/** OpenAI's own: the status as the spec lists it, lower case. */
export const OPENAI_BATCH_SCHEMAS: BatchSchemas = { batch: BatchSchema, page: BatchListPageSchema };

/**
 * Azure OpenAI's: the same objects, but Azure's documentation writes statuses capitalized in
 * places (`Validating`, `Completed`), so a status is read in any case and kept lower case.
 */
const AnyCaseStatusSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.toLowerCase() : v),
  BatchStatusSchema,
);
const AzureBatchSchema = BatchSchema.extend({ status: AnyCaseStatusSchema });
export const AZURE_BATCH_SCHEMAS: BatchSchemas = {
  batch: AzureBatchSchema,
  page: BatchListPageSchema.extend({ data: z.array(AzureBatchSchema) }),
};

/**
 * `OpenAIFile`. The spec requires `status` too, but it is deprecated and nothing reads it, and
 * `purpose` is an enum the product has no reason to police.
 */
export const FileObjectSchema = z.looseObject({
  id: z.string(),
  object: z.literal('file'),
  bytes: z.number().int(),
  created_at: unixSeconds,
  filename: z.string(),
  purpose: z.string(),
  status: z.string().optional(),
  expires_at: nullableTime,
});
export type FileObject = z.infer<typeof FileObjectSchema>;

/** One line of a batch's input file. */
export const BatchInputLineSchema = z.looseObject({
  custom_id: z.string().min(1),
  method: z.string(),
  url: z.string(),
  body: z.record(z.string(), z.unknown()),
});
export type BatchInputLine = z.infer<typeof BatchInputLineSchema>;

/** One line of a batch's output or error file. */
export const BatchResultLineSchema = z.looseObject({
  id: z.string(),
  custom_id: z.string().min(1),
  response: z
    .looseObject({
      status_code: z.number().int(),
      request_id: z.string().nullish(),
      body: z.unknown(),
    })
    .nullable(),
  error: z.looseObject({ code: z.string().nullish(), message: z.string().nullish() }).nullable(),
});
export type BatchResultLine = z.infer<typeof BatchResultLineSchema>;

/** A result line counts as a success only with a 2xx response and no error. */
export function isSuccessfulResult(line: BatchResultLine): boolean {
  return (
    line.error === null &&
    line.response !== null &&
    line.response.status_code >= 200 &&
    line.response.status_code < 300
  );
}
