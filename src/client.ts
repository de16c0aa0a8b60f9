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
import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowHandle,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { CancelBatchInputSchema, describeZodError, type CancelBatchInput } from './shared/cancel-input';
import { batchIdFromWorkflowId, cancelWorkflowId, DEFAULT_TASK_QUEUE } from './shared/constants';
import { progressQuery, refreshUpdate, type BatchSnapshot, type CancelProgress } from './shared/progress';
import type { CancelBatchResult } from './shared/results';
import { OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from './shared/search-attributes';
import type { cancelBatchWorkflow } from './workflows/cancel-batch';
import type { BatchStatus } from './shared/batch-status';

/** Handle of one `cancelBatchWorkflow` run: `result()`, `query(progressQuery)`, `describe()`. */
export type CancelHandle = WorkflowHandle<typeof cancelBatchWorkflow>;

/** Thrown when the input is invalid before anything is started; names each bad field. */
export class InvalidCancelInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCancelInputError';
  }
}

/** Options of `startBatchCancellation`. */
export interface StartOptions {
  /** @default 'openai-batch-cancel' (or TEMPORAL_TASK_QUEUE for the worker) */
  taskQueue?: string;
  /**
   * Start a new run even if a finished one exists for this batch (e.g. to collect again).
   * A running one is always reused. @default false
   */
  rerunIfFinished?: boolean;
}

/**
 * Starts `cancelBatchWorkflow` for a batch, or returns the handle of the one already running
 * (or finished, unless `rerunIfFinished`). The workflow id is `cancel-batch:<batchId>`.
 */
export async function startBatchCancellation(
  client: Client,
  input: CancelBatchInput,
  opts: StartOptions = {},
): Promise<CancelHandle> {
  const parsed = CancelBatchInputSchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidCancelInputError(`invalid cancellation input: ${describeZodError(parsed.error)}`);
  const { batchId } = parsed.data;
  const workflowId = cancelWorkflowId(batchId);
  try {
    return await client.workflow.start<typeof cancelBatchWorkflow>('cancelBatchWorkflow', {
      taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: opts.rerunIfFinished ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: OPENAI_BATCH_ID, value: batchId },
        { key: OPENAI_BATCH_STATUS, value: 'unknown' },
      ]),
      staticSummary: `Cancel OpenAI batch \`${batchId}\` and collect its partial results`,
      staticDetails: [
        `**Batch** \`${batchId}\``,
        input.reason ? `**Reason** ${input.reason}` : '',
        `**Collect results** ${parsed.data.collectResults}`,
        `**Max wait** ${Math.round(parsed.data.maxWait / 60_000)} min`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(workflowId);
    throw err;
  }
}

/** The handle of the cancellation of `batchId` (workflow id `cancel-batch:<batchId>`); no server call. */
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

/** One row of `listCancellations`. */
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
