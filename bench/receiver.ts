/**
 * Receiver throughput: the production `webhooks` command (src/cli/main.ts, as deployed) pinned to one
 * core with `taskset`, fed signed `batch.cancelled` events for running cancellations by this
 * process (the sender, standing in for OpenAI) with a fixed number of requests in flight. Each
 * event is verified (the SDK's Standard Webhooks check) and signalled to its workflow before the
 * 200; so the latency is request → signal accepted by the dev server.
 *
 *   tsx bench/receiver.ts [--events 5000] [--workflows 500] [--concurrency 32]
 *
 * This process, its dev server and the sender run on core 1 (`taskset`), the receiver on core 0.
 * The workflows are started on a task queue no worker polls: the server accepts their signals
 * all the same, and no worker competes with the receiver for CPU.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { startBatchCancellation } from '../src/client/cancellations';
import { newWebhookSecret, webhookHeaders } from '../tools/simulator';
import { createDevServerEnv } from '../test/helpers/temporal-env';
import { arg, cpuSecondsOfPid, machine, mapLimit, round, runBench, sleep } from './lib';

const events = Number(arg('events', '5000'));
const workflows = Number(arg('workflows', '500'));
const concurrency = Number(arg('concurrency', '32'));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return {
    p50Ms: round(at(0.5), 1),
    p95Ms: round(at(0.95), 1),
    p99Ms: round(at(0.99), 1),
    maxMs: round(at(1), 1),
  };
}

async function main() {
  // The sender, the dev server (a child, it inherits this) and the SDK's threads on core 1, the
  // receiver alone on core 0.
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const env = await createDevServerEnv();
  const secret = newWebhookSecret();
  const port = await freePort();
  const receiver = spawn(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      ...process.execArgv,
      path.join(__dirname, '../src/cli/main.ts'),
      'webhooks',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
    ],
    {
      env: {
        ...process.env,
        OBC_BENCH_INNER: '',
        OPENAI_WEBHOOK_SECRET: secret,
        TEMPORAL_ADDRESS: env.address,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}/openai/webhooks`;
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 300) throw new Error('receiver did not come up');
      await sleep(100);
    }
    const batchIds = Array.from({ length: workflows }, () => `batch_${randomUUID().replace(/-/g, '')}`);
    await mapLimit(batchIds, 50, (batchId) =>
      startBatchCancellation(
        env.client,
        { batchId, webhooks: true },
        { taskQueue: `receiver-bench-idle-${process.pid}` },
      ),
    );
    const send = async (i: number) => {
      const id = `evt_${randomUUID().replace(/-/g, '')}`;
      const body = JSON.stringify({
        id,
        object: 'event',
        type: 'batch.cancelled',
        created_at: Math.floor(Date.now() / 1000),
        data: { id: batchIds[i % workflows] },
      });
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: webhookHeaders(secret, id, Math.floor(Date.now() / 1000), body),
        body,
      });
      const text = await res.text();
      return { ms: performance.now() - t0, ok: res.status === 200 && text.includes('"signalled"') };
    };
    // Warm-up: connections, JIT, the client's first calls.
    await mapLimit(
      Array.from({ length: 200 }, (_, i) => i),
      concurrency,
      (i) => send(i),
    );
    const cpu0 = cpuSecondsOfPid(receiver.pid) ?? 0;
    const t0 = performance.now();
    const results = await mapLimit(
      Array.from({ length: events }, (_, i) => i),
      concurrency,
      (i) => send(i),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = (cpuSecondsOfPid(receiver.pid) ?? 0) - cpu0;
    const signalled = results.filter((r) => r.ok).length;
    return {
      benchmark: 'receiver',
      machine: machine(),
      params: { events, workflows, concurrency, receiverCores: 'taskset -c 0' },
      signalled,
      failed: events - signalled,
      eventsPerSecond: round(signalled / seconds, 1),
      receiverCpuSeconds: round(cpuSeconds, 2),
      receiverCoreUtilization: round(cpuSeconds / seconds, 2),
      eventsPerReceiverCpuSecond: round(signalled / cpuSeconds, 1),
      requestToSignalAccepted: percentiles(results.map((r) => r.ms)),
    };
  } finally {
    receiver.kill('SIGTERM');
    await new Promise((resolve) => receiver.once('exit', resolve));
    await env.teardown();
  }
}

runBench(main);
