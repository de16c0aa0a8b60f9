/**
 * `cancel <batchId...>`: starts (or finds) one cancellation per batch, a bounded number of start
 * calls at a time, and says for each what it found; with `--wait`, then awaits every result. Every
 * cancellation is started before any is waited for: a wait takes minutes, and a batch whose cancel
 * is not requested yet keeps running and billing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { Command, Option } from 'commander';
import {
  awaitCancellationResult,
  startBatchCancellation,
  type CancelBatchInput,
  type PreviousRun,
  type StartOutcome,
} from '../../client/cancellations';
import { COLLECT_MODES, type CollectMode } from '../../contract/cancel-input';
import { cancelWorkflowId } from '../../contract/constants';
import type { CancelBatchResult } from '../../contract/results';
import {
  checkBatchId,
  cliProvider,
  positiveInt,
  print,
  printJson,
  withCommonOptions,
  type CommonOptions,
} from '../common';
import { withTemporal } from '../connect';
import { durationOption, durationProblem, parseDuration } from '../duration';
import {
  cancelExitCode,
  confirmRequests,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type RequestOutcome,
} from '../request-outcome';
import { cancellationFailed, CliError, describeError, ExitCode } from '../errors';
import { resultText, startText } from '../format';
import { mapBounded } from '../pool';
import { cliAccounts, resolveAccount, withAccountOption, type AccountOption } from '../accounts';
import { accountField } from '../../contract/account';

interface CancelOptions extends CommonOptions, AccountOption {
  fromFile?: string;
  concurrency: number;
  wait?: boolean;
  maxWait?: string;
  collect?: CollectMode;
  pollInterval?: string;
  stuckAfter?: string;
  reason?: string;
  requests?: string;
  rerun?: boolean;
  webhooks?: boolean;
  /** Commander sets both (defaults true and 30 s). */
  waitForRequest?: boolean;
  requestTimeout?: number;
}

interface CancelOutcome {
  batchId: string;
  /** Absent for the default account. */
  account?: string;
  workflowId: string;
  /** Absent when the start itself failed. */
  start?: StartOutcome;
  runId?: string;
  previous?: PreviousRun;
  ok: boolean;
  result?: CancelBatchResult;
  error?: string;
  /** What the cancel request found (absent with --no-wait-for-request). */
  request?: RequestOutcome;
}

/** Results awaited at once with --wait: each is one long poll, so this only caps open streams. */
const WAIT_CONCURRENCY = 256;

/** Ids from the arguments and from `--from-file` (one per line; blank lines and `#` comments skipped). */
export function collectBatchIds(args: string[], fromFile?: string, account?: string): string[] {
  const ids = [...args];
  if (fromFile) {
    let text: string;
    try {
      text = fs.readFileSync(fromFile, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read --from-file ${fromFile}: ${(err as Error).message}`, ExitCode.Usage);
    }
    ids.push(
      ...text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
  }
  if (ids.length === 0)
    throw new CliError('no batch ids: pass them as arguments or with --from-file', ExitCode.Usage);
  return [...new Set(ids.map((id) => checkBatchId(id, account)))];
}

function duration(name: string, value: string): number {
  const problem = durationProblem(value);
  if (problem) throw new CliError(`${name}: ${problem}`, ExitCode.Usage);
  return parseDuration(value);
}

/** A relative path means nothing to a worker elsewhere: it is made absolute where the CLI runs. */
function requestsLocation(value: string): string {
  return value.startsWith('file://') || path.isAbsolute(value) ? value : path.resolve(value);
}

export function buildInput(batchId: string, opts: CancelOptions): CancelBatchInput {
  const input: CancelBatchInput = { batchId, ...accountField(opts.account) };
  if (opts.maxWait) input.maxWait = duration('--max-wait', opts.maxWait);
  if (opts.stuckAfter) input.stuckAfter = duration('--stuck-after', opts.stuckAfter);
  if (opts.collect) input.collectResults = opts.collect;
  if (opts.reason) input.reason = opts.reason;
  if (opts.requests) input.requests = requestsLocation(opts.requests);
  if (opts.webhooks) input.webhooks = true;
  if (opts.pollInterval) {
    const initialInterval = duration('--poll-interval', opts.pollInterval);
    // The cap follows the defaults (and `--webhooks`); it is raised to the first interval if below.
    input.poll = { initialInterval };
    // No early check-ins: status and watch read each poll from the wait's heartbeat, history stays small.
  }
  return input;
}

export function cancelCommand(): Command {
  return withCommonOptions(
    withAccountOption(new Command('cancel'), "the batches' account")
      .description('cancel OpenAI batches durably and collect their partial results')
      .argument('[batchId...]', 'batch ids such as batch_abc123')
      .option('--from-file <path>', 'read batch ids from a file, one per line')
      .option(
        '--concurrency <n>',
        'start calls in flight at once; with --wait, every cancellation is started before any wait',
        positiveInt,
        8,
      )
      .option('--wait', 'wait for each cancellation to finish and print its result')
      .option('--max-wait <duration>', 'give up waiting for a terminal status after this long (default 2h)')
      .addOption(new Option('--collect <mode>', 'when to download the result files').choices(COLLECT_MODES))
      .option(
        '--poll-interval <duration>',
        'first wait between two reads of the batch (default 5s; 30 min with --webhooks)',
      )
      .option(
        '--stuck-after <duration>',
        'mark the cancellation stuck if still cancelling after this (default 30m)',
      )
      .option('--reason <text>', 'shown in the Temporal UI, e.g. who asked')
      .option(
        '--requests <path>',
        'Anthropic: the {custom_id, params} JSONL that was submitted (a path the worker can read), so remaining.jsonl holds full requests',
      )
      .option(
        '--webhooks',
        'OpenAI webhooks reach the `webhooks` receiver: an event ends the wait, a read every 30 min is the fallback',
      )
      .option(
        '--no-wait-for-request',
        "print the start and exit, without waiting for the cancel request's answer",
      )
      .addOption(
        durationOption(
          '--request-timeout <duration>',
          "how long to wait for the cancel request's answer",
          DEFAULT_REQUEST_TIMEOUT_MS,
        ),
      )
      .option(
        '--rerun',
        'start again even if the last cancellation completed (e.g. to collect again); failed runs restart without it',
      ),
  ).action(async (args: string[], opts: CancelOptions) => {
    const account = resolveAccount(opts);
    const accounts = cliAccounts()?.names(true);
    const batchIds = collectBatchIds(args, opts.fromFile, account);
    const provider = cliProvider(account).name;
    const inputs = batchIds.map((id) => buildInput(id, opts));
    const outcomes = await withTemporal(
      { connectTimeoutMs: opts.connectTimeout },
      async ({ client, config, target }) => {
        const failed = (o: CancelOutcome, err: unknown): CancelOutcome => {
          const line =
            err instanceof WorkflowFailedError
              ? cancellationFailed(o.batchId, err).message
              : describeError(err, { address: target.address }).line;
          process.stderr.write(`openai-batch-cancel: ${line}\n`);
          return { ...o, ok: false, error: line };
        };
        // 1. Request every cancellation (each workflow's first step is the cancel request).
        const started = await mapBounded(inputs, opts.concurrency, async (input): Promise<CancelOutcome> => {
          const batchId = input.batchId;
          const base: CancelOutcome = {
            batchId,
            ...accountField(account),
            workflowId: cancelWorkflowId(batchId, account),
            ok: true,
          };
          try {
            const { start } = await startBatchCancellation(client, input, {
              taskQueue: config.TEMPORAL_TASK_QUEUE,
              provider,
              rerunIfFinished: opts.rerun ?? false,
              ...(accounts ? { accounts } : {}),
            });
            if (!opts.json) print(startText(batchId, start));
            const o: CancelOutcome = { ...base, start: start.outcome, runId: start.runId };
            if (start.previous) o.previous = start.previous;
            if (start.result) o.result = start.result;
            return o;
          } catch (err) {
            return failed(base, err);
          }
        });
        // 2. What each cancel request found: known within the run's first workflow task.
        const requested = await confirmRequests(client, started, {
          ...opts,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
        });
        if (!opts.wait) return requested;
        // 3. Then wait for all of them, printing each result as it arrives.
        return mapBounded(requested, WAIT_CONCURRENCY, async (o): Promise<CancelOutcome> => {
          if (!o.ok) return o;
          try {
            const result = o.result ?? (await awaitCancellationResult(client, o));
            if (!opts.json) print(`${resultText(result)}\n`);
            return { ...o, result };
          } catch (err) {
            return failed(o, err);
          }
        });
      },
    );
    if (opts.json) printJson({ cancellations: outcomes });
    if (outcomes.some((o) => !o.ok)) process.exitCode = cancelExitCode(outcomes);
  });
}
