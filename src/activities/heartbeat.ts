/**
 * Keeps an activity's heartbeat going while it awaits something slow (a long HTTP request, a big
 * download), so a dead worker is noticed within the heartbeat timeout and a cancellation reaches
 * the activity through its abort signal.
 */
import { Context } from '@temporalio/activity';

export interface HeartbeatOptions {
  /** How often to heartbeat. @default 2_000 ms */
  everyMs?: number;
  /**
   * Heartbeat before the work starts. Off when the work's result is heartbeated right after: the
   * SDK sends an attempt's first heartbeat at once but throttles the next ones. @default true
   */
  immediately?: boolean;
  /**
   * When given, a tick heartbeats only if this says the work moved since the last tick: a write
   * stuck on a dead disk then stops heartbeating, and the heartbeat timeout ends the attempt.
   */
  moved?: () => boolean;
}

export async function withHeartbeat<T>(
  details: () => unknown,
  work: () => Promise<T>,
  opts: HeartbeatOptions = {},
): Promise<T> {
  const { everyMs = 2_000, immediately = true, moved } = opts;
  const ctx = Context.current();
  // A local activity has no heartbeat: the workflow task it runs in is its liveness.
  if (ctx.info.isLocal) return work();
  if (immediately) ctx.heartbeat(details());
  const timer = setInterval(() => {
    if (!moved || moved()) ctx.heartbeat(details());
  }, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
