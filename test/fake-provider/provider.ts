/**
 * The fake batch API (api.ts) behind the product's port, as a provider folder would implement it:
 * its states mapped to phases and outcomes, its result lines classified, its errors typed.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import {
  requestCounts,
  type BatchOutcome,
  type BatchPhase,
  type BatchSnapshot,
} from '../../src/contract/batch-snapshot';
import { FailureType } from '../../src/contract/failure-types';
import type { BatchProvider, ClassifiedResult, ProviderDefinition } from '../../src/providers/types';
import { FakeApiError, type FakeBatchApi, type Job, type JobState } from './api';

const MEANING: Record<JobState, { phase: BatchPhase; outcome: BatchOutcome | null }> = {
  QUEUED: { phase: 'running', outcome: null },
  RUNNING: { phase: 'running', outcome: null },
  STOPPING: { phase: 'cancelling', outcome: null },
  STOPPED: { phase: 'terminal', outcome: 'cancelled' },
  FINISHED: { phase: 'terminal', outcome: 'completed' },
};

function snapshotOf(job: Job, account: string): BatchSnapshot {
  const { phase, outcome } = MEANING[job.state];
  const ok = job.items.filter((i) => i.done === 'ok').length;
  const failed = job.items.filter((i) => i.done === 'error').length;
  return {
    provider: 'fake',
    account,
    id: job.jobId,
    status: job.state,
    phase,
    outcome,
    requestCounts: requestCounts({ total: job.items.length, succeeded: ok, failed }),
    resultRefs: { output: job.resultBlob, errors: null, input: job.inputBlob },
    createdAt: job.createdSec,
    endedAt: job.stoppedSec,
    errors: null,
    usage: null,
  };
}

const ResultLineSchema = z
  .discriminatedUnion('result', [
    z.object({
      key: z.string().min(1),
      result: z.literal('ok'),
      text: z.string(),
      engine: z.string(),
      tokens: z.object({ in: z.number().int(), out: z.number().int() }),
    }),
    z.object({ key: z.string().min(1), result: z.literal('error'), reason: z.string() }),
    z.object({ key: z.string().min(1), result: z.literal('not_run') }),
  ])
  .transform((line): ClassifiedResult =>
    line.result === 'ok'
      ? {
          customId: line.key,
          disposition: 'succeeded',
          failureCode: null,
          model: line.engine,
          tokens: {
            inputTokens: line.tokens.in,
            cachedInputTokens: 0,
            outputTokens: line.tokens.out,
            reasoningTokens: 0,
          },
        }
      : line.result === 'error'
        ? {
            customId: line.key,
            disposition: 'permanent',
            failureCode: line.reason,
            model: null,
            tokens: null,
          }
        : { customId: line.key, disposition: 'retriable', failureCode: 'not_run', model: null, tokens: null },
  );

/** What a fake job id looks like. */
const JobIdSchema = z.string().regex(/^job-[0-9]+$/, 'must look like job-42');

const KEY = /"key"\s*:\s*"([^"\\]+)"/;

async function* chunksOf(bytes: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 1024) yield bytes.subarray(i, i + 1024);
}

export function fakeProvider(api: FakeBatchApi, account = 'default'): BatchProvider {
  const notFound = (err: unknown) => err instanceof FakeApiError && err.status === 404;
  return {
    name: 'fake',
    retrieve: async (id) => snapshotOf(await api.getJob(id), account),
    cancel: async (id) => {
      try {
        return snapshotOf(await api.stopJob(id), account);
      } catch (err) {
        if (err instanceof FakeApiError && err.status === 409) return null;
        throw err;
      }
    },
    listPage: async ({ limit, after }) => {
      const page = await api.listJobs(after, limit);
      return {
        batches: page.jobs.map((j) => ({
          id: j.jobId,
          status: j.state,
          ...MEANING[j.state],
          createdAt: j.createdSec,
          metadata: j.labels,
        })),
        hasMore: page.more,
      };
    },
    openFile: async (ref) => {
      const bytes = await api.readBlob(ref);
      return { body: chunksOf(bytes), expectedBytes: bytes.length, encoding: null };
    },
    deleteFile: async (ref) => {
      try {
        await api.deleteBlob(ref);
        return 'deleted';
      } catch (err) {
        if (notFound(err)) return 'missing';
        throw err;
      }
    },
    isNotFound: notFound,
    classifyError: (err, ctx) => {
      if (err instanceof ApplicationFailure) return err;
      if (notFound(err))
        return ApplicationFailure.nonRetryable(
          `${ctx.action}: the fake API has no such job`,
          FailureType.NotFound,
        );
      return ApplicationFailure.retryable(`${ctx.action}: ${String(err)}; retrying`, FailureType.Transient);
    },
    resultLine: ResultLineSchema,
    inputLine: z.object({ key: z.string().min(1) }).transform((l) => ({ customId: l.key })),
    recoverResult: (raw) => {
      const key = KEY.exec(raw.toString('utf8'))?.[1];
      return key ? { customId: key, disposition: 'unresolved' } : undefined;
    },
    recoverCustomId: (raw) => KEY.exec(raw.toString('utf8'))?.[1],
    batchId: JobIdSchema,
  };
}

/** The fake APIs a definition can reach, by the name FAKE_BATCH_API gives. */
const apis = new Map<string, FakeBatchApi>();

export function serveFakeApi(name: string, api: FakeBatchApi): void {
  apis.set(name, api);
}

/** Registered like a real provider: BATCH_PROVIDER=fake, FAKE_BATCH_API names the instance. */
export const fakeDefinition: ProviderDefinition = {
  name: 'fake',
  batchId: JobIdSchema,
  meaningOf: (status) => MEANING[status as JobState],
  fromEnv: (env, account) => {
    const api = apis.get(env.FAKE_BATCH_API ?? '');
    if (!api) throw new Error(`FAKE_BATCH_API: no fake API named ${JSON.stringify(env.FAKE_BATCH_API)}`);
    return fakeProvider(api, account);
  },
};
