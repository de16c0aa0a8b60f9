/**
 * The wait of cancelBatchWorkflow: until the batch is terminal, one wait attempt per check-in
 * (the activity polls on the input's schedule), ended early by a webhook event (a read then
 * decides) or a refresh that read a terminal status; the stuck marker set when due; bounded by
 * `maxWait`; continued as new before the history grows long. Deterministic.
 */
import {
  ActivityFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { Activities, AwaitTerminalResult } from '../activities';
import { awaitTerminalOptions } from '../contract/activity-options';
import type { BatchEvent } from '../contract/batch-event';
import { isTerminal, type BatchSnapshot } from '../contract/batch-snapshot';
import type { CancelBatchCarry } from '../contract/cancel-carry';
import type { CancelBatchOptions } from '../contract/cancel-input';
import { carriedInterval, EVENT_FOLLOW_UP_MS, followUpPoll } from '../contract/poll-schedule';
import type { CancelRun } from './cancel-run';
import { confirmEvent, endedWaitWindow, maxWaitExceeded, readNow, shouldContinueAsNew } from './wait-steps';

export { MAX_EVENTS_PER_RUN } from './wait-steps';

/**
 * Since 2026-12-04 a wait with webhooks sleeps on a timer between fallback reads instead of in a
 * wait activity; histories recorded before replay the activity.
 */
export const WAIT_ON_TIMERS_WITH_WEBHOOKS = 'wait-on-timers-with-webhooks';

// Options depend on the input's poll policy: set per call with executeWithOptions.
const { awaitTerminal } = proxyActivities<Activities>({ startToCloseTimeout: '90s' });

/** Where the wait starts: after the cancel request, or where the previous run stopped. */
export interface WaitStart {
  options: CancelBatchOptions;
  cancelOutcome: CancelBatchCarry['cancelOutcome'];
  /** The batch as last read; null after a cancel that found it finished (nothing read yet). */
  batch: BatchSnapshot | null;
  pollInterval: number;
  /** The last read was a wait's (or the cancel's answer): the next wait waits an interval first. */
  continued: boolean;
  followUpUntil: number | null;
}

/** The terminal batch, or what the next run carries on with. */
export type WaitEnd = { terminal: BatchSnapshot } | { continueWith: CancelBatchCarry };

export async function waitForTerminal(run: CancelRun, start: WaitStart): Promise<WaitEnd> {
  const { options } = start;
  const { state, batchId } = run;
  const deadline = state.startedAt + options.maxWait;
  state.phase = 'waiting';
  let batch = start.batch;
  // The poll interval carries over from one check-in to the next (contract/poll-schedule.ts).
  let pollInterval = start.pollInterval;
  let continued = start.continued;
  // Until then, an early event's follow-up reads run on the fast schedule.
  let followUpUntil = start.followUpUntil;
  while (!batch || !isTerminal(batch)) {
    const now = Date.now();
    if (now >= deadline) {
      // A refresh still reading may have the terminal status: let it finish, and it decides.
      await condition(allHandlersFinished);
      batch = state.batch;
      if (batch && isTerminal(batch)) continue;
      throw maxWaitExceeded(run, options, batch);
    }
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      return {
        continueWith: {
          options,
          cancelOutcome: start.cancelOutcome,
          state: { ...state, nextCheckInBy: null },
          pollInterval,
          continued,
          followUpUntil,
          seenEvents: run.seenEvents,
          pendingEvent: run.pendingEvent,
        },
      };
    }
    run.checkIn();
    if (followUpUntil !== null && now >= followUpUntil) {
      // The follow-up is over: back to the input's schedule (with webhooks, the slow fallback).
      followUpUntil = null;
      pollInterval = options.poll.initialInterval;
    }
    const poll = followUpUntil !== null ? followUpPoll(options.poll) : options.poll;
    // Check in at the stuck threshold too, so the marker is set when it is due.
    const stuckCheckIn = !state.stuck && run.stuckAtMs > now ? run.stuckAtMs : Infinity;
    const checkInBy = Math.min(
      now + options.checkInInterval,
      deadline,
      stuckCheckIn,
      followUpUntil ?? Infinity,
    );
    state.nextCheckInBy = checkInBy;
    run.report();
    if (run.pendingEvent) {
      const event: BatchEvent = run.pendingEvent;
      run.pendingEvent = null;
      const read = await confirmEvent(run, event);
      if (read) {
        continued = true;
        batch = read;
        if (!isTerminal(batch)) {
          // The event ran ahead of the API (or was stale): read again soon, not at the fallback's pace.
          followUpUntil = Date.now() + EVENT_FOLLOW_UP_MS;
          pollInterval = followUpPoll(options.poll).initialInterval;
        }
      }
      continue;
    }
    if (options.webhooks && followUpUntil === null && patched(WAIT_ON_TIMERS_WITH_WEBHOOKS)) {
      // With webhooks the wait is a timer, not an activity: an event costs the server its signal
      // and one workflow task, and no wait attempt has to be retried or cancelled around it. Only
      // the fallback read (a local activity, when the timer fires), the stuck marker, the deadline
      // and continue-as-new wake the run in between.
      const readDue = continued ? now + pollInterval : now;
      const wakeAt = Math.min(readDue, deadline, stuckCheckIn);
      state.nextCheckInBy = wakeAt;
      run.report();
      if (wakeAt > now) {
        const woken = await condition(
          () => run.pendingEvent !== null || (state.batch !== null && isTerminal(state.batch)),
          wakeAt - now,
        );
        if (woken) {
          batch = state.batch;
          continue;
        }
      }
      if (Date.now() < readDue) continue;
      const read = await readNow(run, `read ${batchId} (the fallback of webhooks)`, 'poll');
      if (read) batch = read;
      if (continued) pollInterval = carriedInterval(poll, pollInterval, 1, true);
      continued = true;
      continue;
    }
    try {
      const scope = new CancellationScope();
      const attempt = scope.run(() =>
        awaitTerminal.executeWithOptions(
          {
            ...awaitTerminalOptions(poll, pollInterval, options.checkInInterval),
            summary: batch ? `wait for ${batchId} to leave ${batch.status}` : `read ${batchId} (finished)`,
          },
          [
            {
              batchId,
              account: run.account,
              checkInBy,
              continued,
              schedule: { poll, interval: pollInterval },
              known: batch,
            },
          ],
        ),
      );
      const woken = new Promise<null>((resolve) => {
        run.wake = () => resolve(null);
      });
      const waited: AwaitTerminalResult | null = await Promise.race([attempt, woken]);
      run.wake = null;
      if (waited === null) {
        // An event (or a refresh's terminal read): stop this wait attempt (it heartbeats, so it is
        // cancellable); the loop then reads at once, or ends.
        attempt.catch(() => undefined);
        scope.cancel();
        batch = state.batch;
        continue;
      }
      state.polls += waited.polls;
      pollInterval = carriedInterval(poll, pollInterval, waited.polls, continued);
      continued = true;
      batch = run.observe(waited.batch, waited.readAt, 'poll');
    } catch (err) {
      run.wake = null;
      // A long API outage ends one check-in window; the loop checks in and keeps waiting.
      if (!(err instanceof ActivityFailure && endedWaitWindow(err))) throw err;
      batch = state.batch;
    }
  }
  return { terminal: batch };
}
