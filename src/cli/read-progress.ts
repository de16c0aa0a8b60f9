/**
 * What a cancellation looks like now, whether it runs or has finished. A running workflow answers
 * the `progress` query; a finished one is read from its result, so no worker needs to be up.
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import {
  awaitCancellationResult,
  batchRefOf,
  getCancellationHandle,
  type BatchRef,
} from '../client/cancellations';
import { accountField } from '../contract/account';
import { progressWithLiveWait } from '../client/live-progress';
import type { CancelProgress, FailingWorkflowTask } from '../contract/progress';
import type { CancelBatchResult } from '../contract/results';
import { cancellationFailed, failureReason } from './errors';
import { operatorStopText } from './operator-stop';

export interface ProgressView {
  batchId: string;
  /** Absent for the default account. */
  account?: string;
  workflowId: string;
  /** RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  workflowStatus: string;
  /** Null when the workflow closed without a result (failed, terminated, timed out). */
  progress: CancelProgress | null;
  /** Set once the workflow completed. */
  result?: CancelBatchResult;
  /** One line saying why it failed, when it did. */
  failure?: string;
  /** The pending workflow task, when it has failed (or timed out) and is being tried again. */
  workflowTask?: FailingWorkflowTask;
}

export function progressFromResult(r: CancelBatchResult): CancelProgress {
  return {
    batchId: r.batchId,
    ...(r.account ? { account: r.account } : {}),
    phase: 'done',
    batch: r.batch,
    polls: r.polls,
    startedAt: r.timings.startedAt,
    lastReadAt: r.timings.terminalSeenAt,
    nextCheckInBy: null,
    cancelOutcome: r.cancelOutcome,
    results: r.results,
  };
}

/** Throws WorkflowNotFoundError when there is no cancellation for the batch. */
export async function readProgress(client: Client, ref: BatchRef): Promise<ProgressView> {
  const { batchId, account } = batchRefOf(ref);
  const handle = getCancellationHandle(client, ref);
  const description = await handle.describe();
  const base = {
    batchId,
    ...accountField(account),
    workflowId: handle.workflowId,
    workflowStatus: description.status.name,
  };
  if (description.status.name === 'RUNNING') {
    const progress = await progressWithLiveWait(client, handle, description);
    return { ...base, progress, ...(progress.workflowTask ? { workflowTask: progress.workflowTask } : {}) };
  }
  if (description.status.name === 'COMPLETED') {
    const result = await awaitCancellationResult(client, ref);
    return { ...base, progress: progressFromResult(result), result };
  }
  try {
    await handle.result();
    return { ...base, progress: null };
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const stopped = operatorStopText(
        batchId,
        description,
        err.cause ? failureReason(err) : undefined,
        account,
      );
      return { ...base, progress: null, failure: stopped ?? cancellationFailed(batchId, err).message };
    }
    throw err;
  }
}

/** True once nothing about the cancellation will change any more. */
export function isFinished(view: ProgressView): boolean {
  return view.workflowStatus !== 'RUNNING';
}
