/**
 * zod schemas of the OpenAI Batch and Files API objects we read and serve, following the published
 * OpenAPI spec. Shared by the simulator (which emits them) and the activities (which validate what
 * the API returns). Objects are loose: OpenAI adds fields over time and an unknown field must never
 * fail a cancellation.
 */
import { z } from 'zod';
import { BATCH_STATUSES } from '../shared/batch-status';

export {
  BATCH_STATUSES,
  TERMINAL_STATUSES,
  isTerminalStatus,
  type BatchStatus,
} from '../shared/batch-status';
export const BatchStatusSchema = z.enum(BATCH_STATUSES);

const unixSeconds = z.number().int().nonnegative();
const nullableTime = unixSeconds.nullish();

export const BatchErrorSchema = z.looseObject({
  code: z.string().nullish(),
  message: z.string().nullish(),
  param: z.string().nullish(),
  line: z.number().int().nullish(),
});

export const RequestCountsSchema = z.object({
  total: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type RequestCounts = z.infer<typeof RequestCountsSchema>;

export const BatchSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal('batch'),
  endpoint: z.string(),
  errors: z
    .looseObject({ object: z.string().optional(), data: z.array(BatchErrorSchema).optional() })
    .nullish(),
  input_file_id: z.string(),
  completion_window: z.string(),
  status: BatchStatusSchema,
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
  created_at: unixSeconds,
  in_progress_at: nullableTime,
  expires_at: nullableTime,
  finalizing_at: nullableTime,
  completed_at: nullableTime,
  failed_at: nullableTime,
  expired_at: nullableTime,
  cancelling_at: nullableTime,
  cancelled_at: nullableTime,
  request_counts: RequestCountsSchema.nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});
export type Batch = z.infer<typeof BatchSchema>;

export const BatchListPageSchema = z.looseObject({
  object: z.literal('list'),
  data: z.array(BatchSchema),
  first_id: z.string().nullish(),
  last_id: z.string().nullish(),
  has_more: z.boolean(),
});
export type BatchListPage = z.infer<typeof BatchListPageSchema>;

export const FileObjectSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal('file'),
  bytes: z.number().int().nonnegative(),
  created_at: unixSeconds,
  filename: z.string(),
  purpose: z.string(),
  status: z.string().optional(),
  expires_at: nullableTime,
});
export type FileObject = z.infer<typeof FileObjectSchema>;

export const ApiErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

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
