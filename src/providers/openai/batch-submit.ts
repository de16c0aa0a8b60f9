/**
 * The calls a resubmission makes (retrieve the old batch, list batches, upload a file, create a
 * batch), each answer validated with the API's schema and each error classified by the one
 * classifier (errors.ts). Outside Temporal the classified failure is rethrown as a plain error
 * carrying its message (what happened and what to do), its type and whether a retry may help.
 */
import type OpenAI from 'openai';
import { toFile } from 'openai';
import fs from 'node:fs';
import { toApplicationFailure } from './errors';
import { parseResponse } from '../malformed';
import { FileObjectSchema, OPENAI_BATCH_SCHEMAS, type Batch, type BatchSchemas } from './schemas';
import { BatchCancelError } from '../../contract/errors';
import type { BatchSubmitter } from '../types';

/** Thrown when an OpenAI call of a resubmission fails; `retryable` says whether running again may help. */
export class OpenAICallError extends BatchCancelError {
  constructor(
    message: string,
    readonly type: string | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'OpenAICallError';
  }
}

async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const failure = toApplicationFailure(err, { action });
    throw new OpenAICallError(failure.message, failure.type ?? undefined, !failure.nonRetryable);
  }
}

/** Reads one batch, validated. */
export function getBatch(
  openai: OpenAI,
  batchId: string,
  schemas: BatchSchemas = OPENAI_BATCH_SCHEMAS,
): Promise<Batch> {
  return call(`read batch ${batchId}`, async () =>
    parseResponse(schemas.batch, await openai.batches.retrieve(batchId), 'a batch'),
  );
}

/**
 * Every batch whose metadata has `key` = `value`, walking the list newest first. The API has no
 * metadata filter, so at most `maxPages` pages of 100 are read.
 */
export async function findBatchesByMetadata(
  openai: OpenAI,
  key: string,
  value: string,
  maxPages = 50,
  schemas: BatchSchemas = OPENAI_BATCH_SCHEMAS,
): Promise<Batch[]> {
  const found: Batch[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const list = await call(`list batches after ${after ?? '(start)'}`, async () =>
      parseResponse(
        schemas.page,
        await openai.get('/batches', { query: { limit: 100, ...(after ? { after } : {}) } }),
        'a list of batches',
      ),
    );
    for (const b of list.data) if (b.metadata?.[key] === value) found.push(b);
    const last = list.data[list.data.length - 1];
    if (!list.has_more || !last) break;
    after = last.id;
  }
  return found;
}

/** Uploads a JSONL file with purpose `batch`; returns its file id. */
export function uploadBatchFile(openai: OpenAI, file: string, name: string): Promise<string> {
  return call(`upload ${name}`, async () => {
    const created = await openai.files.create({
      file: await toFile(fs.createReadStream(file), name),
      purpose: 'batch',
    });
    return parseResponse(FileObjectSchema, created, 'a file').id;
  });
}

/** What a new batch is created from. */
export interface CreateBatchRequest {
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string>;
}

/** Creates a batch, validated. */
export function createBatch(
  openai: OpenAI,
  req: CreateBatchRequest,
  schemas: BatchSchemas = OPENAI_BATCH_SCHEMAS,
): Promise<Batch> {
  return call(`create a batch from ${req.inputFileId}`, async () =>
    parseResponse(
      schemas.batch,
      await openai.batches.create({
        input_file_id: req.inputFileId,
        endpoint: req.endpoint as Parameters<typeof openai.batches.create>[0]['endpoint'],
        completion_window: req.completionWindow as '24h',
        metadata: req.metadata,
      }),
      'a batch',
    ),
  );
}

/** Resubmission's calls (providers/types.ts) on one OpenAI client. */
export function openaiSubmitter(
  openai: OpenAI,
  schemas: BatchSchemas = OPENAI_BATCH_SCHEMAS,
): BatchSubmitter {
  return {
    describe: async (batchId) => {
      const batch = await getBatch(openai, batchId, schemas);
      return { endpoint: batch.endpoint ?? null, completionWindow: batch.completion_window ?? null };
    },
    findByMetadata: async (key, value) =>
      (await findBatchesByMetadata(openai, key, value, undefined, schemas)).map((b) => ({
        id: b.id,
        metadata: b.metadata ?? null,
      })),
    submit: async (req) => {
      const inputFileId = await uploadBatchFile(openai, req.path, req.name);
      const created = await createBatch(
        openai,
        {
          inputFileId,
          endpoint: req.endpoint,
          completionWindow: req.completionWindow,
          metadata: req.metadata,
        },
        schemas,
      );
      return created.id;
    },
  };
}
