/**
 * What `cancel` waits for after a start: the outcome of the cancel request, which the workflow
 * knows at the end of its first workflow task (the request is a local activity inside it). Read
 * from outside, with describe and the `progress` query, so the workflow's commands stay as they are.
 * Bounded: without a worker nothing answers, and the user is told so.
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { cancelWorkflowId } from '../contract/constants';
import { accountOf } from '../contract/account';
import { accountFlag } from '../contract/account';
import { progressQuery } from '../contract/progress';
import type { StartOutcome } from '../client/start-cancellation';
import { print } from './common';
import { cancellationFailed, describeError, ExitCode } from './errors';
import { mapBounded } from './pool';
import { failingTaskText, failingWorkflowTask } from '../client/workflow-task-health';

/** @default 30 s: a running worker answers within a second; a 5xx retried may take longer. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const POLL_MS = 250;

export type RequestOutcome =
  /** The cancel was requested: the batch is `cancelling` (or already `cancelled`). */
  | { outcome: 'cancel-requested'; batchStatus: string }
  /** The batch had already finished: the workflow goes on to collect what it has. */
  | { outcome: 'already-terminal'; batchStatus: string }
  /** The request failed (404, 401, ...): the run failed with this line. */
  | { outcome: 'failed'; error: string }
  /** No answer in time: no worker took the workflow's first task, or the request is being retried. */
  | { outcome: 'no-answer'; error: string };

/** Start outcomes after which a cancel request is (or was just) made by a run we can watch. */
const REQUESTING: readonly StartOutcome[] = [
  'started',
  'already-running',
  'restarted-after-failure',
  'rerun-after-finish',
];

export function requestsCancel(start: StartOutcome | undefined): boolean {
  return start !== undefined && REQUESTING.includes(start);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Events of a run whose first workflow task never started: started + task scheduled. */
const UNTOUCHED_HISTORY_LENGTH = 2;

export async function awaitRequestOutcome(
  client: Client,
  ref: { batchId: string; account?: string | undefined },
  runId: string | undefined,
  opts: { timeoutMs: number; taskQueue: string },
): Promise<RequestOutcome> {
  const { batchId } = ref;
  const handle = client.workflow.getHandle(cancelWorkflowId(batchId, accountOf(ref)), runId);
  const follow = `\`openai-batch-cancel status ${batchId}${accountFlag(ref.account)}\``;
  const deadline = Date.now() + opts.timeoutMs;
  let historyLength = 0;
  for (;;) {
    const description = await handle.describe();
    historyLength = description.historyLength;
    if (description.status.name === 'COMPLETED') {
      const result = await handle.result();
      return result.cancelOutcome === 'already-terminal'
        ? { outcome: 'already-terminal', batchStatus: result.batch.status }
        : { outcome: 'cancel-requested', batchStatus: result.batch.status };
    }
    if (description.status.name !== 'RUNNING') {
      try {
        await handle.result();
      } catch (err) {
        if (err instanceof WorkflowFailedError)
          return { outcome: 'failed', error: cancellationFailed(batchId, err).message };
        throw err;
      }
      return { outcome: 'failed', error: `cancellation of ${batchId} ended ${description.status.name}` };
    }
    // A task that keeps failing (a namespace without the search attributes, a bad deploy) will
    // not answer before the deadline: say why now, since the run waits until someone fixes it.
    const failing = await failingWorkflowTask(client, description);
    if (failing) {
      return {
        outcome: 'no-answer',
        error: `the cancellation of ${batchId} is started but makes no progress: its ${failingTaskText(failing)}; fix that on the worker and it goes on (follow it with ${follow})`,
      };
    }
    // Only a worker answers a query: ask once the first task was taken, never before.
    if (historyLength > UNTOUCHED_HISTORY_LENGTH) {
      // A query that fails (a failing workflow task) is no outcome yet: the deadline bounds it.
      const progress = await handle.query(progressQuery).catch(() => undefined);
      if (progress?.cancelOutcome && progress.batch) {
        return progress.cancelOutcome === 'already-terminal'
          ? { outcome: 'already-terminal', batchStatus: progress.batch.status }
          : { outcome: 'cancel-requested', batchStatus: progress.batch.status };
      }
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
  const waited = `${Math.round(opts.timeoutMs / 1000)}s`;
  return {
    outcome: 'no-answer',
    error:
      historyLength <= UNTOUCHED_HISTORY_LENGTH
        ? `no worker took up the cancellation of ${batchId} within ${waited}: start one on task queue ${opts.taskQueue} (\`openai-batch-cancel worker\`); the cancellation is started and runs when one does`
        : `the cancel request for ${batchId} has no answer yet after ${waited} (being retried): follow it with ${follow}`,
  };
}

/** One line for stdout saying what the request found. */
export function requestText(batchId: string, r: RequestOutcome): string | undefined {
  if (r.outcome === 'cancel-requested') return `${batchId}: cancel requested: batch is ${r.batchStatus}`;
  if (r.outcome === 'already-terminal') return `${batchId}: already ${r.batchStatus}: collecting what it has`;
  return undefined;
}

/** What `cancel` knows of one batch, as far as this step reads and writes it. */
export interface Requestable {
  batchId: string;
  account?: string;
  runId?: string;
  start?: StartOutcome;
  ok: boolean;
  error?: string;
  request?: RequestOutcome;
}

/** Request answers read at once: each is a describe and a query every 250 ms, so this caps load. */
const CONFIRM_CONCURRENCY = 64;

/**
 * `cancel`'s step after the starts: the answer of each cancel request, printed as one line (or,
 * when it failed or did not come, one line on stderr). Skipped with `--no-wait-for-request`.
 */
export async function confirmRequests<T extends Requestable>(
  client: Client,
  outcomes: T[],
  opts: {
    waitForRequest?: boolean;
    requestTimeout?: number;
    taskQueue: string;
    json?: boolean;
    wait?: boolean;
  },
): Promise<T[]> {
  if (opts.waitForRequest === false) return outcomes;
  return mapBounded(outcomes, CONFIRM_CONCURRENCY, async (o): Promise<T> => {
    if (!o.ok || !requestsCancel(o.start)) return o;
    const request = await awaitRequestOutcome(client, o, o.runId, {
      timeoutMs: opts.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
      taskQueue: opts.taskQueue,
    }).catch((err: unknown): RequestOutcome => ({ outcome: 'no-answer', error: describeError(err).line }));
    const line = requestText(o.batchId, request);
    if (line && !opts.json) print(line);
    if (!('error' in request)) return { ...o, request };
    process.stderr.write(`openai-batch-cancel: ${request.error}\n`);
    // Unanswered under --wait: go on waiting for the result, as asked.
    const ok = request.outcome === 'no-answer' && opts.wait === true;
    return { ...o, request, ok, error: request.error };
  });
}

/** 3 (not finished) when every batch that is not ok only went unanswered, else 1 (failed). */
export function cancelExitCode(outcomes: readonly Requestable[]): number {
  const unanswered = (o: Requestable) => o.request?.outcome === 'no-answer';
  return outcomes.every((o) => o.ok || unanswered(o)) ? ExitCode.NotFinished : ExitCode.Failed;
}
