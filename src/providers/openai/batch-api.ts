/**
 * The Batch and Files API calls the activities make. With file-download.ts (file contents) and
 * batch-submit.ts (resubmission), this folder is the only code that talks HTTP to OpenAI: every
 * answer is validated here before anything trusts it, and errors go up unchanged for the one
 * classifier (errors.ts) to type.
 */
import type OpenAI from 'openai';
import { withLinkedSignal } from './linked-signal';
import { parseResponse } from '../malformed';
import { OPENAI_BATCH_SCHEMAS, type Batch, type BatchListPage, type BatchSchemas } from './schemas';

/** Validates a batch object; throws `MalformedResponseError` (quoting its first bytes) if it is not one. */
export function parseBatch(value: unknown, schemas: BatchSchemas = OPENAI_BATCH_SCHEMAS): Batch {
  return parseResponse(schemas.batch, value, 'a batch');
}

/**
 * Makes one SDK call whose answer is read in full, with a signal of its own linked to the caller's
 * (see linked-signal.ts), so repeated calls on one activity's signal leave no listeners behind.
 */
function call<T>(
  signal: AbortSignal | undefined,
  request: (options: { signal: AbortSignal } | undefined) => Promise<T>,
): Promise<T> {
  if (!signal) return request(undefined);
  return withLinkedSignal(signal, (own) => request({ signal: own }));
}

/** `GET /v1/batches/{id}`. */
export async function fetchBatch(
  openai: OpenAI,
  batchId: string,
  signal?: AbortSignal,
  schemas?: BatchSchemas,
): Promise<Batch> {
  return parseBatch(await call(signal, (options) => openai.batches.retrieve(batchId, options)), schemas);
}

/** `POST /v1/batches/{id}/cancel`: the batch as it is after the request (usually `cancelling`). */
export async function postCancel(
  openai: OpenAI,
  batchId: string,
  signal?: AbortSignal,
  schemas?: BatchSchemas,
): Promise<Batch> {
  return parseBatch(await call(signal, (options) => openai.batches.cancel(batchId, options)), schemas);
}

/**
 * `GET /v1/batches`, one page, newest first. The raw body, not the SDK's page object: that one
 * reads an HTML page (a proxy's error page) as an empty last page.
 */
export async function fetchBatchesPage(
  openai: OpenAI,
  page: { limit: number; after?: string | null },
  signal?: AbortSignal,
  schemas: BatchSchemas = OPENAI_BATCH_SCHEMAS,
): Promise<BatchListPage> {
  const body = await call(signal, (options) =>
    openai.get('/batches', {
      query: { limit: page.limit, ...(page.after ? { after: page.after } : {}) },
      ...options,
    }),
  );
  return parseResponse(schemas.page, body, 'a list of batches');
}

/** `DELETE /v1/files/{id}`. */
export async function removeFile(openai: OpenAI, fileId: string, signal?: AbortSignal): Promise<void> {
  await call(signal, (options) => openai.files.delete(fileId, options));
}
