/**
 * Schedule management for the periodic cleanup (`cleanupBatchesWorkflow`): create or update
 * (idempotent), describe, pause, unpause, trigger now, delete. Overlap policy SKIP: a cleanup that
 * is still running is never doubled by the next tick.
 *
 * @example
 * ```ts
 * await upsertCleanupSchedule(client, { interval: '1h', policy: { maxAge: '24h' } });
 * await triggerCleanupSchedule(client);
 * ```
 */
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleHandle,
  type ScheduleSpec,
  type ScheduleSpecDescription,
} from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { describeZodError } from '../contract/cancel-input';
import { CleanupPolicySchema, type CleanupPolicyInput } from '../contract/cleanup-policy';
import { isDefaultAccount } from '../contract/account';
import { DEFAULT_TASK_QUEUE, WORKFLOW_TYPES } from '../contract/constants';
import type { cleanupBatchesWorkflow } from '../workflows/cleanup-batches';
import { BatchCancelError } from '../contract/errors';

/** Schedule id used when none is given. */
export const DEFAULT_CLEANUP_SCHEDULE_ID = 'openai-batch-cleanup';

/**
 * The cleanup schedule's id for an account: one schedule per account, the default's unchanged
 * (`openai-batch-cleanup`), another's `openai-batch-cleanup:<account>`.
 */
export function cleanupScheduleId(account?: string): string {
  return isDefaultAccount(account)
    ? DEFAULT_CLEANUP_SCHEDULE_ID
    : `${DEFAULT_CLEANUP_SCHEDULE_ID}:${account}`;
}

/** Thrown when a schedule's timing or policy is invalid, before anything is created. */
export class InvalidScheduleError extends BatchCancelError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidScheduleError';
  }
}

/** What `upsertCleanupSchedule` creates: timing (interval or cron), policy and task queue. */
export interface CleanupScheduleOptions {
  /** @default 'openai-batch-cleanup' */
  scheduleId?: string;
  /** Run every this long ('1h', '15 minutes'). Give exactly one of `interval` and `cron`. */
  interval?: string | number;
  /** Cron expression ('0 * * * *'), in UTC. */
  cron?: string;
  policy: CleanupPolicyInput;
  /** @default 'openai-batch-cancel' */
  taskQueue?: string;
  /** How late a missed run (server down) may still start. @default '10 minutes' */
  catchupWindow?: string | number;
  /** Create the schedule paused (runs only when triggered). Ignored on update. @default false */
  paused?: boolean;
  /** Free text shown with the schedule. */
  note?: string;
}

/** Whether `upsertCleanupSchedule` created the schedule or updated the existing one. */
export interface UpsertResult {
  scheduleId: string;
  outcome: 'created' | 'updated';
}

function build(opts: CleanupScheduleOptions) {
  if ((opts.interval === undefined) === (opts.cron === undefined)) {
    throw new InvalidScheduleError('give exactly one of interval (e.g. "1h") or cron (e.g. "0 * * * *")');
  }
  const parsed = CleanupPolicySchema.safeParse(opts.policy);
  if (!parsed.success)
    throw new InvalidScheduleError(`invalid cleanup policy: ${describeZodError(parsed.error)}`);
  const scheduleId = opts.scheduleId ?? cleanupScheduleId(parsed.data.account);
  const spec: ScheduleSpec =
    opts.cron !== undefined
      ? { cronExpressions: [opts.cron] }
      : { intervals: [{ every: opts.interval as never }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: WORKFLOW_TYPES.cleanupBatches,
    workflowId: scheduleId,
    taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
    args: [opts.policy] as Parameters<typeof cleanupBatchesWorkflow>,
    staticSummary: `Scheduled cleanup of stale and expired OpenAI batches${parsed.data.dryRun ? ' (dry run)' : ''}`,
  };
  const policies = {
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: (opts.catchupWindow ?? '10 minutes') as never,
  };
  return { scheduleId, spec, action, policies, lookbackMs: parsed.data.lookback };
}

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10}h`;

/**
 * Rejects a lookback longer than the namespace's retention: a batch still inside the window whose
 * finished child was deleted by retention would be processed (collected) again. A client that may
 * not describe the namespace skips the check.
 */
async function checkLookback(client: Client, lookbackMs: number): Promise<void> {
  let retentionMs: number | undefined;
  try {
    const ns = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
    retentionMs = optionalTsToMs(ns.config?.workflowExecutionRetentionTtl);
  } catch {
    return;
  }
  if (retentionMs === undefined || retentionMs <= 0 || lookbackMs <= retentionMs) return;
  throw new InvalidScheduleError(
    `invalid cleanup policy: lookback ${hours(lookbackMs)} is longer than the retention of namespace ` +
      `${client.options.namespace} (${hours(retentionMs)}): batches whose cancellation records were ` +
      `deleted would be collected again. Set policy.lookback (--lookback) to at most ${hours(retentionMs)}, ` +
      `or raise the namespace's retention.`,
  );
}

/**
 * Creates the cleanup schedule, or updates it in place if it exists (same id): safe to repeat.
 * Throws InvalidScheduleError when the policy's lookback exceeds the namespace's retention.
 */
export async function upsertCleanupSchedule(
  client: Client,
  opts: CleanupScheduleOptions,
): Promise<UpsertResult> {
  const { scheduleId, spec, action, policies, lookbackMs } = build(opts);
  await checkLookback(client, lookbackMs);
  const note = opts.note ?? 'openai-batch-cancel cleanup';
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies,
      state: { paused: opts.paused ?? false, note },
    });
    return { scheduleId, outcome: 'created' };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((prev) => ({
    spec,
    action,
    policies,
    state: { paused: prev.state.paused, note },
  }));
  return { scheduleId, outcome: 'updated' };
}

function handle(client: Client, scheduleId?: string): ScheduleHandle {
  return client.schedule.getHandle(scheduleId ?? DEFAULT_CLEANUP_SCHEDULE_ID);
}

/** What `describeCleanupSchedule` returns. */
export interface CleanupScheduleInfo {
  scheduleId: string;
  paused: boolean;
  note: string | undefined;
  /** Intervals as ms, and cron expressions as the server keeps them (calendars). */
  spec: ScheduleSpecDescription;
  policy: CleanupPolicyInput | undefined;
  taskQueue: string | undefined;
  /** Runs started by the schedule, oldest first (the server keeps the last few). */
  recentRuns: { workflowId: string; firstRunId: string; scheduledAt: Date; takenAt: Date }[];
  nextRunTimes: Date[];
  runsTaken: number;
}

/** What the schedule is set to do, and what it did lately. */
export async function describeCleanupSchedule(
  client: Client,
  scheduleId?: string,
): Promise<CleanupScheduleInfo> {
  const d = await handle(client, scheduleId).describe();
  const action = d.action.type === 'startWorkflow' ? d.action : undefined;
  return {
    scheduleId: d.scheduleId,
    paused: d.state.paused,
    note: d.state.note,
    spec: d.spec,
    policy: action?.args?.[0] as CleanupPolicyInput | undefined,
    taskQueue: action?.taskQueue,
    recentRuns: d.info.recentActions.map((a) => ({
      workflowId: a.action.workflow.workflowId,
      firstRunId: a.action.workflow.firstExecutionRunId,
      scheduledAt: a.scheduledAt,
      takenAt: a.takenAt,
    })),
    nextRunTimes: d.info.nextActionTimes,
    runsTaken: d.info.numActionsTaken,
  };
}

/** Pauses the schedule (no runs until unpaused or triggered); `note` is shown with it. */
export async function pauseCleanupSchedule(
  client: Client,
  scheduleId?: string,
  note?: string,
): Promise<void> {
  await handle(client, scheduleId).pause(note);
}

/** Resumes a paused schedule; `note` is shown with it. */
export async function unpauseCleanupSchedule(
  client: Client,
  scheduleId?: string,
  note?: string,
): Promise<void> {
  await handle(client, scheduleId).unpause(note);
}

/** Starts a cleanup now. Overlap SKIP by default: nothing happens while one is still running. */
export async function triggerCleanupSchedule(
  client: Client,
  scheduleId?: string,
  overlap: ScheduleOverlapPolicy = ScheduleOverlapPolicy.SKIP,
): Promise<void> {
  await handle(client, scheduleId).trigger(overlap);
}

/** Deletes the schedule; running cleanups and their children go on. */
export async function deleteCleanupSchedule(client: Client, scheduleId?: string): Promise<void> {
  await handle(client, scheduleId).delete();
}
