import { Context } from '@temporalio/activity';
import type { ListedPage } from '../providers/types';
import type { BatchSummary } from '../contract/cleanup-policy';
import { classifyApiError } from './classify';
import { providerOf, type ActivityDeps } from './deps';
import { readWellFormed } from './malformed-response';

export interface ListBatchesPageInput {
  /** Cursor: the last batch id of the previous page; omitted for the first page. */
  after?: string | null;
  /** The account whose batches to list. @default 'default' */
  account?: string;
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
 * One page of the account's batches (OpenAI: `GET /v1/batches`), newest first, reduced to small summaries so whole pages of batch
 * objects never enter workflow history. 5xx and network errors are retried by the activity's
 * retry policy (classified, and counted in metrics, by `classifyApiError`); a page that is not a list is read again a
 * bounded number of times, then fails the cleanup.
 */
export function makeListBatchesPage(deps: ActivityDeps) {
  return async function listBatchesPage(input: ListBatchesPageInput): Promise<ListBatchesPageResult> {
    // Final: the cleanup asked nothing of any API yet, and its next scheduled run tries again.
    const provider = providerOf(deps, input.account, true);
    const signal = Context.current().cancellationSignal;
    const action = `list batches after ${input.after ?? '(start)'}`;
    let page: ListedPage;
    try {
      page = await readWellFormed(
        'a list of batches',
        () => provider.listPage({ limit: input.limit, after: input.after ?? null }, signal),
        signal,
      );
    } catch (err) {
      throw classifyApiError(provider, err, { action });
    }
    const keys = input.metadataKeys ?? [];
    const batches = page.batches.map((b) => {
      const metadata: Record<string, string> = {};
      for (const key of keys) {
        const value = b.metadata?.[key];
        if (value !== undefined) metadata[key] = value;
      }
      return {
        id: b.id,
        status: b.status,
        phase: b.phase,
        outcome: b.outcome,
        createdAt: b.createdAt,
        metadata,
      };
    });
    return {
      batches,
      hasMore: page.hasMore,
      lastId: batches[batches.length - 1]?.id ?? null,
    };
  };
}
