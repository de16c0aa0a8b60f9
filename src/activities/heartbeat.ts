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
   * Heartbeat before the work starts. Off when the work's result is heartbeated right after: the
   * SDK sends an attempt's first heartbeat at once but throttles the next ones.
   */
  immediately = true,
): Promise<T> {
  const ctx = Context.current();
  if (immediately) ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
