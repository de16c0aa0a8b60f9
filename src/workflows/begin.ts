/** How a cancellation's wait starts: after the cancel request (the begin step), or resumed from a carry. */
import {
  ActivityFailure,
  ApplicationFailure,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { beginCancellationOptions } from '../contract/activity-options';
import type { CancelBatchCarry } from '../contract/cancel-carry';
import type { CancelBatchInput } from '../contract/cancel-input';
import { FailureType } from '../contract/failure-types';
import { OPENAI_BATCH_ID } from '../contract/search-attributes';
import type { CancelRun } from './cancel-run';
import type { WaitStart } from './wait-for-terminal';

const { beginCancellation } = proxyLocalActivities<Activities>(beginCancellationOptions);

/** The batch id to name the run by before the input is validated (the begin step refuses a bad one). */
export function batchIdOf(rawInput: CancelBatchInput): string {
  const raw: unknown = (rawInput as { batchId?: unknown } | null)?.batchId;
  return typeof raw === 'string' ? raw : '(invalid)';
}

/**
 * Validates the input and requests the cancel, in one local activity inside the first workflow
 * task (zod stays out of the sandbox). An invalid input fails the workflow as itself.
 */
export async function begin(run: CancelRun, rawInput: CancelBatchInput): Promise<WaitStart> {
  let begun;
  try {
    begun = await beginCancellation.executeWithOptions(
      { ...beginCancellationOptions, summary: `request the cancellation of ${run.batchId}` },
      [rawInput],
    );
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === FailureType.InvalidInput) throw cause;
    throw err;
  }
  const { options, cancel } = begun;
  run.options = options;
  // Starters that set the batch id at start (this package's client, the cleanup) need no upsert;
  // others get it with the first status upsert.
  if (workflowInfo().typedSearchAttributes.get(OPENAI_BATCH_ID) !== run.batchId) {
    run.alsoSend({ key: OPENAI_BATCH_ID, value: run.batchId });
  }
  run.state.polls++;
  run.state.cancelOutcome = cancel.outcome;
  // Found finished (nothing to cancel) the batch is not read yet: the wait's first read gets it
  // (unless a refresh during the cancel call read it already).
  const batch = cancel.batch ? run.observe(cancel.batch, Date.now(), 'poll') : run.state.batch;
  return {
    options,
    cancelOutcome: cancel.outcome,
    batch,
    pollInterval: options.poll.initialInterval,
    // The cancel call's answer is a read: the first wait waits an interval before reading again.
    continued: batch !== null,
    followUpUntil: null,
  };
}

export function resumed(carry: CancelBatchCarry): WaitStart {
  return {
    options: carry.options,
    cancelOutcome: carry.cancelOutcome,
    batch: carry.state.batch,
    pollInterval: carry.pollInterval,
    continued: carry.continued,
    followUpUntil: carry.followUpUntil,
  };
}
