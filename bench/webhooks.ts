/**
 * Detection delay with and without webhooks: N batches cancelled concurrently on the dev server
 * (production worker in its own process), the simulator sending signed events to the receiver in
 * this process. Delay = the simulator's terminal transition → the workflow leaving the wait
 * (`timings.terminalSeenAt`). Phase 1: `webhooks: true` (fallback: one read every 15 min). Phase 2:
 * every event dropped, today's default poll schedule (5 s ×1.5, max 60 s).
 *
 *   tsx bench/webhooks.ts [--n 100] [--min-delay-ms 2000] [--max-delay-ms 8000]
 */
import {
  awaitCancellationResult,
  startBatchCancellation,
  type CancelBatchInput,
} from '../src/client/cancellations';
import { createWebhookHandler } from '../src/webhooks/handler';
import { startWebhookServer } from '../src/webhooks/server';
import { newWebhookSecret, startSimulator } from '../tools/simulator';
import { createDevServerEnv } from '../test/helpers/temporal-env';
import { arg, machine, mapLimit, REQUESTS_PER_BATCH, round, runBench, spawnWorker } from './lib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const n = Number(arg('n', '100'));
const minDelay = Number(arg('min-delay-ms', '2000'));
const maxDelay = Number(arg('max-delay-ms', '8000'));

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, p50Ms: round(at(0.5), 0), p95Ms: round(at(0.95), 0), maxMs: round(at(1), 0) };
}

async function main() {
  const env = await createDevServerEnv();
  const secret = newWebhookSecret();
  const taskQueue = `webhooks-${process.pid}`;
  const handler = createWebhookHandler({ client: env.client, secret });
  const receiver = await startWebhookServer({ handler, client: env.client, port: 0, host: '127.0.0.1' });
  const sim = await startSimulator({
    timing: { perRequestMs: 60_000 },
    webhooks: { url: receiver.url, secret, tickMs: 20 },
  });
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-webhooks-'));
  const worker = await spawnWorker({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: sim.url,
    OPENAI_API_KEY: sim.apiKey,
    RESULTS_DIR: resultsDir,
  });
  const calls = () => sim.stats().requests['batches.retrieve'] + sim.stats().requests['batches.cancel'];

  async function phase(input: Omit<CancelBatchInput, 'batchId'>) {
    const ids = Array.from(
      { length: n },
      (_, i) =>
        sim.seedBatch({
          status: 'in_progress',
          requests: REQUESTS_PER_BATCH,
          cancelDelayMs: minDelay + Math.round(((maxDelay - minDelay) * i) / Math.max(1, n - 1)),
        }).id,
    );
    const before = calls();
    await mapLimit(ids, 20, (batchId) =>
      startBatchCancellation(env.client, { ...input, batchId, collectResults: 'never' }, { taskQueue }),
    );
    const results = await mapLimit(ids, 50, (batchId) => awaitCancellationResult(env.client, batchId));
    const transitions = new Map(sim.webhookStats().events.map((e) => [e.batchId, e.transitionAt]));
    const delays = results.map((r, i) => r.timings.terminalSeenAt - transitions.get(ids[i]!)!);
    // Where the slowest one spent its time: history events after its transition.
    const slowest = delays.indexOf(Math.max(...delays));
    const history = await env.client.workflow.getHandle(`cancel-batch:${ids[slowest]}`).fetchHistory();
    const t0 = transitions.get(ids[slowest]!)!;
    const timeline = (history.events ?? [])
      .map((e) => ({
        ms: Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6) - t0,
        event: String(e.eventType),
      }))
      .filter((e) => e.ms > -1000)
      .map((e) => `${e.ms} ms ${e.event}`);
    return {
      detectionDelay: stats(delays),
      apiCallsPerCancellation: round((calls() - before) / n, 2),
      slowest: { delayMs: delays[slowest], timeline },
    };
  }

  const webhooks = await phase({ webhooks: true });
  const signalled = sim
    .webhookStats()
    .deliveries.filter((d) => d.status === 200)
    .map((d) => d.answeredAt - d.sentAt);
  sim.setWebhookFaults({ dropRate: 1 });
  const pollOnly = await phase({});
  await worker.stop();
  await sim.close();
  await receiver.close();
  await env.teardown();
  fs.rmSync(resultsDir, { recursive: true, force: true });
  return {
    bench: 'webhooks',
    machine: machine(),
    n,
    cancelDelayMs: [minDelay, maxDelay],
    webhooks: { ...webhooks, receiverRequestToSignalMs: stats(signalled) },
    pollOnlyDefaultSchedule: pollOnly,
  };
}

runBench(main);
