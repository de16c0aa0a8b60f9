/**
 * The least a durable cancellation can cost on Temporal, for bench/floor.ts:
 * - `floorEmptyWorkflow`: a start, one workflow task, a completion: no work at all.
 * - `floorOneActivityWorkflow`: the plain script's whole job (cancel, poll, download) as one
 *   activity: a start, two workflow tasks, one activity task.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { FloorActivities } from './floor-worker';
import type { BenchPoll } from './plain-cancel';

const { plainCancelActivity } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '15 minutes',
  retry: { maximumAttempts: 1 },
});

export async function floorEmptyWorkflow(batchId: string): Promise<string> {
  return batchId;
}

export async function floorOneActivityWorkflow(batchId: string, poll?: BenchPoll): Promise<number> {
  return plainCancelActivity(batchId, poll);
}
