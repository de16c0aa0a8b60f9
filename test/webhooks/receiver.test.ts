/**
 * OpenAI webhooks end to end on the dev server: the simulator (standing in for OpenAI) signs and
 * sends `batch.*` events to the receiver, which verifies them with the SDK and signals the
 * cancellation. With a 5-minute fallback poll, a cancellation still ends within about a second of
 * the batch's terminal transition; duplicates, reordering, forgeries, stale replays, oversized
 * bodies and a Temporal outage change nothing they should not.
 */
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  awaitCancellationResult,
  getCancellationProgress,
  startBatchCancellation,
  type CancelBatchInput,
} from '../../src/client/cancellations';
import { progressDetails } from '../../src/cli/format';
import { cancelWorkflowId } from '../../src/contract/constants';
import type { CancelBatchResult } from '../../src/contract/results';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/handler';
import { startWebhookServer, type WebhookServer } from '../../src/webhooks/server';
import { newWebhookSecret, webhookHeaders } from '../../tools/simulator';
import { recordHistory } from '../helpers/record-history';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';

/** Webhooks on, and a fallback poll so slow that only an event can end these waits in time. */
const slowPoll = (batchId: string): CancelBatchInput => ({
  batchId,
  webhooks: true,
  poll: { initialInterval: '30s' },
  collectResults: 'never',
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

describe('webhooks end to end (dev server, simulator, receiver)', () => {
  const secret = newWebhookSecret();
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let receiver: WebhookServer;
  let live: WebhookHandler;
  let active: WebhookHandler;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    env = await createDevServerEnv();
    // The receiver exists before the simulator (which needs its URL); the handler behind it can be
    // swapped, to play a Temporal outage.
    const switchable = Object.assign((req: Parameters<WebhookHandler>[0]) => active(req), {
      stats: () => active.stats(),
    });
    receiver = await startWebhookServer({
      handler: switchable,
      client: env.client,
      port: 0,
      host: '127.0.0.1',
    });
    h = await createHarness(env, {
      timing: { perRequestMs: 20 },
      webhooks: { url: receiver.url, secret, tickMs: 20 },
    });
    live = createWebhookHandler({ client: env.client, secret, collectExpired: true, taskQueue: h.taskQueue });
    active = live;
    await h.startWorker();
  });
  afterAll(async () => {
    if (Object.keys(figures).length)
      console.log(`detection delay figures\n${JSON.stringify(figures, null, 2)}`);
    await h?.close();
    await receiver?.close();
    await env?.teardown();
  });

  const start = (input: CancelBatchInput) =>
    startBatchCancellation(env.client, input, { taskQueue: h.taskQueue });
  /** ms from the simulator's terminal transition to the workflow leaving the wait. */
  const detectionDelay = (batchId: string, result: CancelBatchResult): number => {
    const transition = h.sim.webhookStats().events.find((e) => e.batchId === batchId)?.transitionAt;
    if (transition === undefined) throw new Error(`no terminal transition seen for ${batchId}`);
    return result.timings.terminalSeenAt - transition;
  };

  /** Records the run's history as a new replay fixture of today's path (RECORD_HISTORIES=1). */
  const record = (name: string, batchId: string) => recordHistory(env, cancelWorkflowId(batchId), `${name}`);

  it('ends cancellations with a 5-minute fallback poll within ~1 s of the terminal transition', async () => {
    const batches = Array.from({ length: 8 }, (_, i) =>
      h.sim.seedBatch({ status: 'in_progress', requests: 40, cancelDelayMs: 2_000 + i * 250 }),
    );
    const calls = () => {
      const r = h.sim.stats().requests;
      return r['batches.retrieve'] + r['batches.cancel'];
    };
    const callsBefore = calls();
    await Promise.all(batches.map((b) => start(slowPoll(b.id))));
    const results = await Promise.all(batches.map((b) => awaitCancellationResult(env.client, b.id)));
    // The cancel (its answer is the first read) and the read that confirms the event: nothing else.
    expect((calls() - callsBefore) / batches.length).toBe(2);
    const delays = batches.map((b, i) => detectionDelay(b.id, results[i]!));
    for (const [i, b] of batches.entries()) {
      expect(results[i]!.finalStatus).toBe('cancelled');
      const progress = await getCancellationProgress(env.client, b.id);
      expect(progress.detectedBy).toBe('webhook');
      expect(progress.webhookEvents).toBe(1);
    }
    // Ops see it in the UI's current details too.
    const meta = await env.client.workflow
      .getHandle(cancelWorkflowId(batches[0]!.id))
      .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/\*\*Seen terminal by\*\* webhook/);
    // And in `status`.
    const progress = await getCancellationProgress(env.client, batches[0]!.id);
    const text = progressDetails({
      batchId: batches[0]!.id,
      workflowId: cancelWorkflowId(batches[0]!.id),
      workflowStatus: 'COMPLETED',
      progress,
      result: results[0]!,
    });
    expect(text).toMatch(/seen terminal by\s+webhook \(1 webhook event\(s\)\)/);
    figures.webhooks = {
      n: delays.length,
      p50Ms: percentile(delays, 50),
      p95Ms: percentile(delays, 95),
      maxMs: Math.max(...delays),
    };
    // Reads the workflow saw return: cancel and the confirming read (the cancelled wait's read is
    // only in its heartbeat).
    expect(results.map((r) => r.polls)).toEqual(results.map(() => 2));
    expect(Math.max(...delays)).toBeLessThan(2_000);
    await record('webhook-ends-wait', batches[0]!.id);
  });

  it('drops duplicate and reordered events, and an out-of-order event only causes a read', async () => {
    h.sim.setWebhookFaults({ duplicateRate: 1, reorderWindowMs: 300 });
    const batches = Array.from({ length: 3 }, () =>
      h.sim.seedBatch({ status: 'in_progress', requests: 40, cancelDelayMs: 3_000 }),
    );
    await Promise.all(batches.map((b) => start(slowPoll(b.id))));
    const first = batches[0]!.id;
    // A genuine but out-of-order event (batch.completed while the batch is still cancelling).
    await waitFor(async () => (await getCancellationProgress(env.client, first)).phase === 'waiting');
    const stray = await h.sim.sendWebhook({ batchId: first, type: 'batch.completed' });
    expect(stray.status).toBe(200);
    await waitFor(async () => (await getCancellationProgress(env.client, first)).webhookEvents === 1);
    const mid = await getCancellationProgress(env.client, first);
    expect(mid.phase).toBe('waiting');
    expect(mid.batch?.status).toBe('cancelling');

    const results = await Promise.all(batches.map((b) => awaitCancellationResult(env.client, b.id)));
    // Every copy of every event is answered (the late copies find the workflow closed: 200).
    await waitFor(
      async () =>
        h.sim.webhookStats().deliveries.filter((d) => batches.some((b) => b.id === d.batchId)).length >= 7,
    );
    h.sim.setWebhookFaults({});
    const deliveries = h.sim.webhookStats().deliveries.filter((d) => batches.some((b) => b.id === d.batchId));
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    for (const [i, b] of batches.entries()) {
      expect(results[i]!.finalStatus).toBe('cancelled');
      const progress = await getCancellationProgress(env.client, b.id);
      expect(progress.detectedBy).toBe('webhook');
      // Duplicates (same event id) are not counted; the stray event is one more.
      expect(progress.webhookEvents).toBe(b.id === first ? 2 : 1);
      expect(results[i]!.polls).toBe(b.id === first ? 3 : 2);
    }
    await record('webhook-duplicates-and-stray', first);
  });

  it('falls back to polling when events are dropped', async () => {
    h.sim.setWebhookFaults({ dropRate: 1 });
    try {
      // Today's default schedule (5 s, x1.5, 60 s), without webhooks: the poll-only figure.
      const batches = Array.from({ length: 6 }, (_, i) =>
        h.sim.seedBatch({ status: 'in_progress', requests: 40, cancelDelayMs: 3_000 + i * 2_000 }),
      );
      await Promise.all(batches.map((b) => start({ batchId: b.id, collectResults: 'never' })));
      const results = await Promise.all(batches.map((b) => awaitCancellationResult(env.client, b.id)));
      const delays = batches.map((b, i) => detectionDelay(b.id, results[i]!));
      for (const b of batches)
        expect((await getCancellationProgress(env.client, b.id)).detectedBy).toBe('poll');
      expect(results.every((r) => r.finalStatus === 'cancelled')).toBe(true);
      expect(h.sim.webhookStats().dropped).toBeGreaterThanOrEqual(6);
      figures.pollOnlyDefaultSchedule = {
        n: delays.length,
        p50Ms: percentile(delays, 50),
        p95Ms: percentile(delays, 95),
        maxMs: Math.max(...delays),
      };
    } finally {
      h.sim.setWebhookFaults({});
    }
  });

  it('rejects forged, stale and unsigned events with 400 and signals nothing', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 40, cancelDelayMs: 120_000 });
    const handle = await start(slowPoll(batch.id));
    await waitFor(async () => (await getCancellationProgress(env.client, batch.id)).phase === 'waiting');
    const before = live.stats().rejected;
    const forged = await h.sim.sendWebhook({ batchId: batch.id, type: 'batch.cancelled', forged: true });
    const stale = await h.sim.sendWebhook({ batchId: batch.id, type: 'batch.cancelled', ageSeconds: 600 });
    const unsigned = await fetch(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'evt_x',
        object: 'event',
        type: 'batch.cancelled',
        created_at: 1,
        data: { id: batch.id },
      }),
    });
    expect([forged.status, stale.status, unsigned.status]).toEqual([400, 400, 400]);
    expect(live.stats().rejected - before).toBe(3);
    const progress = await getCancellationProgress(env.client, batch.id);
    expect(progress.webhookEvents).toBeUndefined();
    expect(progress.phase).toBe('waiting');
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(false);
    await handle.terminate('test done');
  });

  it('refuses bodies over 1 MiB with 413 and answers /healthz', async () => {
    const body = JSON.stringify({ id: 'evt_big', padding: 'x'.repeat(1024 * 1024) });
    const res = await fetch(receiver.url, {
      method: 'POST',
      headers: webhookHeaders(secret, 'evt_big', Math.floor(Date.now() / 1000), body),
      body,
    });
    expect(res.status).toBe(413);
    expect(live.stats().tooLarge).toBe(1);
    const health = await fetch(receiver.url.replace('/openai/webhooks', '/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, temporal: 'reachable' });
  });

  it('answers 503 while Temporal is unreachable; the sender retries and a later delivery lands', async () => {
    const deadConnection = Connection.lazy({ address: '127.0.0.1:1' });
    const down = createWebhookHandler({
      client: new Client({ connection: deadConnection }),
      secret,
      temporalTimeoutMs: 1_000,
    });
    try {
      active = down;
      const batch = h.sim.seedBatch({ status: 'in_progress', requests: 40, cancelDelayMs: 1_500 });
      await start(slowPoll(batch.id));
      const mine = () => h.sim.webhookStats().deliveries.filter((d) => d.batchId === batch.id);
      await waitFor(async () => mine().some((d) => d.status === 503), 20_000);
      expect(down.stats().unavailable).toBeGreaterThanOrEqual(1);
      active = live; // Temporal is back
      const result = await awaitCancellationResult(env.client, batch.id);
      expect(result.finalStatus).toBe('cancelled');
      expect((await getCancellationProgress(env.client, batch.id)).detectedBy).toBe('webhook');
      const statuses = mine().map((d) => d.status);
      expect(statuses[0]).toBe(503);
      expect(statuses[statuses.length - 1]).toBe(200);
      expect(new Set(mine().map((d) => d.eventId)).size).toBe(1);
    } finally {
      active = live;
      await deadConnection.close();
    }
  });

  it('starts one collection for a batch.expired event with no workflow (collectExpired)', async () => {
    const batch = h.sim.seedBatch({ status: 'expired', requests: 30 });
    const before = live.stats();
    const delivery = await h.sim.sendWebhook({ batchId: batch.id, type: 'batch.expired' });
    expect(delivery.status).toBe(200);
    expect(live.stats().collectionsStarted).toBe(before.collectionsStarted + 1);
    const result = await awaitCancellationResult(env.client, batch.id);
    expect(result.finalStatus).toBe('expired');
    expect(result.results?.succeeded).toBeGreaterThan(0);
    // Delivered again (at least once): the same workflow id means no second collection.
    await h.sim.sendWebhook({ batchId: batch.id, type: 'batch.expired' });
    expect(live.stats().collectionsStarted).toBe(before.collectionsStarted + 1);
    // Without collectExpired, an event for a batch nobody cancels is only counted.
    const other = h.sim.seedBatch({ status: 'completed', requests: 3 });
    const noWorkflowBefore = live.stats().noWorkflow;
    expect((await h.sim.sendWebhook({ batchId: other.id, type: 'batch.completed' })).status).toBe(200);
    expect(live.stats().noWorkflow).toBe(noWorkflowBefore + 1);
  });

  it('starts the collection again when a batch event arrives for a batch whose cancellation failed', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 30,
      completedFraction: 0.5,
      cancelDelayMs: 4_000,
    });
    const before = live.stats();
    // Gives up after 1 s (MaxWaitExceeded: "start again to keep waiting"); the batch is cancelled at 4 s.
    const first = await start({ batchId: batch.id, poll: { initialInterval: '500ms' }, maxWait: '1s' });
    await expect(first.result()).rejects.toThrow(/Workflow execution failed/);
    const handle = env.client.workflow.getHandle(cancelWorkflowId(batch.id));
    // The simulator sends batch.cancelled to the receiver when the batch turns cancelled.
    await waitFor(async () => (await handle.describe()).status.name === 'COMPLETED', 20_000);
    expect(live.stats().collectionsStarted).toBe(before.collectionsStarted + 1);
    const result = await awaitCancellationResult(env.client, batch.id);
    expect(result.finalStatus).toBe('cancelled');
    expect(result.results?.succeeded).toBe(h.sim.getBatch(batch.id)!.request_counts!.completed);
    // Delivered again: the completed collection is kept, nothing new starts.
    await h.sim.sendWebhook({ batchId: batch.id, type: 'batch.cancelled' });
    expect(live.stats().collectionsStarted).toBe(before.collectionsStarted + 1);
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
