/** The `npm run simulator` command: starts on the given port, prints URL and key, stops on SIGTERM. */
import { type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import OpenAI from 'openai';
import { spawnSimulatorCommand } from './helpers';

describe('simulator command', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the API with the printed URL and key, honours --cancel-delay-ms, and exits 0 on SIGTERM', async () => {
    const { proc, output } = await spawnSimulatorCommand(
      ['--port', '0', '--seed', '3', '--cancel-delay-ms', '0'],
      /OPENAI_API_KEY=\S+/,
    );
    child = proc;
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
