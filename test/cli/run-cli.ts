/** Runs the CLI or the demo as a child process (asynchronously, so an in-process worker keeps running). */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment without anything that would change the CLI's behaviour behind the test's back. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(OPENAI_|TEMPORAL_|RESULTS_DIR|WORKER_|ACCOUNTS_FILE$|DEMO_ONCE$|CI$)/.test(key)) delete env[key];
  }
  return { ...env, ...extra };
}

export function runTsx(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [script, ...args],
      { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export const runCli = (args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number) =>
  runTsx('src/cli/main.ts', args, env, timeoutMs);

/** stderr without blank lines. */
export function stderrLines(r: RunResult): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '');
}

/** Live processes whose command line names `text` (a dev server names its data dir's SQLite file). */
export function pidsNaming(text: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}
