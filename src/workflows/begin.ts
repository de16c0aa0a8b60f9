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
import { OPENAI_BATCH_ACCOUNT, OPENAI_BATCH_ID } from '../contract/search-attributes';
import { DEFAULT_ACCOUNT, isDefaultAccount } from '../contract/account';
import type { CancelRun } from './cancel-run';
import type { WaitStart } from './wait-for-terminal';

const { beginCancellation } = proxyLocalActivities<Activities>(beginCancellationOptions);

/** The batch id to name the run by before the input is validated (the begin step refuses a bad one). */
export function batchIdOf(rawInput: CancelBatchInput): string {
  const raw: unknown = (rawInput as { batchId?: unknown } | null)?.batchId;
  return typeof raw === 'string' ? raw : '(invalid)';
}

/**
 * The account to read through before the input is validated (a refresh can arrive during the
 * begin step): the input's, which the begin step then checks, or the default.
 */
export function accountOfInput(rawInput: CancelBatchInput): string {
  const raw: unknown = (rawInput as { account?: unknown } | null)?.account;
  return typeof raw === 'string' ? raw : DEFAULT_ACCOUNT;
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
    // Fails the workflow as itself: no retry of the workflow task could fix either.
    if (
      cause instanceof ApplicationFailure &&
      (cause.type === FailureType.InvalidInput || cause.type === FailureType.UnknownAccount)
    )
      throw cause;
    throw err;
  }
  const { options, cancel } = begun;
  run.options = options;
  // Starters that set the batch id at start (this package's client, the cleanup) need no upsert;
  // others get it with the first status upsert.
  const attributes = workflowInfo().typedSearchAttributes;
  if (attributes.get(OPENAI_BATCH_ID) !== run.batchId) {
    run.alsoSend({ key: OPENAI_BATCH_ID, value: run.batchId });
  }
  // Rides on the first status upsert (no command of its own), and only another account's run has
  // one: histories recorded before accounts, all the default's, replay unchanged without a patch.
  if (!isDefaultAccount(options.account) && attributes.get(OPENAI_BATCH_ACCOUNT) !== options.account) {
    run.alsoSend({ key: OPENAI_BATCH_ACCOUNT, value: options.account });
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
