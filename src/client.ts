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
import { batchIdFromWorkflowId, cancelWorkflowId } from './shared/constants';
import { progressQuery, refreshUpdate, type BatchSnapshot, type CancelProgress } from './shared/progress';
import type { CancelBatchResult } from './shared/results';
import { OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from './shared/search-attributes';
import type { BatchStatus } from './shared/batch-status';
import type { CancelBatchInput } from './shared/cancel-input';
import type { CancelHandle } from './start-cancellation';

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

export function getCancellationHandle(client: Client, batchId: string): CancelHandle {
  return client.workflow.getHandle(cancelWorkflowId(batchId));
}

/** The live progress snapshot (works on running and finished workflows). */
export async function getCancellationProgress(client: Client, batchId: string): Promise<CancelProgress> {
  return getCancellationHandle(client, batchId).query(progressQuery);
}

/** Reads the batch now, bypassing the poll schedule. */
export async function refreshCancellation(client: Client, batchId: string): Promise<BatchSnapshot> {
  return getCancellationHandle(client, batchId).executeUpdate(refreshUpdate);
}

/** Waits for and returns the result; throws WorkflowFailedError if the cancellation failed. */
export async function awaitCancellationResult(client: Client, batchId: string): Promise<CancelBatchResult> {
  return getCancellationHandle(client, batchId).result();
}

/** Stops the workflow (not the OpenAI batch cancellation, which cannot be undone). */
export async function stopCancellation(
  client: Client,
  batchId: string,
  reason = 'stopped by request',
): Promise<void> {
  await getCancellationHandle(client, batchId).terminate(reason);
}

export interface CancellationListing {
  batchId: string;
  workflowId: string;
  runId: string;
  workflowStatus: WorkflowExecutionInfo['status']['name'];
  batchStatus: string | undefined;
  startTime: Date;
  closeTime: Date | undefined;
}

/** Recent cancellations, newest first, optionally only those whose batch is in `batchStatus`. */
export async function listCancellations(
  client: Client,
  opts: { batchStatus?: BatchStatus | 'unknown'; limit?: number } = {},
): Promise<CancellationListing[]> {
  const clauses = [`WorkflowType = 'cancelBatchWorkflow'`];
  if (opts.batchStatus) clauses.push(`${OPENAI_BATCH_STATUS.name} = '${opts.batchStatus}'`);
  const out: CancellationListing[] = [];
  const limit = opts.limit ?? 100;
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const batchId = wf.typedSearchAttributes.get(OPENAI_BATCH_ID) ?? batchIdFromWorkflowId(wf.workflowId);
    if (!batchId) continue;
    out.push({
      batchId,
      workflowId: wf.workflowId,
      runId: wf.runId,
      workflowStatus: wf.status.name,
      batchStatus: wf.typedSearchAttributes.get(OPENAI_BATCH_STATUS),
      startTime: wf.startTime,
      closeTime: wf.closeTime,
    });
    if (out.length >= limit) break;
  }
  return out;
}

export type { CancelBatchInput, CancelBatchResult, CancelProgress, BatchSnapshot };

export {
  DEFAULT_CLEANUP_SCHEDULE_ID,
  InvalidScheduleError,
  upsertCleanupSchedule,
  describeCleanupSchedule,
  pauseCleanupSchedule,
  unpauseCleanupSchedule,
  triggerCleanupSchedule,
  deleteCleanupSchedule,
  type CleanupScheduleOptions,
  type CleanupScheduleInfo,
  type UpsertResult,
} from './schedule';
export type { CleanupPolicyInput, CleanupSummary } from './shared/cleanup-policy';
