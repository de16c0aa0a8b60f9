/** The `npm run simulator` command: starts on the given port, prints URL and key, stops on SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import OpenAI from 'openai';

const ROOT = path.resolve(__dirname, '../..');

describe('simulator command', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the API with the printed URL and key, honours --cancel-delay-ms, and exits 0 on SIGTERM', async () => {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const proc = spawn(
      tsx,
      ['tools/simulator/main.ts', '--port', '0', '--seed', '3', '--cancel-delay-ms', '0'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let output = '';
    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', (text: string) => (output += text));
    const deadline = Date.now() + 30_000;
    while (!/OPENAI_API_KEY=\S+/.test(output)) {
      if (Date.now() > deadline || proc.exitCode !== null)
        throw new Error(`simulator did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const baseURL = /OPENAI_BASE_URL=(\S+)/.exec(output)?.[1] ?? '';
    const apiKey = /OPENAI_API_KEY=(\S+)/.exec(output)?.[1] ?? '';
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(apiKey).toBe('sk-simulator');

    const client = new OpenAI({ apiKey, baseURL, maxRetries: 0 });
    const file = await client.files.create({
      file: await OpenAI.toFile(
        Buffer.from(
          `${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'm' } })}\n`,
        ),
        'in.jsonl',
      ),
      purpose: 'batch',
    });
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await client.batches.cancel(batch.id);
    // --cancel-delay-ms 0: the cancel completes at once on the real clock.
    expect((await client.batches.retrieve(batch.id)).status).toBe('cancelled');

    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
