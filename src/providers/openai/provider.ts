/** OpenAI's Batch API behind the port (providers/types.ts): one SDK client, one project. */
import type OpenAI from 'openai';
import type { BatchProvider } from '../types';
import { openaiSubmitter } from './batch-submit';
import { fetchBatch, fetchBatchesPage, postCancel, removeFile } from './batch-api';
import { isConflict, isNotFound, toApplicationFailure } from './errors';
import { download } from './file-download';
import { inputLine, recoverCustomId, recoverResult, resultLine } from './result-lines';
import { toSnapshot } from './snapshot';

/** The provider of the batches an OpenAI client (built by `createOpenAIClient`) can reach. */
export function openaiProvider(openai: OpenAI): BatchProvider {
  return {
    name: 'openai',
    retrieve: async (batchId, signal) => toSnapshot(await fetchBatch(openai, batchId, signal)),
    cancel: async (batchId, signal) => {
      try {
        return toSnapshot(await postCancel(openai, batchId, signal));
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
  };
}
