import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { toApplicationFailure } from '../openai/errors';
import { BatchListPageSchema } from '../openai/schemas';
import { describeZodError } from '../shared/cancel-input';
import type { BatchSummary } from '../shared/cleanup-policy';
import { FailureType } from '../shared/failure-types';
import type { ActivityDeps } from './deps';

export interface ListBatchesPageInput {
  /** Cursor: the last batch id of the previous page; omitted for the first page. */
  after?: string | null;
  /** 1..100. */
  limit: number;
  /** Metadata keys to keep in each summary; the rest is dropped. */
  metadataKeys?: string[];
}

export interface ListBatchesPageResult {
  batches: BatchSummary[];
  hasMore: boolean;
  /** Cursor for the next page, or null when the page was empty. */
  lastId: string | null;
}

/**
 * One page of `GET /v1/batches`, newest first, reduced to small summaries so whole pages of batch
 * objects never enter workflow history. 5xx and network errors are retried by the activity's
 * retry policy (classified by `toApplicationFailure`).
 */
export function makeListBatchesPage(deps: ActivityDeps) {
  return async function listBatchesPage(input: ListBatchesPageInput): Promise<ListBatchesPageResult> {
    const signal = Context.current().cancellationSignal;
    const action = `list batches after ${input.after ?? '(start)'}`;
    let page;
    try {
      page = await deps.openai.batches.list(
        { limit: input.limit, ...(input.after ? { after: input.after } : {}) },
        { signal },
      );
    } catch (err) {
      throw toApplicationFailure(err, { action });
    }
    const parsed = BatchListPageSchema.safeParse({
      object: 'list',
      data: page.data,
      has_more: page.has_more,
    });
    if (!parsed.success) {
      throw ApplicationFailure.retryable(
        `${action}: the API returned a list page that does not match the documented shape (${describeZodError(parsed.error)})`,
        FailureType.UnexpectedResponse,
      );
    }
    const keys = input.metadataKeys ?? [];
    const batches = parsed.data.data.map((b) => {
      const metadata: Record<string, string> = {};
      for (const key of keys) {
        const value = b.metadata?.[key];
        if (value !== undefined) metadata[key] = value;
      }
      return { id: b.id, status: b.status, createdAt: b.created_at, metadata };
    });
    return {
      batches,
      hasMore: parsed.data.has_more,
      lastId: batches[batches.length - 1]?.id ?? null,
    };
  };
}
