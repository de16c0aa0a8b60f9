/**
 * Keeps an activity's heartbeat going while it awaits something slow (a long HTTP request, a big
 * download), so a dead worker is noticed within the heartbeat timeout and a cancellation reaches
 * the activity through its abort signal.
 */
import { Context } from '@temporalio/activity';

export async function withHeartbeat<T>(
  details: () => unknown,
  work: () => Promise<T>,
  everyMs = 2_000,
  /**
   * When given, a tick heartbeats only if this says the work moved since the last tick: a write
   * stuck on a dead disk then stops heartbeating, and the heartbeat timeout ends the attempt.
   */
  moved?: () => boolean,
): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(details());
  const timer = setInterval(() => {
    if (!moved || moved()) ctx.heartbeat(details());
  }, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
