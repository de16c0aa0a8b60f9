/**
 * Starting a cancellation: start `cancelBatchWorkflow` for a batch, join the one running, report the
 * one that completed, or start again after a run that ended without an outcome, and say which.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { CancelBatchInputSchema, describeZodError, type CancelBatchInput } from '../contract/cancel-input';
import { cancelWorkflowId, DEFAULT_TASK_QUEUE, WORKFLOW_TYPES } from '../contract/constants';
import type { CancelBatchResult } from '../contract/results';
import { OPENAI_BATCH_ACCOUNT, OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from '../contract/search-attributes';
import { accountOf, isDefaultAccount, unknownAccountMessage } from '../contract/account';
import { explainStartFailure } from './start-failure';
import type { cancelBatchWorkflow } from '../workflows/cancel-batch';
import { BatchCancelError } from '../contract/errors';
import { providerDefinition } from '../providers/registry';

/** The handle of a `cancelBatchWorkflow` run: result, progress query, refresh update, signals. */
export type CancelHandle = WorkflowHandle<typeof cancelBatchWorkflow>;

/** Thrown when the input is invalid before anything is started; names each bad field. */
export class InvalidCancelInputError extends BatchCancelError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCancelInputError';
  }
}

/** How `startBatchCancellation` starts: task queue, and whether to rerun a finished cancellation. */
export interface StartOptions {
  /**
   * The batch API the batch belongs to (a registered provider): its id is checked against that
   * API's form before anything starts. @default 'openai'
   */
  provider?: string;
  /** @default 'openai-batch-cancel' (or TEMPORAL_TASK_QUEUE for the worker) */
  taskQueue?: string;
  /**
   * The accounts the workers serve (their accounts file's names and `default`), when the caller
   * knows them: an input naming another is refused before anything starts. Unset: the worker
   * refuses it instead (the workflow fails at once with `UnknownAccount`).
   */
  accounts?: readonly string[];
  /**
   * Start a new run even if the last one completed (e.g. to collect the results again). A running
   * one is always joined, and a failed, terminated, cancelled or timed-out one is always restarted,
   * with or without this. @default false
   */
  rerunIfFinished?: boolean;
}

/**
 * What `startBatchCancellation` found and did:
 * - `started`: no cancellation existed for the batch; a new run started.
 * - `already-running`: one is running; it was joined, nothing new started.
 * - `already-finished`: the last run completed; nothing started, its result is in `result`.
 * - `restarted-after-failure`: the last run failed, was terminated, cancelled or timed out (e.g.
 *   404, or `MaxWaitExceeded` which says "start again to keep waiting"); a new run started.
 * - `rerun-after-finish`: the last run completed and `rerunIfFinished` asked for a new one.
 */
export type StartOutcome =
  'started' | 'already-running' | 'already-finished' | 'restarted-after-failure' | 'rerun-after-finish';

/** The closed run a new one replaced, or the finished one that was found. */
export interface PreviousRun {
  runId: string;
  status: WorkflowExecutionStatusName;
  /** For a run that did not complete: the innermost cause's message (failure, termination reason). */
  failure?: string;
}

export interface CancellationStart {
  outcome: StartOutcome;
  /** The run now running, or (already-finished) the run that completed. */
  runId: string;
  /** The closed run that was restarted or rerun. */
  previous?: PreviousRun;
  /** The outcome of the run found completed (already-finished only). */
  result?: CancelBatchResult;
}

/** A cancellation's handle plus what starting it found and did. */
export type StartedCancellation = CancelHandle & { readonly start: CancellationStart };

/** Statuses of a closed run that a plain start replaces: it ended without an outcome. */
const RESTARTABLE: ReadonlySet<WorkflowExecutionStatusName> = new Set([
  'FAILED',
  'TERMINATED',
  'CANCELLED',
  'TIMED_OUT',
]);

async function lastRun(client: Client, workflowId: string): Promise<PreviousRun | null> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return { runId: d.runId, status: d.status.name };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** The innermost message of why a closed run did not complete. */
async function failureOf(client: Client, workflowId: string, runId: string): Promise<string | undefined> {
  try {
    await client.workflow.getHandle(workflowId, runId, { followRuns: false }).result();
    return undefined;
  } catch (err) {
    let current: unknown = err;
    while (current instanceof Error && current.cause instanceof Error) current = current.cause;
    return current instanceof Error ? current.message : String(current);
  }
}

function withStart(handle: CancelHandle, start: CancellationStart): StartedCancellation {
  return Object.assign(handle, { start });
}

async function finished(client: Client, workflowId: string, runId: string): Promise<StartedCancellation> {
  const handle: CancelHandle = client.workflow.getHandle(workflowId);
  const result = await client.workflow
    .getHandle<typeof cancelBatchWorkflow>(workflowId, runId, { followRuns: false })
    .result();
  return withStart(handle, { outcome: 'already-finished', runId, result });
}

/**
 * Starts `cancelBatchWorkflow` for a batch, joins the one already running, or reports the one that
 * completed (unless `rerunIfFinished`); a run that failed, was terminated or timed out is started
 * again. `handle.start` says which it was. The workflow id is `cancel-batch:<batchId>`.
 */
export async function startBatchCancellation(
  client: Client,
  input: CancelBatchInput,
  opts: StartOptions = {},
): Promise<StartedCancellation> {
  const parsed = CancelBatchInputSchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidCancelInputError(`invalid cancellation input: ${describeZodError(parsed.error)}`);
  const { batchId, account } = parsed.data;
  const id = providerDefinition(opts.provider).batchId.safeParse(batchId);
  if (!id.success)
    throw new InvalidCancelInputError(`invalid cancellation input: ${describeZodError(id.error, 'batchId')}`);
  if (opts.accounts && !opts.accounts.includes(account))
    throw new InvalidCancelInputError(
      `invalid cancellation input: account: ${unknownAccountMessage(account, opts.accounts)}`,
    );
  const workflowId = cancelWorkflowId(batchId, account);
  const other = !isDefaultAccount(account);
  const rerun = opts.rerunIfFinished ?? false;
  // Read the last run first: the start call alone cannot tell a new run from a joined one.
  const prev = await lastRun(client, workflowId);
  if (prev && !RESTARTABLE.has(prev.status) && prev.status !== 'COMPLETED') {
    return withStart(client.workflow.getHandle(workflowId), {
      outcome: 'already-running',
      runId: prev.runId,
    });
  }
  if (prev?.status === 'COMPLETED' && !rerun) return finished(client, workflowId, prev.runId);
  let handle;
  try {
    handle = await client.workflow.start<typeof cancelBatchWorkflow>(WORKFLOW_TYPES.cancelBatch, {
      taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowId,
      args: [input],
      // Join a running run; replace one that ended without an outcome; keep one that completed.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: rerun ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: OPENAI_BATCH_ID, value: batchId },
        { key: OPENAI_BATCH_STATUS, value: 'unknown' },
        ...(other ? [{ key: OPENAI_BATCH_ACCOUNT, value: account }] : []),
      ]),
      staticSummary: other
        ? `Cancel batch \`${batchId}\` of account \`${account}\` and collect its partial results`
        : `Cancel OpenAI batch \`${batchId}\` and collect its partial results`,
      staticDetails: [
        `**Batch** \`${batchId}\``,
        other ? `**Account** \`${account}\`` : '',
        input.reason ? `**Reason** ${input.reason}` : '',
        `**Collect results** ${parsed.data.collectResults}`,
        `**Max wait** ${Math.round(parsed.data.maxWait / 60_000)} min`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError))
      throw explainStartFailure(err, batchId, client.options.namespace);
    // Another caller's run completed between the read and the start.
    const now = await lastRun(client, workflowId);
    if (!now) throw err;
    return finished(client, workflowId, now.runId);
  }
  const runId = handle.firstExecutionRunId;
  if (!prev) return withStart(handle, { outcome: 'started', runId });
  const previous: PreviousRun = { ...prev };
  if (prev.status !== 'COMPLETED') {
    const failure = await failureOf(client, workflowId, prev.runId);
    if (failure !== undefined) previous.failure = failure;
  }
  return withStart(handle, {
    outcome: prev.status === 'COMPLETED' ? 'rerun-after-finish' : 'restarted-after-failure',
    runId,
    previous,
  });
}

/**
 * Starts the batch's cancellation again only if its last run ended without an outcome (failed,
 * terminated, cancelled or timed out), exactly as `startBatchCancellation` would; null when there
 * is no such run (none at all, one running, or one that completed). The webhook receiver calls it
 * when a terminal event arrives for a batch whose cancellation gave up (e.g. `MaxWaitExceeded`).
 */
export async function restartFailedCancellation(
  client: Client,
  input: CancelBatchInput,
  opts: StartOptions = {},
): Promise<StartedCancellation | null> {
  const prev = await lastRun(client, cancelWorkflowId(input.batchId, accountOf(input)));
  if (!prev || !RESTARTABLE.has(prev.status)) return null;
  return startBatchCancellation(client, input, opts);
}
