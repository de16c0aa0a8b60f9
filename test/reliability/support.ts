/**
 * Shared pieces of the reliability tests: a worker in a child process, free ports, exact
 * comparison of result files with what the simulator served, and the one-line JSON figures each
 * test prints for RELIABILITY.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BatchSimulator } from '../../tools/simulator';
import type { CancelBatchResult } from '../../src/contract/results';
import { digestFile } from '../helpers/cancel-harness';

export const ROOT = path.resolve(__dirname, '..', '..');
export const fastPoll = { initialInterval: '200ms', backoffCoefficient: 1.5, maxInterval: '1s' } as const;

export interface ChildWorker {
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `test/fixtures/worker-process.ts` (or `script`) with `env`; resolves once it polls. */
export async function startChildWorker(
  env: Record<string, string>,
  script = path.join(ROOT, 'test', 'fixtures', 'worker-process.ts'),
): Promise<ChildWorker> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!out.includes('worker ready')) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`worker exited before it was ready:\n${out}`);
    if (Date.now() > deadline) throw new Error(`worker not ready after 90 s:\n${out}`);
    await sleep(100);
  }
  return { proc, output: () => out, exited };
}

/** tsx's loader by path, so that a script runs from any working directory. */
const TSX_LOADER = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

/** Runs a script to completion (in `cwd`, default the project root); returns its exit code and output. */
export async function runScript(
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, ['--import', cwd === ROOT ? 'tsx' : TSX_LOADER, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
  return { code, stdout, stderr };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export { freePort } from '../../tools/devtools/ports';

export interface ExactCheck {
  /** Lines compared against what the simulator serves. */
  lines: number;
  bytes: number;
}

/**
 * Asserts that the output and error files of a result are byte-identical (sha256, bytes, line
 * count) to what the simulator serves for the batch, and that no temporary file is left.
 */
export async function expectExactResults(
  sim: BatchSimulator,
  result: CancelBatchResult,
): Promise<ExactCheck> {
  const batch = sim.getBatch(result.batchId)!;
  const check: ExactCheck = { lines: 0, bytes: 0 };
  for (const [fileId, written] of [
    [batch.output_file_id, result.results?.output],
    [batch.error_file_id, result.results?.errors],
  ] as const) {
    if (!fileId) {
      expect(written ?? null).toBeNull();
      continue;
    }
    expect(written).toBeTruthy();
    const expected = await sim.expectedFile(fileId);
    const actual = await digestFile(written!.path);
    expect({ file: fileId, ...actual }).toEqual({ file: fileId, ...expected });
    check.lines += actual.lines;
    check.bytes += actual.bytes;
  }
  // Every request has exactly one result line: output, error, or "not executed" (batch_cancelled).
  expect(check.lines).toBe(batch.request_counts!.total);
  const dir = result.results!.directory;
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  return check;
}

/** One JSON line of figures, collected into RELIABILITY.md. */
export function printFigures(test: string, figures: Record<string, unknown>): void {
  process.stdout.write(`RELIABILITY ${JSON.stringify({ test, ...figures })}\n`);
}
