/**
 * cleanupChildWorkflow: one batch of a scheduled cleanup. It starts the batch's
 * `cancelBatchWorkflow` (the cancel workflow's own id, ALLOW_DUPLICATE_FAILED_ONLY, ABANDON, so a
 * running or completed cancellation is never doubled), awaits it, deletes its result files when
 * the policy says so, and returns a small outcome. The cancellation's full `CancelBatchResult`
 * (up to ~100 KB for a failed batch) stays in the cancellation's history and this one's; the
 * cleanup's history holds only the outcome, whatever the results' size. Deterministic: no I/O.
 * Also the start options and the deletion rule the cleanup's older runs use.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ChildWorkflowFailure,
  proxyActivities,
  startChild,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CancelBatchInput } from '../contract/cancel-input';
import type { BatchSummary } from '../contract/cleanup-summary';
import { cancelWorkflowId, WORKFLOW_TYPES } from '../contract/constants';
import type { CancelBatchResult } from '../contract/results';
import { OPENAI_BATCH_ACCOUNT, OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from '../contract/search-attributes';
import { isDefaultAccount } from '../contract/account';
import type { cancelBatchWorkflow } from './cancel-batch';
import { deleteFilesOptions } from '../contract/activity-options';

const { deleteFiles } = proxyActivities<Activities>(deleteFilesOptions);

/** What the cleanup does to a batch: request its cancel, or collect an already-terminal one. */
export type CleanupKind = 'cancel' | 'collect';

export interface CleanupChildInput {
  batch: Pick<BatchSummary, 'id' | 'status'>;
  kind: CleanupKind;
  why: string;
  cancelInput: CancelBatchInput;
  deleteFilesAfterCollect: boolean;
}

/** What the cleanup learns about one batch: a few hundred bytes in its history. */
export interface CleanupChildOutcome {
  /** `done`: the cancellation completed; `already-processed`: one ran or completed before. */
  outcome: 'done' | 'already-processed' | 'failed';
  kind: CleanupKind;
  filesDeleted: number;
  /** Why the cancellation or a deletion failed (one line each). */
  errors: string[];
}

export function errorMessage(err: unknown): string {
  if (err instanceof ChildWorkflowFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** How a cleanup starts a batch's cancellation (either path). */
export function cancelChildOptions(
  input: Omit<CleanupChildInput, 'deleteFilesAfterCollect'>,
  workflowIdReusePolicy: ChildWorkflowOptions['workflowIdReusePolicy'],
): ChildWorkflowOptions & { args: [CancelBatchInput] } {
  const { batch, kind, why, cancelInput } = input;
  const account = cancelInput.account;
  return {
    workflowId: cancelWorkflowId(batch.id, account),
    args: [cancelInput],
    workflowIdReusePolicy,
    parentClosePolicy: 'ABANDON',
    typedSearchAttributes: [
      { key: OPENAI_BATCH_ID, value: batch.id },
      { key: OPENAI_BATCH_STATUS, value: batch.status },
      ...(isDefaultAccount(account) ? [] : [{ key: OPENAI_BATCH_ACCOUNT, value: account }]),
    ],
    staticSummary: `Cleanup: ${kind} OpenAI batch \`${batch.id}\` (${why})`,
  };
}

/**
 * The result files a cleanup may delete after collecting. A source that produced quarantined
 * lines is the only full copy of those lines: it is kept.
 */
export function deletableResultRefs(result: CancelBatchResult): string[] {
  const r = result.results;
  if (!r) return [];
  const deletable = (id: string | null, written: { quarantined: number } | null): id is string =>
    id !== null && (!written || written.quarantined === 0);
  const { output, errors } = result.batch.resultRefs;
  return [...(deletable(output, r.output) ? [output] : []), ...(deletable(errors, r.errors) ? [errors] : [])];
}

export async function cleanupChildWorkflow(input: CleanupChildInput): Promise<CleanupChildOutcome> {
  const outcome: CleanupChildOutcome = { outcome: 'done', kind: input.kind, filesDeleted: 0, errors: [] };
  let result: CancelBatchResult;
  try {
    const child = await startChild<typeof cancelBatchWorkflow>(
      WORKFLOW_TYPES.cancelBatch,
      // A failed, terminated or timed-out cancellation is no outcome: this one tries again.
      cancelChildOptions(input, 'ALLOW_DUPLICATE_FAILED_ONLY'),
    );
    result = await child.result();
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { ...outcome, outcome: 'already-processed' };
    return { ...outcome, outcome: 'failed', errors: [errorMessage(err)] };
  }
  const refs = input.deleteFilesAfterCollect ? deletableResultRefs(result) : [];
  if (refs.length === 0) return outcome;
  try {
    const deleted = await deleteFiles.executeWithOptions(
      { ...deleteFilesOptions, summary: `delete result files of ${input.batch.id}` },
      isDefaultAccount(input.cancelInput.account) ? [refs] : [refs, input.cancelInput.account],
    );
    outcome.filesDeleted = deleted.deleted.length;
  } catch (err) {
    outcome.errors.push(errorMessage(err));
  }
  return outcome;
}
