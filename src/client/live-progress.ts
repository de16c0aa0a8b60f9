/**
 * Live progress between check-ins. The wait's reads are activity retries, which the workflow does
 * not see until the next check-in (that keeps history small). Each attempt heartbeats what it read,
 * and the server keeps it on the pending activity: describe() returns it, and it is folded into
 * the workflow's own state here, so every change of the batch shows within a second, and the read
 * count within 10 s (activities/read-heartbeats.ts).
 */
import type { Client, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import {
  decodeArrayFromPayloads,
  decodeOptionalFailureToOptionalError,
} from '@temporalio/common/lib/internal-non-workflow';
import { ApplicationFailure } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { failingWorkflowTask, progressWhileFailing } from './workflow-task-health';
import {
  mergeWaitHeartbeat,
  progressQuery,
  type CancelProgress,
  type LiveWait,
  type WaitHeartbeat,
} from '../contract/progress';

type PendingActivity = NonNullable<WorkflowExecutionDescription['raw']['pendingActivities']>[number];

const WAIT_ACTIVITY = 'awaitTerminal';

function isWaitHeartbeat(value: unknown): value is WaitHeartbeat {
  const v = value as Partial<WaitHeartbeat> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.readAt === 'number' &&
    typeof v.polls === 'number' &&
    typeof v.batch === 'object' &&
    v.batch !== null
  );
}

/**
 * The newest read the pending wait reported: its heartbeat, or the record on its last
 * not-terminal failure when that is newer (a heartbeat sent just before the attempt failed may
 * lose the race with the failure).
 */
async function latestRead(client: Client, pending: PendingActivity): Promise<WaitHeartbeat | undefined> {
  const converter = client.options.loadedDataConverter;
  const found: WaitHeartbeat[] = [];
  const [hb] = await decodeArrayFromPayloads(converter, pending.heartbeatDetails?.payloads ?? []);
  if (isWaitHeartbeat(hb)) found.push(hb);
  const failure = await decodeOptionalFailureToOptionalError(converter, pending.lastFailure ?? undefined);
  const fromFailure = failure instanceof ApplicationFailure ? failure.details?.[1] : undefined;
  if (isWaitHeartbeat(fromFailure)) found.push(fromFailure);
  return found.sort((a, b) => b.readAt - a.readAt)[0];
}

/**
 * The workflow's progress with the pending wait's latest read merged in, and a failing workflow
 * task when there is one (see workflow-task-health.ts).
 */
export async function progressWithLiveWait(
  client: Client,
  handle: WorkflowHandle,
  description?: WorkflowExecutionDescription,
): Promise<CancelProgress> {
  const desc = description ?? (await handle.describe());
  const failing = await failingWorkflowTask(client, desc);
  if (failing) return { ...(await progressWhileFailing(client, handle, desc)), workflowTask: failing };
  const state = await handle.query(progressQuery);
  const pending = desc.raw.pendingActivities?.find((a) => a.activityType?.name === WAIT_ACTIVITY);
  if (!pending) return state;
  const live: LiveWait = {
    attempt: pending.attempt ?? 1,
    lastHeartbeatAt: optionalTsToMs(pending.lastHeartbeatTime) ?? null,
    nextReadAt: optionalTsToMs(pending.nextAttemptScheduleTime) ?? null,
  };
  return mergeWaitHeartbeat(state, await latestRead(client, pending), live);
}
