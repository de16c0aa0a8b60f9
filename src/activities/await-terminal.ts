import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { Context, type Info } from '@temporalio/activity';
import { classifyApiError } from './classify';
import { FailureType } from '../contract/failure-types';
import {
  attemptPlan,
  IN_ATTEMPT_READS,
  type InAttemptReads,
  type PollPolicy,
} from '../contract/poll-schedule';
import type { BatchSnapshot, WaitHeartbeat } from '../contract/progress';
import { describeCounts, isTerminal } from '../contract/batch-snapshot';
import type { BatchProvider } from '../providers/types';
import { providerOf, type ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import { readWellFormed } from './malformed-response';
import { readHeartbeats } from './read-heartbeats';

export interface AwaitTerminalInput {
  batchId: string;
  /** The account the batch belongs to. @default 'default' */
  account?: string;
  /** Epoch ms (server time): return even if not terminal, so the workflow can report progress. */
  checkInBy: number;
  /**
   * True when continuing a wait after a check-in: the first attempt then reads nothing and hands
   * over to the retry schedule, so the poll interval carries on instead of restarting.
   */
  continued: boolean;
  /**
   * The poll schedule and the interval this wait starts from: the activity reads frequent polls
   * inside one attempt and sets each retry's delay itself (contract/poll-schedule.ts).
   */
  schedule: { poll: PollPolicy; interval: number };
  /**
   * The batch as the workflow last saw it, which readers see until the wait heartbeats: a first
   * read that finds it unchanged is paced like any unchanged read (read-heartbeats.ts). Null when
   * the cancel found the batch finished (no batch read yet).
   */
  known: BatchSnapshot | null;
}

export interface AwaitTerminalResult {
  batch: BatchSnapshot;
  /** Reads made by this wait so far, across its attempts (counted by the schedule's plan). */
  polls: number;
  /** Epoch ms of the last read. */
  readAt: number;
}

/**
 * Time the attempt gives the activity to finish its last read after the held span: the span ends
 * this long before the start-to-close timeout.
 */
const HELD_SPAN_MARGIN_MS = 60_000;

/**
 * The in-attempt reads of this wait, with the span bounded by the check-in (counted from when the
 * wait was first scheduled, so every attempt plans the same way) and by the start-to-close.
 */
function heldReads(reads: InAttemptReads, info: Info, checkInBy: number): InAttemptReads {
  const window = Math.min(
    checkInBy - info.scheduledTimestampMs,
    info.startToCloseTimeoutMs - HELD_SPAN_MARGIN_MS,
  );
  return { maxGapMs: reads.maxGapMs, maxSpanMs: Math.max(0, Math.min(reads.maxSpanMs, window)) };
}

/** Reads the batch; a malformed answer is read again a bounded number of times (see readWellFormed). */
function retrieveBatch(
  provider: BatchProvider,
  batchId: string,
  signal?: AbortSignal,
): Promise<BatchSnapshot> {
  return readWellFormed('a batch', () => provider.retrieve(batchId, signal), signal);
}

/**
 * Reads the batch until it is terminal or the check-in is due. Reads up to two minutes apart (the
 * whole default schedule) happen in this attempt, sleeping between them and heartbeating only to
 * stay alive or to show a change; a longer interval (the fallback with webhooks) ends the attempt
 * with `BatchNotTerminalYet` carrying that interval as its retry delay, so the server, not a held
 * worker slot, waits it out. A held wait is a promise and a timer on the worker, not a thread.
 * Retries are not written to history, so the history of a cancellation does not grow with how long
 * the batch stays `cancelling`.
 *
 * Reads are heartbeated (status, counts, reads so far, time of the read), so `status`, `watch` and
 * the UI's pending activity show each change although the workflow only hears back at a check-in;
 * reads that changed nothing are paced (read-heartbeats.ts). An attempt's last read rides on the
 * not-terminal failure instead, which the server keeps as the pending activity's last failure.
 *
 * Time is the server's (`currentAttemptScheduledTimestampMs`, plus the time spent in the attempt),
 * not this machine's clock, so the check-in works identically on a real server and on the
 * time-skipping test server.
 */
export function makeAwaitTerminal(deps: ActivityDeps) {
  return async function awaitTerminal(input: AwaitTerminalInput): Promise<AwaitTerminalResult> {
    const ctx = Context.current();
    const { attempt, currentAttemptScheduledTimestampMs: scheduledAt } = ctx.info;
    const attemptStart = Date.now();
    const serverNow = () => scheduledAt + (Date.now() - attemptStart);
    const { schedule, continued } = input;
    const inAttempt = heldReads(deps.inAttemptReads ?? IN_ATTEMPT_READS, ctx.info, input.checkInBy);
    const plan = attemptPlan(schedule.poll, schedule.interval, attempt, continued, inAttempt);
    const nextRetryDelay = plan.nextDelay;
    if (plan.reads === 0) {
      throw ApplicationFailure.create({
        message: `continuing to wait for batch ${input.batchId}`,
        type: FailureType.NotTerminalYet,
        nonRetryable: false,
        category: ApplicationFailureCategory.BENIGN,
        nextRetryDelay,
      });
    }
    const provider = providerOf(deps, input.account);
    const heartbeats = readHeartbeats(ctx, ctx.info.heartbeatDetails, input.known ?? undefined);
    if (plan.leadIn > 0) await heartbeats.sleep(plan.leadIn);
    let polls = plan.readsBefore;
    for (let i = 0; ; i++) {
      let batch: BatchSnapshot;
      try {
        // A slow read keeps heartbeating the newest record, so readers never lose it.
        batch = await withHeartbeat(
          () => heartbeats.latest() ?? { batchId: input.batchId, attempt },
          () => retrieveBatch(provider, input.batchId, ctx.cancellationSignal),
          { immediately: false, everyMs: heartbeats.keepAliveMs },
        );
      } catch (err) {
        // Attempts here are polls: an error retrying will not fix is bounded by maxWait instead.
        throw classifyApiError(provider, err, { action: `read batch ${input.batchId}`, attempt: null });
      }
      polls++;
      const readAt = Date.now();
      const record: WaitHeartbeat = { batch, polls, readAt };
      const sleep = plan.sleeps[i];
      // Check in at the last read before the check-in time rather than one read after it, when
      // that read would have been held here: a retry just to read once more would cost two writes.
      const next = sleep ?? nextRetryDelay;
      const checkInNow =
        serverNow() >= input.checkInBy ||
        (next <= inAttempt.maxGapMs && serverNow() + next > input.checkInBy);
      if (isTerminal(batch) || checkInNow) return { batch, polls, readAt };
      if (sleep === undefined) {
        throw ApplicationFailure.create({
          message: `batch ${input.batchId} is ${batch.status} (${describeCounts(batch)}); reading again on the poll schedule`,
          type: FailureType.NotTerminalYet,
          nonRetryable: false,
          // Expected while waiting: logged at debug level, not as a warning on every poll.
          category: ApplicationFailureCategory.BENIGN,
          // The read's record rides here instead of on a heartbeat of its own (read-heartbeats.ts).
          details: [batch, record],
          nextRetryDelay,
        });
      }
      heartbeats.read(record);
      await heartbeats.sleep(sleep);
    }
  };
}

/** A read and when it was made, so the workflow can order reads that complete out of order. */
export interface TimedRead {
  batch: BatchSnapshot;
  /** Epoch ms of the read (this worker's clock, as `AwaitTerminalResult.readAt`). */
  readAt: number;
}

/** Reads the batch now and says when (the `refresh` update and an event's confirming read). */
export function makeReadBatchAt(deps: ActivityDeps) {
  return async function readBatchAt(batchId: string, account?: string): Promise<TimedRead> {
    const provider = providerOf(deps, account);
    try {
      const batch = await retrieveBatch(provider, batchId, Context.current().cancellationSignal);
      return { batch, readAt: Date.now() };
    } catch (err) {
      throw classifyApiError(provider, err, { action: `read batch ${batchId}` });
    }
  };
}
