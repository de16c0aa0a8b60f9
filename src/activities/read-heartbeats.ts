/**
 * How a wait attempt heartbeats its reads. Each heartbeat is a write on the server (and a billed
 * action on Temporal Cloud), and with held reads they are most of what a waiting cancellation
 * costs it. So:
 * - a read that changed the batch (status, counts, anything in the snapshot) is heartbeated at
 *   once, so `status`, `watch` and the UI show every change within the worker's 1 s throttle;
 *   "changed" is against the last heartbeat, or before any against the batch the workflow knows
 *   (its progress shows that one), so a wait's first read does not cost a write if nothing moved;
 * - a read that changed nothing only once the last heartbeat is half a heartbeat timeout old (a
 *   minute for the wait's 2-minute timeout): the read count and the time of the last read shown
 *   may lag by that much;
 * - the attempt's last read is not heartbeated: it rides on the attempt's result, or on its
 *   not-terminal failure, which readers merge the same way (src/client/live-progress.ts);
 * - a sleep heartbeats only to stay alive, half a timeout after the last heartbeat. A cancelled
 *   attempt (a webhook event ended the wait) learns it at its next heartbeat; the workflow does
 *   not wait for it.
 */
import type { Context } from '@temporalio/activity';
import type { BatchSnapshot, WaitHeartbeat } from '../contract/progress';

/** Without a heartbeat timeout (a test's activity), keep alive as for the old 20 s timeout. */
const DEFAULT_KEEP_ALIVE_MS = 10_000;

/** Half the attempt's heartbeat timeout: a keep-alive sent then still arrives in time under load. */
export function keepAliveOf(heartbeatTimeoutMs: number | undefined): number {
  return heartbeatTimeoutMs ? Math.max(1_000, heartbeatTimeoutMs / 2) : DEFAULT_KEEP_ALIVE_MS;
}

function batchOf(record: unknown): string | undefined {
  const batch = (record as Partial<WaitHeartbeat> | null | undefined)?.batch;
  return batch === undefined ? undefined : JSON.stringify(batch);
}

export interface ReadHeartbeats {
  /** How long the attempt stays silent at most: half its heartbeat timeout. */
  readonly keepAliveMs: number;
  /** The newest record: the last read, or the previous attempt's heartbeat before the first read. */
  latest(): unknown;
  /** A read after which the attempt goes on reading. */
  read(record: WaitHeartbeat): void;
  /** Sleeps `ms` (cancellable), heartbeating the newest record only to stay alive. */
  sleep(ms: number): Promise<void>;
}

/**
 * `previous`: the heartbeat the attempt started with (an earlier attempt's), if any. `known`: the
 * batch readers see without any heartbeat (the workflow's own), used when there is no `previous`.
 */
export function readHeartbeats(ctx: Context, previous: unknown, known?: BatchSnapshot): ReadHeartbeats {
  // The server times the heartbeat timeout from the attempt's start.
  let sentAt = Date.now();
  let sentBatch = batchOf(previous) ?? (known === undefined ? undefined : JSON.stringify(known));
  let latest = previous;
  const keepAliveMs = keepAliveOf(ctx.info.heartbeatTimeoutMs);
  const send = (record: unknown, batch = batchOf(record)) => {
    ctx.heartbeat(record);
    sentAt = Date.now();
    sentBatch = batch;
  };
  return {
    keepAliveMs,
    latest: () => latest,
    read(record) {
      latest = record;
      const batch = batchOf(record);
      if (batch !== sentBatch || Date.now() - sentAt >= keepAliveMs) send(record, batch);
    },
    async sleep(ms) {
      const end = Date.now() + ms;
      for (;;) {
        const now = Date.now();
        const due = sentAt + keepAliveMs;
        if (due >= end) return ctx.sleep(Math.max(0, end - now));
        await ctx.sleep(Math.max(0, due - now));
        send(latest);
      }
    },
  };
}
