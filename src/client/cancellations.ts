/**
 * Typed API for backend systems: start a cancellation (idempotent), read its progress, await its
 * result, stop it, list recent ones.
 *
 * @example
 * ```ts
 * const client = new Client({ connection: await Connection.connect({ address: 'localhost:7233' }) });
 * const handle = await startBatchCancellation(client, { batchId: 'batch_abc123' });
 * console.log(await getCancellationProgress(client, 'batch_abc123'));
 * const result = await handle.result();   // CancelBatchResult
 * ```
 */
import { type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { cancelWorkflowId, parseCancelWorkflowId, WORKFLOW_TYPES } from '../contract/constants';
import { ACCOUNT_NAME_PATTERN, accountOf, DEFAULT_ACCOUNT, isDefaultAccount } from '../contract/account';
import { refreshUpdate, type BatchSnapshot, type CancelProgress } from '../contract/progress';
import type { CancelBatchResult } from '../contract/results';
import { requestCounts, type RequestCounts } from '../contract/batch-snapshot';
import {
  OPENAI_BATCH_ACCOUNT,
  OPENAI_BATCH_ID,
  OPENAI_BATCH_REQUESTS_COMPLETED,
  OPENAI_BATCH_REQUESTS_FAILED,
  OPENAI_BATCH_REQUESTS_TOTAL,
  OPENAI_BATCH_STATUS,
  OPENAI_BATCH_STUCK,
} from '../contract/search-attributes';
import { progressWithLiveWait } from './live-progress';
import { withFailingTasks } from './workflow-task-health';
import type { FailingWorkflowTask } from '../contract/progress';
import type { CancelBatchInput } from '../contract/cancel-input';
import { InvalidCancelInputError, type CancelHandle } from './start-cancellation';

export {
  InvalidCancelInputError,
  startBatchCancellation,
  type CancelHandle,
  type CancellationStart,
  type PreviousRun,
  type StartedCancellation,
  type StartOptions,
  type StartOutcome,
} from './start-cancellation';

/**
 * Which cancellation: a batch id (of the default account), or a batch id and its account (the
 * same batch id in two accounts is two cancellations).
 */
export type BatchRef = string | { batchId: string; account?: string | undefined };

/** The batch id and account a reference names (the default account when it names none). */
export function batchRefOf(ref: BatchRef): { batchId: string; account: string } {
  return typeof ref === 'string'
    ? { batchId: ref, account: DEFAULT_ACCOUNT }
    : { batchId: ref.batchId, account: accountOf(ref) };
}

/**
 * The handle of a batch's cancellation (workflow id `cancel-batch:<batchId>`, or
 * `cancel-batch:<account>:<batchId>` for another account); no server call.
 */
export function getCancellationHandle(client: Client, ref: BatchRef): CancelHandle {
  const { batchId, account } = batchRefOf(ref);
  return client.workflow.getHandle(cancelWorkflowId(batchId, account));
}

/**
 * The live progress snapshot (works on running and finished workflows). While the batch is
 * awaited, the wait's latest read (its heartbeat) is merged in: `batch` shows each change within a
 * second, and `polls` and `lastReadAt` are at most 10 s behind the last read, instead of as of the
 * last check-in.
 */
export async function getCancellationProgress(client: Client, ref: BatchRef): Promise<CancelProgress> {
  return progressWithLiveWait(client, getCancellationHandle(client, ref));
}

/** Reads the batch now, bypassing the poll schedule. */
export async function refreshCancellation(client: Client, ref: BatchRef): Promise<BatchSnapshot> {
  return getCancellationHandle(client, ref).executeUpdate(refreshUpdate);
}

/** Waits for and returns the result; throws WorkflowFailedError if the cancellation failed. */
export async function awaitCancellationResult(client: Client, ref: BatchRef): Promise<CancelBatchResult> {
  return getCancellationHandle(client, ref).result();
}

/** Stops the workflow (not the OpenAI batch cancellation, which cannot be undone). */
export async function stopCancellation(
  client: Client,
  ref: BatchRef,
  reason = 'stopped by request',
): Promise<void> {
  await getCancellationHandle(client, ref).terminate(reason);
}

/** One row of `listCancellations`. */
export interface CancellationListing {
  batchId: string;
  /** The batch's account (`default` for the default account's). */
  account: string;
  workflowId: string;
  runId: string;
  workflowStatus: WorkflowExecutionInfo['status']['name'];
  batchStatus: string | undefined;
  startTime: Date;
  closeTime: Date | undefined;
  /** Marked stuck at a check-in (`OpenAIBatchStuck`); false when never marked. */
  stuck: boolean;
  /** Counts as of the last check-in; undefined for runs that predate the numeric attributes. */
  requestCounts: RequestCounts | undefined;
  /** A running one's workflow task, when it has failed and is being tried again (not "waiting"). */
  workflowTask?: FailingWorkflowTask;
}

export interface ListCancellationsOptions {
  /** Only those of this account (`default`: those naming none). */
  account?: string;
  /** Only those whose batch was last seen in this status (the provider's word, e.g. `cancelling`). */
  batchStatus?: string;
  /** Only running cancellations marked stuck. */
  stuck?: boolean;
  /** Only those started at least this many ms ago. */
  olderThanMs?: number;
  /** @default 100 */
  limit?: number;
  /** "Now" for `olderThanMs`. @default Date.now() */
  now?: number;
}

/** What a provider's status word looks like: it goes into a visibility query, so nothing else may. */
export const STATUS_WORD = /^[A-Za-z][A-Za-z_-]{0,63}$/;

/** Recent cancellations, newest first, filtered by batch status, stuck marker and age. */
export async function listCancellations(
  client: Client,
  opts: ListCancellationsOptions = {},
): Promise<CancellationListing[]> {
  // A long wait continues as new: only the latest run of each cancellation is listed.
  const clauses = [`WorkflowType = '${WORKFLOW_TYPES.cancelBatch}'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (opts.batchStatus !== undefined && !STATUS_WORD.test(opts.batchStatus))
    throw new InvalidCancelInputError(
      `batchStatus: must be a status word, got ${JSON.stringify(opts.batchStatus)}`,
    );
  if (opts.account !== undefined && !ACCOUNT_NAME_PATTERN.test(opts.account))
    throw new InvalidCancelInputError(
      `account: must be an account name, got ${JSON.stringify(opts.account)}`,
    );
  if (opts.account !== undefined)
    // The default account's runs carry no account attribute.
    clauses.push(
      isDefaultAccount(opts.account)
        ? `(${OPENAI_BATCH_ACCOUNT.name} IS NULL OR ${OPENAI_BATCH_ACCOUNT.name} = '${DEFAULT_ACCOUNT}')`
        : `${OPENAI_BATCH_ACCOUNT.name} = '${opts.account}'`,
    );
  if (opts.batchStatus) clauses.push(`${OPENAI_BATCH_STATUS.name} = '${opts.batchStatus}'`);
  if (opts.stuck) clauses.push(`${OPENAI_BATCH_STUCK.name} = true`, `ExecutionStatus = 'Running'`);
  if (opts.olderThanMs !== undefined) {
    const before = new Date((opts.now ?? Date.now()) - opts.olderThanMs).toISOString();
    clauses.push(`StartTime < '${before}'`);
  }
  const out: CancellationListing[] = [];
  const limit = opts.limit ?? 100;
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const parsed = parseCancelWorkflowId(wf.workflowId);
    const batchId = wf.typedSearchAttributes.get(OPENAI_BATCH_ID) ?? parsed?.batchId;
    if (!batchId) continue;
    const account = wf.typedSearchAttributes.get(OPENAI_BATCH_ACCOUNT) ?? parsed?.account ?? DEFAULT_ACCOUNT;
    // A run another starter began without the attribute, which failed before upserting it, has
    // none: its workflow id still says whose it is.
    if (opts.account !== undefined && account !== opts.account) continue;
    out.push({
      batchId,
      account,
      workflowId: wf.workflowId,
      runId: wf.runId,
      workflowStatus: wf.status.name,
      batchStatus: wf.typedSearchAttributes.get(OPENAI_BATCH_STATUS),
      startTime: wf.startTime,
      closeTime: wf.closeTime,
      stuck: wf.typedSearchAttributes.get(OPENAI_BATCH_STUCK) ?? false,
      requestCounts: countsOf(wf.typedSearchAttributes),
    });
    if (out.length >= limit) break;
  }
  return withFailingTasks(client, out);
}

function countsOf(attrs: TypedSearchAttributes): CancellationListing['requestCounts'] {
  const completed = attrs.get(OPENAI_BATCH_REQUESTS_COMPLETED);
  const failed = attrs.get(OPENAI_BATCH_REQUESTS_FAILED);
  const total = attrs.get(OPENAI_BATCH_REQUESTS_TOTAL);
  if (completed === undefined || failed === undefined || total === undefined) return undefined;
  return requestCounts({ total, succeeded: completed, failed });
}

export type { CancelBatchInput, CancelBatchResult, CancelProgress, BatchSnapshot };

export type { CleanupPolicyInput, CleanupSummary } from '../contract/cleanup-policy';
