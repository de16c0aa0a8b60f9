import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { classifyApiError } from './classify';
import { isTerminalStatus } from '../shared/batch-status';
import { FailureType } from '../shared/failure-types';
import { isHandOverAttempt, readsByAttempt } from '../shared/poll-schedule';
import type { BatchSnapshot, WaitHeartbeat } from '../shared/progress';
import { describeCounts, retrieveBatch, toSnapshot } from './batch-reader';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';

export interface AwaitTerminalInput {
  batchId: string;
  /** Epoch ms (server time): return even if not terminal, so the workflow can report progress. */
  checkInBy: number;
  /**
   * True when continuing a wait after a check-in: the first attempt then reads nothing and hands
   * over to the retry schedule, so the poll interval carries on instead of restarting.
   */
  continued?: boolean;
}

export interface AwaitTerminalResult {
  batch: BatchSnapshot;
  /** Reads made by this activity (one per attempt). */
  polls: number;
  /** Epoch ms of the last read (absent in results recorded before it existed). */
  readAt?: number;
}

/**
 * Reads the batch once per attempt. While it is not terminal the attempt fails with
 * `BatchNotTerminalYet`, and the activity's retry policy (the poll schedule: initial interval,
 * backoff, max interval) decides when to read again. Retries are not written to history, so the
 * history of a cancellation does not grow with how long the batch stays `cancelling`.
 *
 * Each attempt heartbeats what it read (status, counts, reads so far, time of the read), so
 * `status`, `watch` and the UI's pending activity are current to the last poll although the
 * workflow only hears back at a check-in. The same record rides on the not-terminal failure, which
 * the server keeps as the pending activity's last failure.
 *
 * Time is the server's (`currentAttemptScheduledTimestampMs`), not this machine's clock, so the
 * check-in works identically on a real server and on the time-skipping test server.
 */
export function makeAwaitTerminal(deps: ActivityDeps) {
  return async function awaitTerminal(input: AwaitTerminalInput): Promise<AwaitTerminalResult> {
    const ctx = Context.current();
    const { attempt, currentAttemptScheduledTimestampMs: now } = ctx.info;
    if (isHandOverAttempt(attempt, input.continued ?? false)) {
      throw ApplicationFailure.create({
        message: `continuing to wait for batch ${input.batchId}`,
        type: FailureType.NotTerminalYet,
        nonRetryable: false,
        category: ApplicationFailureCategory.BENIGN,
      });
    }
    const polls = readsByAttempt(attempt, input.continued ?? false);
    // A slow read keeps heartbeating the previous attempt's record, so readers never lose it.
    const previous: unknown = ctx.info.heartbeatDetails;
    let batch: BatchSnapshot;
    try {
      batch = await withHeartbeat(
        () => previous ?? { batchId: input.batchId, attempt },
        async () => toSnapshot(await retrieveBatch(deps.openai, input.batchId, ctx.cancellationSignal)),
        { immediately: false },
      );
    } catch (err) {
      throw classifyApiError(err, { action: `read batch ${input.batchId}` });
    }
    const readAt = Date.now();
    const heartbeat: WaitHeartbeat = { batch, polls, readAt };
    ctx.heartbeat(heartbeat);
    if (isTerminalStatus(batch.status) || now >= input.checkInBy) return { batch, polls, readAt };
    throw ApplicationFailure.create({
      message: `batch ${input.batchId} is ${batch.status} (${describeCounts(batch)}); reading again on the poll schedule`,
      type: FailureType.NotTerminalYet,
      nonRetryable: false,
      // Expected while waiting: logged at debug level, not as a warning on every poll.
      category: ApplicationFailureCategory.BENIGN,
      details: [batch, heartbeat],
    });
  };
}

/** Reads the batch now (the `refresh` update). */
export function makeReadBatch(deps: ActivityDeps) {
  return async function readBatch(batchId: string): Promise<BatchSnapshot> {
    try {
      return toSnapshot(await retrieveBatch(deps.openai, batchId, Context.current().cancellationSignal));
    } catch (err) {
      throw classifyApiError(err, { action: `read batch ${batchId}` });
    }
  };
}
