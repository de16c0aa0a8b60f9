/** OpenAI's Batch API behind the port (providers/types.ts): one SDK client, one project. */
import type OpenAI from 'openai';
import type { BatchProvider } from '../types';
import { OpenAIBatchIdSchema } from './batch-id';
import { openaiSubmitter } from './batch-submit';
import { fetchBatch, fetchBatchesPage, postCancel, removeFile } from './batch-api';
import { isConflict, isNotFound, toApplicationFailure } from './errors';
import { download } from './file-download';
import { inputLine, recoverCustomId, recoverResult, resultLine } from './result-lines';
import { toSnapshot } from './snapshot';
import { DEFAULT_ACCOUNT } from '../../contract/account';
import { meaningOf } from './status';
import { OPENAI_BATCH_SCHEMAS, type BatchSchemas } from './schemas';

/** Which API of the OpenAI family a client reaches: its name in logs and summaries, its spelling. */
export interface OpenAIDialect {
  name: string;
  schemas: BatchSchemas;
}

/** OpenAI's own Batch API. */
export const OPENAI_DIALECT: OpenAIDialect = { name: 'openai', schemas: OPENAI_BATCH_SCHEMAS };

/**
 * The provider of the batches an OpenAI client (built by `createOpenAIClient`, or an AzureOpenAI
 * client with the Azure dialect) can reach.
 * @param account names the account (project) in the snapshots; `default` unless configured.
 */
export function openaiProvider(
  openai: OpenAI,
  account: string = DEFAULT_ACCOUNT,
  dialect: OpenAIDialect = OPENAI_DIALECT,
): BatchProvider {
  const { schemas } = dialect;
  return {
    name: dialect.name,
    retrieve: async (batchId, signal) =>
      toSnapshot(await fetchBatch(openai, batchId, signal, schemas), account, dialect.name),
    cancel: async (batchId, signal) => {
      try {
        return toSnapshot(await postCancel(openai, batchId, signal, schemas), account, dialect.name);
      } catch (err) {
        // The cancel endpoint's 409: the batch is already finished.
        if (isConflict(err)) return null;
        throw err;
      }
    },
    listPage: async (page, signal) => {
      const listed = await fetchBatchesPage(openai, page, signal, schemas);
      return {
        batches: listed.data.map((b) => ({
          id: b.id,
          status: b.status,
          ...meaningOf(b.status),
          createdAt: b.created_at,
          metadata: b.metadata ?? null,
        })),
        hasMore: listed.has_more,
      };
    },
    openFile: (fileId, signal) => download(openai, fileId, signal),
    deleteFile: async (fileId, signal) => {
      try {
        await removeFile(openai, fileId, signal);
        return 'deleted';
      } catch (err) {
        if (isNotFound(err)) return 'missing';
        throw err;
      }
    },
    isNotFound,
    classifyError:
      account === DEFAULT_ACCOUNT
        ? toApplicationFailure
        : (err, ctx) => toApplicationFailure(err, { ...ctx, account }),
    resultLine,
    inputLine,
    recoverResult,
    recoverCustomId,
    submitter: openaiSubmitter(openai, schemas),
    batchId: OpenAIBatchIdSchema,
  };
}
