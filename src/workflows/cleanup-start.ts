/**
 * One batch of a cleanup run: its `cleanupChildWorkflow` started, and what it did counted into the
 * run's summary when it finishes. Deterministic.
 */
import { startChild, workflowInfo } from '@temporalio/workflow';
import type { CancelBatchInput } from '../contract/cancel-input';
import { accountField } from '../contract/account';
import type { CleanupPolicy } from '../contract/cleanup-policy';
import {
  MAX_REPORTED_ERRORS,
  type BatchSummary,
  type CleanupSummary,
  type SkipReason,
} from '../contract/cleanup-summary';
import { errorMessage, type cleanupChildWorkflow, type CleanupKind } from './cleanup-child';

/** Counts into a run's summary: skips by reason, failures (the first MAX_REPORTED_ERRORS kept). */
export interface CleanupTally {
  totals: CleanupSummary;
  skip(reason: SkipReason): void;
  fail(batchId: string, err: unknown): void;
}

export function cleanupTally(totals: CleanupSummary): CleanupTally {
  return {
    totals,
    skip: (reason) => {
      totals.skipped[reason] = (totals.skipped[reason] ?? 0) + 1;
    },
    fail: (batchId, err) => {
      if (totals.errors.length < MAX_REPORTED_ERRORS)
        totals.errors.push({ batchId, message: errorMessage(err) });
    },
  };
}

/** A started child: `finish` awaits it and counts what it did. */
export type StartedChild = { finish: () => Promise<void> };

/** Starts the batch's child: it runs the cancellation and returns only a small outcome. */
export async function startCleanupChild(
  what: { batch: BatchSummary; kind: CleanupKind; why: string },
  policy: Pick<CleanupPolicy, 'cancelOptions' | 'deleteFilesAfterCollect' | 'account'>,
  tally: CleanupTally,
): Promise<StartedChild | null> {
  const { batch, kind, why } = what;
  const { totals, skip, fail } = tally;
  const cancelInput: CancelBatchInput = {
    ...policy.cancelOptions,
    ...accountField(policy.account),
    batchId: batch.id,
    reason: `scheduled cleanup: ${why}`,
  };
  let child;
  try {
    child = await startChild<typeof cleanupChildWorkflow>('cleanupChildWorkflow', {
      // Unique per run and batch: the cancellation inside keeps the batch's own id.
      workflowId: `cleanup:${workflowInfo().runId}:${batch.id}`,
      args: [
        {
          batch: { id: batch.id, status: batch.status },
          kind,
          why,
          cancelInput,
          deleteFilesAfterCollect: policy.deleteFilesAfterCollect,
        },
      ],
      parentClosePolicy: 'ABANDON',
      staticSummary: `Cleanup: ${kind} OpenAI batch \`${batch.id}\` (${why})`,
    });
  } catch (err) {
    fail(batch.id, err);
    return null;
  }
  return {
    finish: async () => {
      let out;
      try {
        out = await child.result();
      } catch (err) {
        fail(batch.id, err);
        return;
      }
      if (out.outcome === 'already-processed') skip('already-processed');
      else if (out.outcome === 'done' && kind === 'cancel') totals.cancelled++;
      else if (out.outcome === 'done') totals.collected++;
      totals.filesDeleted += out.filesDeleted;
      for (const message of out.errors) fail(batch.id, new Error(message));
    },
  };
}
