/**
 * A cancellation whose workflow task keeps failing makes no progress and reports nothing: it stays
 * Running, its progress query may not be answered, and only the worker's log says why (e.g.
 * `BadSearchAttributes` on a namespace without the product's search attributes, or a
 * nondeterminism error after a bad deploy). `describe` counts the pending task's attempts; the
 * reason is the history's last WorkflowTaskFailed event (the server records the first failure of
 * a run of them, and counts the rest as attempts).
 */
import type { Client, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import { batchIdFromWorkflowId } from '../contract/constants';
import { progressQuery, type CancelProgress, type FailingWorkflowTask } from '../contract/progress';

export type { FailingWorkflowTask };

/** How much of a failure message is kept: enough for the cause and the attribute it names. */
const FAILURE_CHARS = 500;
/** Events read from the end of the history to find the failure; it is among the last few. */
const EVENTS_READ = 20;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > FAILURE_CHARS ? `${flat.slice(0, FAILURE_CHARS)}…` : flat;
}

/**
 * The pending workflow task when it has been tried more than once, with the last failure;
 * undefined for a run whose workflow task is fine (or that has none pending).
 */
export async function failingWorkflowTask(
  client: Client,
  description: WorkflowExecutionDescription,
): Promise<FailingWorkflowTask | undefined> {
  const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
  if (attempt < 2) return undefined;
  const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: client.options.namespace,
    execution: { workflowId: description.workflowId, runId: description.runId },
    maximumPageSize: EVENTS_READ,
  });
  const failed = history?.events?.find((e) => e.workflowTaskFailedEventAttributes);
  const failure = failed?.workflowTaskFailedEventAttributes?.failure;
  return { attempt, lastFailure: failure?.message ? oneLine(failure.message) : null };
}

/** One line for people: `workflow task failing (attempt 7): BadSearchAttributes: …`. */
export function failingTaskText(task: FailingWorkflowTask): string {
  return `workflow task failing (attempt ${task.attempt}): ${task.lastFailure ?? 'timed out (is a worker running this code?)'}`;
}

/** A query needs a workflow task that succeeds: while they fail, do not wait long for an answer. */
const QUERY_WHILE_FAILING_MS = 3_000;

/**
 * The progress query's answer if the worker gives one soon; otherwise what `describe` knows (the
 * start time): the workflow's own state is not reachable until its task succeeds.
 */
export async function progressWhileFailing(
  client: Client,
  handle: WorkflowHandle,
  desc: WorkflowExecutionDescription,
): Promise<CancelProgress> {
  try {
    return await client.withDeadline(Date.now() + QUERY_WHILE_FAILING_MS, () => handle.query(progressQuery));
  } catch {
    return {
      batchId: batchIdFromWorkflowId(desc.workflowId) ?? desc.workflowId,
      phase: 'requesting-cancel',
      batch: null,
      polls: 0,
      startedAt: desc.startTime.getTime(),
      lastReadAt: null,
      nextCheckInBy: null,
      cancelOutcome: null,
      results: null,
    };
  }
}

/** Describes read at once by {@link withFailingTasks}: a listing makes one per running row. */
const DESCRIBE_CONCURRENCY = 8;

/** Rows of a listing, each running one with its failing workflow task (if any) added. */
export async function withFailingTasks<
  R extends { workflowId: string; runId: string; workflowStatus: string },
>(client: Client, rows: R[]): Promise<(R & { workflowTask?: FailingWorkflowTask })[]> {
  const out: (R & { workflowTask?: FailingWorkflowTask })[] = [...rows];
  const running = rows.map((r, i) => [r, i] as const).filter(([r]) => r.workflowStatus === 'RUNNING');
  for (let start = 0; start < running.length; start += DESCRIBE_CONCURRENCY) {
    await Promise.all(
      running.slice(start, start + DESCRIBE_CONCURRENCY).map(async ([row, i]) => {
        const desc = await client.workflow.getHandle(row.workflowId, row.runId).describe();
        const failing = await failingWorkflowTask(client, desc);
        if (failing) out[i] = { ...row, workflowTask: failing };
      }),
    );
  }
  return out;
}
