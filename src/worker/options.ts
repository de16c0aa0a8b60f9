import type { WorkerOptions } from '@temporalio/worker';

/**
 * Worker options this package's activities rely on: spread them into `Worker.create`. A waiting
 * cancellation heartbeats each read that changed the batch, so `status`, `watch` and the UI show the
 * change; without a short throttle the SDK holds heartbeats back for up to 80 % of the heartbeat
 * timeout (16 s), and changes read inside one attempt would show up late.
 */
export const ACTIVITY_WORKER_OPTIONS = {
  maxHeartbeatThrottleInterval: '1s',
} as const satisfies Partial<WorkerOptions>;
