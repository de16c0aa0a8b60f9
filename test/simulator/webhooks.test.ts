/**
 * The simulator's webhooks, checked from the receiving end with the `openai` SDK's own verifier:
 * a terminal transition sends one genuine `batch.*` event; the fault modes duplicate, drop, forge
 * and retry exactly as configured.
 */
import http from 'node:http';
import OpenAI from 'openai';
import { newWebhookSecret, type WebhookFaults } from '../../tools/simulator';
import { startClocked, type ClockedSimulator } from './helpers';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** A receiver that records each delivery, checks it with the SDK, and answers the next queued status. */
async function startRecorder(secret: string) {
  const received: Received[] = [];
  const statuses: number[] = [];
  const sdk = new OpenAI({ apiKey: 'unused' });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      sdk.webhooks
        .unwrap(body, req.headers as Record<string, string>, secret)
        .then(
          () => true,
          () => false,
        )
        .then(
          (verified) => {
            received.push({ headers: req.headers, body, verified });
            res.writeHead(statuses.shift() ?? 200).end();
          },
          () => res.writeHead(500).end(),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('simulator webhooks', () => {
  const secret = newWebhookSecret();
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  let t: ClockedSimulator;

  async function start(faults: WebhookFaults = {}) {
    recorder = await startRecorder(secret);
    t = await startClocked({
      timing: { cancelDelayMs: 10_000 },
      webhooks: { url: recorder.url, secret, faults, tickMs: 10, retryInitialMs: 20 },
    });
  }
  afterEach(async () => {
    await t?.sim.close();
    await recorder?.close();
  });

  it('sends one signed batch.cancelled event when a cancel finishes, and none for seeded terminal batches', async () => {
    await start();
    t.sim.seedBatch({ status: 'completed', requests: 3 });
    const batch = t.sim.seedBatch({ status: 'in_progress', requests: 10 });
    await t.client.batches.cancel(batch.id);
    await new Promise((r) => setTimeout(r, 100));
    expect(recorder.received).toHaveLength(0);
    t.advance(10_000);
    await until('the event', () => recorder.received.length === 1);
    const [event] = recorder.received;
    expect(event!.verified).toBe(true);
    const payload = JSON.parse(event!.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ object: 'event', type: 'batch.cancelled', data: { id: batch.id } });
    expect(payload.id).toBe(event!.headers['webhook-id']);
    expect(String(payload.id)).toMatch(/^evt_/);
    expect(t.sim.webhookStats().transitions).toBe(1);
  });

  it('retries a 5xx with backoff until it is accepted, under the same event id', async () => {
    await start();
    recorder.statuses.push(503, 500);
    const batch = t.sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: 0 });
    await t.client.batches.cancel(batch.id);
    await until('three attempts', () => recorder.received.length === 3);
    const ids = new Set(recorder.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(t.sim.webhookStats().deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 503],
      [2, 500],
      [3, 200],
    ]);
  });

  it('duplicates, drops and forges events as the fault plan says', async () => {
    await start({ duplicateRate: 1 });
    const a = t.sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: 0 });
    await t.client.batches.cancel(a.id);
    await until('both copies', () => recorder.received.length === 2);
    expect(recorder.received.every((r) => r.verified)).toBe(true);
    expect(recorder.received[0]!.headers['webhook-id']).toBe(recorder.received[1]!.headers['webhook-id']);

    t.sim.setWebhookFaults({ dropRate: 1 });
    const b = t.sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: 0 });
    await t.client.batches.cancel(b.id);
    await until('the drop', () => t.sim.webhookStats().dropped === 1);

    t.sim.setWebhookFaults({ badSignatureRate: 1 });
    const c = t.sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: 0 });
    await t.client.batches.cancel(c.id);
    await until('the forgery', () => recorder.received.length === 3);
    expect(recorder.received[2]!.verified).toBe(false);
    expect(recorder.received.filter((r) => r.body.includes(b.id))).toEqual([]);
  });

  it('sends a replayed (stale) event by hand, which the SDK refuses as too old', async () => {
    await start();
    const batch = t.sim.seedBatch({ status: 'cancelled', requests: 5 });
    const delivery = await t.sim.sendWebhook({ batchId: batch.id, type: 'batch.cancelled', ageSeconds: 600 });
    expect(delivery.stale).toBe(true);
    expect(recorder.received[0]!.verified).toBe(false);
  });
});
