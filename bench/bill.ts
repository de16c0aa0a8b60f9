/**
 * The bill: what a cancellation costs the Temporal server and a Temporal Cloud user, by how long
 * the batch stays `cancelling` (1, 10 and 30 minutes, in real time) and how the end is noticed
 * (polling on the default schedule, or webhooks). Each case runs on its own dev server, worker
 * and simulator, side by side, so each server's counters are that case's alone:
 * - mutable-state writes (persistence UpdateWorkflowExecution), the server's work;
 * - Temporal Cloud actions as the server's own `action` counter estimates them
 *   (test/helpers/server-counters.ts): activity attempts, heartbeats, timers, signals, upserts,
 *   starts, one per workflow task with local activities.
 * With webhooks the event is the `batchEvent` signal the receiver sends (`webhooks` command),
 * sent here a second after the batch became cancelled.
 *
 *   tsx bench/bill.ts [--minutes 1,10,30] [--n 10] [--price-per-million 50]
 */
import { startBatchCancellation } from '../src/client/cancellations';
import { batchEventSignal } from '../src/contract/batch-event';
import { perCancellation } from '../test/helpers/server-counters';
import { COUNTER_FLUSH_MS } from '../test/helpers/server-counters';
import { arg, machine, mapLimit, round, runBench, sleep, startDurableStack } from './lib';

const MIN = 60_000;
const minutes = arg('minutes', '1,10,30').split(',').map(Number);
const n = Number(arg('n', '10'));
const pricePerMillion = Number(arg('price-per-million', '50'));
const perDay = 1_000;

type Mode = 'polling' | 'webhooks';

async function runCase(mode: Mode, delayMinutes: number) {
  const delayMs = delayMinutes * MIN;
  const stack = await startDurableStack(`bill-${mode}-${delayMinutes}`, delayMs);
  try {
    const ids = stack.seed(n);
    const before = await stack.serverCounters();
    const t0 = performance.now();
    const handles = await mapLimit(ids, 10, (batchId) =>
      startBatchCancellation(
        stack.env.client,
        { batchId, writeRemaining: false, ...(mode === 'webhooks' ? { webhooks: true } : {}) },
        { taskQueue: stack.taskQueue, rerunIfFinished: true },
      ),
    );
    if (mode === 'webhooks') {
      // OpenAI's batch.cancelled event, a second after the batch became cancelled.
      await sleep(Math.max(0, delayMs + 1_000 - (performance.now() - t0)));
      await mapLimit(handles, 10, (h, i) =>
        h.signal(batchEventSignal, { eventId: `evt_bill_${i}`, type: 'batch.cancelled' }),
      );
    }
    const results = await Promise.all(handles.map((h) => h.result()));
    const wallMs = performance.now() - t0;
    const after = await sleep(COUNTER_FLUSH_MS).then(() => stack.serverCounters());
    const work = perCancellation(before, after, n);
    const writes = work.persistenceByOperation.UpdateWorkflowExecution ?? 0;
    return {
      mode,
      cancellingMinutes: delayMinutes,
      n,
      finished: results.filter((r) => r.finalStatus === 'cancelled').length,
      wallMs: round(wallMs, 0),
      apiCallsPerCancellation: round(results.reduce((a, r) => a + r.polls, 0) / n + 1, 2),
      writesPerCancellation: writes,
      actionsPerCancellation: work.actions,
      heartbeatsPerCancellation: work.frontendByOperation.RecordActivityTaskHeartbeat ?? 0,
      actionsByType: work.actionsByType,
      frontendByOperation: work.frontendByOperation,
      dollarsPerDayAt1000: round((work.actions * perDay * pricePerMillion) / 1_000_000, 4),
    };
  } finally {
    await stack.close();
  }
}

async function main() {
  const cases: [Mode, number][] = [];
  for (const m of minutes) for (const mode of ['polling', 'webhooks'] as const) cases.push([mode, m]);
  // Side by side: every case waits in real time, so the run takes as long as the longest case.
  const runs = await Promise.all(cases.map(([mode, m]) => runCase(mode, m)));
  return {
    benchmark: 'bill',
    machine: machine(),
    pricePerMillionActions: pricePerMillion,
    cancellationsPerDay: perDay,
    runs,
  };
}

runBench(main);
