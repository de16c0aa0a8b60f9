/**
 * `openai-batch-cancel dev` as a terminal runs it: `--no-worker` leaves the worker to the user (the
 * three-terminal recipe), and closing the terminal (SIGHUP to its process group) stops the dev
 * stack's Temporal server with it, instead of leaving it on its port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, pidsNaming, ROOT } from './run-cli';

describe('dev', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-dev-'));
  });
  afterAll(() => {
    // Whatever this test started and left behind (only on failure).
    for (const pid of pidsNaming(dataDir)) process.kill(pid, 'SIGKILL');
    if (child?.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('--no-worker runs no worker; SIGHUP (terminal closed) stops the Temporal server too', async () => {
    // One process (node with tsx's loader, not the tsx wrapper), so its own exit code is seen.
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'dev',
        '--no-worker',
        '--data-dir',
        dataDir,
        '--port',
        '0',
        '--ui-port',
        '0',
      ],
      // Its own process group, like a shell's job: the terminal's SIGHUP reaches the whole group.
      { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child = proc;
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 90_000;
    while (!out.includes('Press Ctrl-C to stop.')) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`dev did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(out).toContain('no worker here (--no-worker)');
    expect(out).not.toContain('starting the worker');
    expect(out).toMatch(/simulator: OPENAI_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(pidsNaming(dataDir).length).toBeGreaterThan(0);

    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    process.kill(-proc.pid!, 'SIGHUP');
    expect(await exited).toBe(0);
    const gone = Date.now() + 15_000;
    while (pidsNaming(dataDir).length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
    expect(pidsNaming(dataDir)).toEqual([]);
    expect(out).toContain('SIGHUP: stopping simulator, Temporal dev server');
  });
});
