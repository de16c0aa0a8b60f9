/**
 * cancelBatchWorkflow: request the cancel, wait until the batch is terminal, collect its partial
 * results. Deterministic: no I/O here, only activities, timers and state. The run's state and
 * handlers are in cancel-run.ts, the wait in wait-for-terminal.ts.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  metricMeter,
  proxyActivities,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { collectResultsOptions } from '../contract/activity-options';
import { terminalOutcome, type BatchSnapshot } from '../contract/batch-snapshot';
import type { CancelBatchCarry } from '../contract/cancel-carry';
import type { CancelBatchInput } from '../contract/cancel-input';
import { METRIC } from '../contract/metric-names';
import type { CancelBatchResult } from '../contract/results';
import { accountOfInput, batchIdOf, begin, resumed } from './begin';
import { accountField, accountOf } from '../contract/account';
import { CancelRun } from './cancel-run';
import { waitForTerminal, type WaitStart } from './wait-for-terminal';

export { MAX_EVENTS_PER_RUN } from './wait-for-terminal';

const { collectResults } = proxyActivities<Activities>(collectResultsOptions);

/**
 * @param carry set only by the workflow itself when it continues as new: what the run so far
 *   knew (options, cancel outcome, progress, poll schedule, events seen). Callers pass the input only.
 */
export async function cancelBatchWorkflow(
  rawInput: CancelBatchInput,
  carry?: CancelBatchCarry,
): Promise<CancelBatchResult> {
  const run = new CancelRun(
    carry?.options.batchId ?? batchIdOf(rawInput),
    // A carry from a run that predates accounts has none: it was the default's.
    carry ? accountOf(carry.options) : accountOfInput(rawInput),
    carry,
  );
  run.listen();
  if (!carry) metricMeter.createCounter(METRIC.cancellationsStarted).add(1);

  const start = carry ? resumed(carry) : await begin(run, rawInput);
  const waited = await waitForTerminal(run, start);
  if ('continueWith' in waited)
    return continueAsNew<typeof cancelBatchWorkflow>(rawInput, waited.continueWith);
  const batch = waited.terminal;
  const { state } = run;
  const terminalSeenAt = Date.now();
  state.nextCheckInBy = null;
  state.detectedBy = run.terminalBy ?? 'poll';
  if (start.cancelOutcome !== 'already-terminal') {
    metricMeter
      .createHistogram(
        METRIC.timeCancelling,
        'float',
        undefined,
        'time from the cancel request until the batch was seen terminal',
      )
      .record((terminalSeenAt - state.startedAt) / 1000, { final_status: batch.status });
  }

  await collect(run, start.options, batch);
  // A refresh sent during the collection gets its answer before the run completes.
  await condition(allHandlersFinished);
  state.phase = 'done';
  run.report();
  run.finished.add(1, { final_status: batch.status });
  const finishedAt = Date.now();
  return {
    batchId: run.batchId,
    ...accountField(run.account),
    finalStatus: batch.status,
    outcome: terminalOutcome(batch),
    cancelOutcome: start.cancelOutcome,
    requestCounts: batch.requestCounts,
    batch,
    results: state.results,
    polls: state.polls,
    timings: {
      startedAt: state.startedAt,
      terminalSeenAt,
      finishedAt,
      waitedMs: terminalSeenAt - state.startedAt,
    },
  };
}

/** Streams the results into the store, when the input asks for them for this outcome. */
async function collect(run: CancelRun, options: WaitStart['options'], batch: BatchSnapshot): Promise<void> {
  const wanted =
    options.collectResults === 'always' ||
    (options.collectResults === 'if-cancelled' && batch.outcome === 'cancelled');
  if (!wanted) return;
  run.state.phase = 'collecting-results';
  run.report();
  run.state.results = await collectResults.executeWithOptions(
    { ...collectResultsOptions, summary: `download results of ${run.batchId} (${batch.status})` },
    [
      {
        batchId: run.batchId,
        ...accountField(run.account),
        resultRefs: batch.resultRefs,
        writeRemaining: options.writeRemaining,
        ...(options.requests !== undefined ? { requests: options.requests } : {}),
        batchErrors: batch.errors,
        batchUsage: batch.usage,
      },
    ],
  );
}
