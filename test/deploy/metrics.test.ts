/**
 * The worker's Prometheus endpoint: SDK metrics plus the product's counters move after a run.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { METRIC } from '../../src/contract/metric-names';
import { installRuntime } from '../../src/worker/metrics';
import { startWaitingGauges } from '../../src/worker/waiting-gauges';
import { startBatchCancellation } from '../../src/client/cancellations';
import { createDevServerEnv } from '../helpers/temporal-env';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { freePort } from '../../tools/devtools/ports';

function counter(text: string, name: string, label?: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && (!label || l.includes(label)))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/).pop()), 0);
}

describe('Prometheus metrics', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    installRuntime({ metricsPort: port, logLevel: 'WARN' });
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { cancelDelayMs: 500 } });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('exports SDK metrics and the product counters after a cancellation', async () => {
    const worker = await h.newWorker();
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 40 });
    h.sim.injectFault('batches.cancel', { kind: 'server_error', status: 503 }, 1);
    await worker.runUntil(async () => {
      const handle = await startBatchCancellation(
        env.client,
        { batchId: batch.id, poll: { initialInterval: '200ms', maxInterval: '1s' } },
        { taskQueue: h.taskQueue },
      );
      await handle.result();
    });
    // The exporter keeps values after the worker stops; poll briefly for the last flush.
    let text = '';
    for (let i = 0; i < 40; i++) {
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      if (
        counter(text, METRIC.cancellationsFinished) > 0 &&
        counter(text, METRIC.apiErrors) > 0 &&
        counter(text, `${METRIC.timeCancelling}_count`) > 0
      )
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(text).toMatch(/temporal_/);
    expect(counter(text, METRIC.cancellationsStarted)).toBeGreaterThanOrEqual(1);
    expect(counter(text, METRIC.cancellationsFinished, 'final_status="cancelled"')).toBeGreaterThanOrEqual(1);
    expect(counter(text, METRIC.resultLinesCollected, 'outcome="valid"')).toBe(40);
    expect(counter(text, METRIC.apiErrors, 'error_type="OpenAITransientError"')).toBeGreaterThanOrEqual(1);
    // The time spent waiting for the terminal status, for an alert on slow cancellations.
    expect(
      counter(text, `${METRIC.timeCancelling}_count`, 'final_status="cancelled"'),
    ).toBeGreaterThanOrEqual(1);
    expect(counter(text, `${METRIC.timeCancelling}_sum`)).toBeGreaterThan(0);
  });

  it('exports how many cancellations wait in cancelling and how long the oldest has waited', async () => {
    const worker = await h.newWorker();
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 40, cancelDelayMs: 600_000 });
    const gauges = startWaitingGauges(env.client, Runtime.instance().metricMeter, 60_000);
    try {
      await worker.runUntil(async () => {
        const handle = await startBatchCancellation(
          env.client,
          { batchId: batch.id, poll: { initialInterval: '200ms', maxInterval: '1s' } },
          { taskQueue: h.taskQueue },
        );
        // Visibility is eventually consistent: refresh until the cancellation is seen waiting.
        let figures = await gauges.refresh();
        for (let i = 0; i < 50 && figures.waiting === 0; i++) {
          await new Promise((r) => setTimeout(r, 200));
          figures = await gauges.refresh();
        }
        await new Promise((r) => setTimeout(r, 1_100));
        figures = await gauges.refresh();
        expect(figures.waiting).toBe(1);
        expect(figures.oldestWaitSeconds).toBeGreaterThan(1);
        let text = '';
        for (let i = 0; i < 20; i++) {
          text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          if (counter(text, METRIC.cancellationsWaiting) === 1) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        process.stdout.write(
          `${text
            .split('\n')
            .filter(
              (l) => l.startsWith(METRIC.cancellationsWaiting) || l.startsWith(METRIC.oldestWaitSeconds),
            )
            .join('\n')}\n`,
        );
        expect(counter(text, METRIC.cancellationsWaiting)).toBe(1);
        expect(counter(text, METRIC.oldestWaitSeconds)).toBeGreaterThan(1);
        await handle.terminate('test done');
      });
    } finally {
      gauges.stop();
    }
  });

  it('counts the salvaged tokens by model and kind, and an unbalanced collection', async () => {
    const worker = await h.newWorker();
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 60,
      content: { models: ['gpt-4.1-nano'], detailedUsage: true, strayResults: 1 },
    });
    const result = await worker.runUntil(async () => {
      const handle = await startBatchCancellation(
        env.client,
        { batchId: batch.id, poll: { initialInterval: '200ms', maxInterval: '1s' } },
        { taskQueue: h.taskQueue },
      );
      return handle.result();
    });
    const usage = result.results!.usage!.byModel['gpt-4.1-nano']!;
    const tokens = (text: string, kind: string) =>
      text
        .split('\n')
        .filter(
          (l) =>
            l.startsWith(METRIC.salvagedTokens) &&
            l.includes('model="gpt-4.1-nano"') &&
            l.includes(`kind="${kind}"`),
        )
        .reduce((sum, l) => sum + Number(l.trim().split(/\s+/).pop()), 0);
    let text = '';
    for (let i = 0; i < 40; i++) {
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      if (tokens(text, 'input') > 0 && counter(text, METRIC.unbalancedCollections) > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(tokens(text, 'input')).toBe(usage.inputTokens);
    expect(tokens(text, 'cached_input')).toBe(usage.cachedInputTokens);
    expect(tokens(text, 'output')).toBe(usage.outputTokens);
    expect(tokens(text, 'reasoning')).toBe(usage.reasoningTokens);
    expect(usage.reasoningTokens).toBeGreaterThan(0);
    expect(result.results!.reconciliation!.balanced).toBe(false);
    expect(counter(text, METRIC.unbalancedCollections)).toBe(1);
  });
});
