/** The wait's single steps: an event's confirming read, the check-in window's end, its bounds. */
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  isCancellation,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { Activities } from '../activities';
import { confirmEventReadOptions } from '../contract/activity-options';
import type { BatchEvent, DetectedBy } from '../contract/batch-event';
import type { BatchSnapshot } from '../contract/batch-snapshot';
import type { CancelBatchOptions } from '../contract/cancel-input';
import { FailureType } from '../contract/failure-types';
import type { CancelRun } from './cancel-run';

const { readBatchAt: readBatchAtNow } = proxyLocalActivities<Activities>(confirmEventReadOptions);

/**
 * A run continues as new once its history is this long (or when the server suggests it): far
 * below Temporal's 10,240-event warning and 51,200-event limit, whatever `maxWait` and
 * `checkInInterval` are.
 */
export const MAX_EVENTS_PER_RUN = 2_000;

/** Reads the batch an event named (a local activity); undefined when the read failed for good. */
export function confirmEvent(run: CancelRun, event: BatchEvent): Promise<BatchSnapshot | undefined> {
  return readNow(run, `read ${run.batchId} after its ${event.type} event`, 'webhook');
}

/**
 * Reads the batch in this workflow task (a local activity: no activity task, so no server round
 * trip and no write of its own); undefined when the read failed for good, and the wait goes on.
 */
export async function readNow(
  run: CancelRun,
  summary: string,
  by: DetectedBy,
): Promise<BatchSnapshot | undefined> {
  try {
    const read = await readBatchAtNow.executeWithOptions({ ...confirmEventReadOptions, summary }, [
      run.batchId,
      run.account,
    ]);
    run.state.polls++;
    return run.observe(read.batch, read.readAt, by);
  } catch (err) {
    // The run was cancelled: that ends it, whatever the read did.
    if (isCancellation(err)) throw err;
    // The read failed for good: the poll schedule, the fallback, carries on.
    if (!(err instanceof ActivityFailure)) throw err;
    return undefined;
  }
}

export function maxWaitExceeded(run: CancelRun, options: CancelBatchOptions, batch: BatchSnapshot | null) {
  run.state.phase = 'failed';
  run.report();
  run.finished.add(1, { final_status: 'max_wait_exceeded' });
  return ApplicationFailure.create({
    message:
      `batch ${run.batchId} was still ${batch?.status ?? 'unread'} after waiting ${Math.round(options.maxWait / 60_000)} min ` +
      `(maxWait). Its cancellation was requested; start again to keep waiting, or raise maxWait.`,
    type: FailureType.MaxWaitExceeded,
    nonRetryable: true,
    details: [{ lastStatus: batch?.status ?? null, batch }],
  });
}

/**
 * The wait's schedule-to-close ended its check-in window: a timeout, or (the next retry being due
 * after it) the last attempt's failure with retry state TIMEOUT. Either way the loop checks in.
 */
export function endedWaitWindow(err: ActivityFailure): boolean {
  return err.cause instanceof TimeoutFailure || err.retryState === RetryState.TIMEOUT;
}

/** The server suggests it, or the history is past this workflow's own bound. */
export function shouldContinueAsNew(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= MAX_EVENTS_PER_RUN;
}
