/**
 * `openai-batch-cancel webhooks` as a process: it needs OPENAI_WEBHOOK_SECRET, serves /healthz,
 * refuses unsigned deliveries, and answers a genuine event with 503 while Temporal is unreachable
 * (so OpenAI delivers it again later) instead of failing to start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { newWebhookSecret, webhookHeaders } from '../../tools/simulator';
import { cleanEnv, ROOT, runTsx } from './run-cli';
import { freePort } from '../../tools/devtools/ports';

const CLI = path.join(ROOT, 'src', 'cli', 'main.ts');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

describe('webhooks command', () => {
  let child: ChildProcess | undefined;

  /** Starts the receiver and resolves once it says it listens; `stderr()` is all it wrote so far. */
  async function startReceiver(args: string[], env: NodeJS.ProcessEnv): Promise<{ stderr: () => string }> {
    const proc = spawn(TSX, [CLI, 'webhooks', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('listening')) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { stderr: () => stderr };
  }
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses to start without OPENAI_WEBHOOK_SECRET, naming it', async () => {
    const res = await runTsx(CLI, ['webhooks', '--port', '1'], cleanEnv());
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/OPENAI_WEBHOOK_SECRET/);
  });

  it('refuses a secret that is not a whsec_ base64 key, in one line, exit 2', async () => {
    const res = await runTsx(
      CLI,
      ['webhooks', '--port', '1'],
      cleanEnv({ OPENAI_WEBHOOK_SECRET: 'whsec_madeup123' }),
    );
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual([
      "openai-batch-cancel: invalid configuration: OPENAI_WEBHOOK_SECRET: the part after 'whsec_' is not base64: copy the whole signing secret from the OpenAI dashboard",
    ]);
  });

  it('listens on 127.0.0.1 unless --host says otherwise', async () => {
    const port = await freePort();
    const receiver = await startReceiver(
      ['--port', String(port)],
      cleanEnv({ OPENAI_WEBHOOK_SECRET: newWebhookSecret(), TEMPORAL_ADDRESS: '127.0.0.1:1' }),
    );
    expect(receiver.stderr()).toContain(`webhooks: listening on 127.0.0.1:${port} `);
  });

  it('serves /healthz, rejects an unsigned delivery (400) and answers 503 while Temporal is down', async () => {
    const secret = newWebhookSecret();
    const port = await freePort();
    const deadTemporal = await freePort();
    const receiver = await startReceiver(
      ['--port', String(port), '--host', '127.0.0.1'],
      cleanEnv({ OPENAI_WEBHOOK_SECRET: secret, TEMPORAL_ADDRESS: `127.0.0.1:${deadTemporal}` }),
    );
    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, temporal: 'unreachable' });

    const body = JSON.stringify({
      id: 'evt_cli_1',
      object: 'event',
      type: 'batch.cancelled',
      created_at: Math.floor(Date.now() / 1000),
      data: { id: 'batch_cli_1' },
    });
    const unsigned = await fetch(`${base}/openai/webhooks`, { method: 'POST', body });
    expect(unsigned.status).toBe(400);
    const signed = await fetch(`${base}/openai/webhooks`, {
      method: 'POST',
      headers: webhookHeaders(secret, 'evt_cli_1', Math.floor(Date.now() / 1000), body),
      body,
    });
    expect(signed.status).toBe(503);
    // Logged: why each delivery was refused; never the secret or the body.
    const stderr = receiver.stderr();
    expect(stderr).toMatch(/rejected: missing webhook-id/);
    expect(stderr).not.toContain(secret);
    expect(stderr).not.toContain('batch.cancelled');
  });
});
