/**
 * Gauges of cancellations still waiting on OpenAI, for alerting: how many are `cancelling` now and
 * how long the oldest has waited. Read from Temporal visibility (not from this worker's memory), so
 * every worker reports the same fleet-wide figures and a restart loses nothing; alert on `max()`.
 */
import type { Client } from '@temporalio/client';
import { WORKFLOW_TYPES } from '../contract/constants';
import type { MetricMeter } from '@temporalio/common';
import { METRIC } from '../contract/metric-names';
import { OPENAI_BATCH_STATUS } from '../contract/search-attributes';

/** The Temporal UI saved-view query for the same set (README). */
export const WAITING_QUERY =
  `WorkflowType = '${WORKFLOW_TYPES.cancelBatch}' AND ExecutionStatus = 'Running' AND ` +
  `${OPENAI_BATCH_STATUS.name} = 'cancelling'`;

export interface WaitingFigures {
  waiting: number;
  oldestWaitSeconds: number;
}

/** Counts running cancellations whose batch is `cancelling`, and the age of the oldest. */
export async function readWaiting(client: Client, now = Date.now()): Promise<WaitingFigures> {
  let waiting = 0;
  let oldest = now;
  for await (const wf of client.workflow.list({ query: WAITING_QUERY })) {
    waiting++;
    oldest = Math.min(oldest, wf.startTime.getTime());
  }
  return { waiting, oldestWaitSeconds: Math.max(0, (now - oldest) / 1000) };
}

export interface WaitingGauges {
  /** Reads visibility and sets the gauges now. */
  refresh(): Promise<WaitingFigures>;
  stop(): void;
}

/**
 * Sets `openai_batch_cancellations_waiting` and `openai_batch_oldest_wait_seconds` every `everyMs`.
 * A failed read (server briefly unreachable) keeps the last values and tries again next time.
 */
export function startWaitingGauges(client: Client, meter: MetricMeter, everyMs = 30_000): WaitingGauges {
  const waitingGauge = meter.createGauge(
    METRIC.cancellationsWaiting,
    'int',
    undefined,
    'running cancellations whose batch is cancelling',
  );
  const oldestGauge = meter.createGauge(
    METRIC.oldestWaitSeconds,
    'float',
    undefined,
    'age of the oldest running cancellation whose batch is cancelling',
  );
  const refresh = async () => {
    const figures = await readWaiting(client);
    waitingGauge.set(figures.waiting);
    oldestGauge.set(figures.oldestWaitSeconds);
    return figures;
  };
  const timer = setInterval(() => void refresh().catch(() => undefined), everyMs);
  timer.unref();
  void refresh().catch(() => undefined);
  return { refresh, stop: () => clearInterval(timer) };
}
