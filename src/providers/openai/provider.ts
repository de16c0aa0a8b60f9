/** OpenAI's Batch API behind the port (providers/types.ts): one SDK client, one project. */
import type OpenAI from 'openai';
import type { BatchProvider } from '../types';
import { OpenAIBatchIdSchema } from './batch-id';
import { openaiSubmitter } from './batch-submit';
import { fetchBatch, fetchBatchesPage, postCancel, removeFile } from './batch-api';
import { isConflict, isNotFound, toApplicationFailure } from './errors';
import { download } from './file-download';
import { inputLine, recoverCustomId, recoverResult, resultLine } from './result-lines';
import { DEFAULT_ACCOUNT, toSnapshot } from './snapshot';
import { meaningOf } from './status';

/**
 * The provider of the batches an OpenAI client (built by `createOpenAIClient`) can reach.
 * @param account names the account (project) in the snapshots; `default` unless configured.
 */
export function openaiProvider(openai: OpenAI, account: string = DEFAULT_ACCOUNT): BatchProvider {
  return {
    name: 'openai',
    retrieve: async (batchId, signal) => toSnapshot(await fetchBatch(openai, batchId, signal), account),
    cancel: async (batchId, signal) => {
      try {
        return toSnapshot(await postCancel(openai, batchId, signal), account);
      } catch (err) {
        // The cancel endpoint's 409: the batch is already finished.
        if (isConflict(err)) return null;
        throw err;
      }
    },
    listPage: async (page, signal) => {
      const listed = await fetchBatchesPage(openai, page, signal);
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
    classifyError: toApplicationFailure,
    resultLine,
    inputLine,
    recoverResult,
    recoverCustomId,
    submitter: openaiSubmitter(openai),
    batchId: OpenAIBatchIdSchema,
  };
}
