/**
 * Anthropic's Message Batches API behind the port (providers/types.ts). Every answer is validated
 * (schemas.ts) before anything trusts it; errors go up unchanged for errors.ts to classify.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_ACCOUNT } from '../../contract/account';
import { FailureType } from '../../contract/failure-types';
import { asMalformed, parseResponse } from '../malformed';
import { withLinkedSignal } from '../openai/linked-signal';
import type { BatchProvider, FileContent } from '../types';
import { AnthropicBatchIdSchema } from './batch-id';
import { isNotFound, isRefusal, toApplicationFailure } from './errors';
import { inputLine, recoverCustomId, recoverResult, resultLine } from './result-lines';
import { MessageBatchPageSchema, MessageBatchSchema, type MessageBatch } from './schemas';
import { ANTHROPIC, toSnapshot } from './snapshot';
import { meaningOfBatch } from './status';

const BATCHES = '/v1/messages/batches';

function call<T>(
  signal: AbortSignal | undefined,
  request: (o: { signal?: AbortSignal }) => Promise<T>,
): Promise<T> {
  if (!signal) return request({});
  return withLinkedSignal(signal, (own) => request({ signal: own }));
}

async function parsed<T>(work: () => Promise<unknown>, parse: (v: unknown) => T): Promise<T> {
  let value: unknown;
  try {
    value = await work();
  } catch (err) {
    throw asMalformed(err) ?? err;
  }
  return parse(value);
}

const parseBatch = (v: unknown): MessageBatch => parseResponse(MessageBatchSchema, v, 'a Message Batch');

export function anthropicProvider(client: Anthropic, account: string): BatchProvider {
  const retrieveBatch = (batchId: string, signal?: AbortSignal) =>
    parsed(() => call(signal, (o) => client.get(`${BATCHES}/${batchId}`, o)), parseBatch);

  return {
    name: ANTHROPIC,
    retrieve: async (batchId, signal) => toSnapshot(await retrieveBatch(batchId, signal), account),
    cancel: async (batchId, signal) => {
      try {
        return toSnapshot(
          await parsed(() => call(signal, (o) => client.post(`${BATCHES}/${batchId}/cancel`, o)), parseBatch),
          account,
        );
      } catch (err) {
        // What cancelling an ended batch answers is not documented: its status decides, not the 4xx.
        if (!isRefusal(err)) throw err;
        const batch = await retrieveBatch(batchId, signal);
        if (meaningOfBatch(batch).phase === 'terminal') return null;
        throw err;
      }
    },
    listPage: async (page, signal) => {
      const listed = await parsed(
        () =>
          call(signal, (o) =>
            client.get(BATCHES, {
              ...o,
              query: { limit: page.limit, ...(page.after ? { after_id: page.after } : {}) },
            }),
          ),
        (v) => parseResponse(MessageBatchPageSchema, v, 'a page of Message Batches'),
      );
      return {
        batches: listed.data.map((b) => ({
          id: b.id,
          status: b.processing_status,
          ...meaningOfBatch(b),
          createdAt: Math.floor(Date.parse(b.created_at) / 1000),
          metadata: null,
        })),
        hasMore: listed.has_more,
      };
    },
    openFile: async (ref, signal): Promise<FileContent> => {
      // `ref` is the batch's own results_url (snapshot.ts): read from the batch, never built.
      let res: Response;
      try {
        res = await client.get(ref, { headers: { Accept: 'application/binary' }, signal }).asResponse();
      } catch (err) {
        if (isNotFound(err))
          throw ApplicationFailure.nonRetryable(
            `the results at ${ref} are gone (404): Anthropic serves a batch's results for 29 days after its creation, then archives them. Nothing can be collected; retrying will not bring them back.`,
            FailureType.NotFound,
          );
        throw err;
      }
      if (!res.body)
        throw ApplicationFailure.retryable(
          `the results at ${ref} came back without a body`,
          FailureType.Transient,
        );
      const raw = res.headers.get('content-encoding')?.trim().toLowerCase() ?? '';
      const encoding = raw === '' || raw === 'identity' ? null : raw;
      const length = res.headers.get('content-length');
      return {
        body: res.body as AsyncIterable<Uint8Array>,
        expectedBytes: length && encoding === null ? Number(length) : undefined,
        encoding,
      };
    },
    deleteFile: () => {
      // The port's files are OpenAI's; a Message Batch keeps its results with itself and has none.
      throw ApplicationFailure.nonRetryable(
        'Anthropic keeps no files: a Message Batch holds its results until it is archived (29 days). Start the cancellation without deleteFiles.',
        FailureType.InvalidInput,
      );
    },
    isNotFound,
    classifyError: (err, ctx) =>
      toApplicationFailure(err, account === DEFAULT_ACCOUNT ? ctx : { ...ctx, account }),
    resultLine,
    inputLine,
    recoverResult,
    recoverCustomId,
    batchId: AnthropicBatchIdSchema,
  };
}
