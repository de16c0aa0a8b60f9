/** Shared helpers of the simulator tests: an SDK client, uploads, and stream measurement. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { type BatchSimulator, type SimulatorOptions, startSimulator } from '../../tools/simulator';
import { ROOT } from '../cli/run-cli';

export const T0 = Date.UTC(2025, 0, 1);

/** A simulator on a controllable clock: `sim.now` is what the simulator believes the time is. */
export interface ClockedSimulator {
  sim: BatchSimulator;
  client: OpenAI;
  advance(ms: number): void;
  now(): number;
}

export async function startClocked(opts: SimulatorOptions = {}): Promise<ClockedSimulator> {
  let now = T0;
  const sim = await startSimulator({ ...opts, clock: () => now });
  return {
    sim,
    client: clientFor(sim),
    advance: (ms) => {
      now += ms;
    },
    now: () => now,
  };
}

export function clientFor(sim: BatchSimulator): OpenAI {
  return new OpenAI({ apiKey: sim.apiKey, baseURL: sim.url, maxRetries: 0, timeout: 20_000 });
}

export function chatLine(
  customId: string,
  body: Record<string, unknown> = { model: 'gpt-4o-mini', messages: [] },
): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body });
}

export async function uploadJsonl(
  client: OpenAI,
  lines: string[],
  name = 'input.jsonl',
): Promise<OpenAI.FileObject> {
  const file = await toFile(Buffer.from(lines.join('\n') + '\n'), name);
  return client.files.create({ file, purpose: 'batch' });
}

/** Uploads `lines` and creates a chat-completions batch from them, as a caller of the API would. */
export async function createBatchFromLines(
  client: OpenAI,
  lines: string[],
  name?: string,
): Promise<OpenAI.Batch> {
  const file = await uploadJsonl(client, lines, name);
  return client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
}

export interface Measured {
  bytes: number;
  lines: number;
  sha256: string;
  /** Set when the stream failed before its end. */
  error?: unknown;
}

/** Reads a response body as a stream, hashing it without keeping it. */
export async function measureResponse(response: Response, onChunk?: () => void): Promise<Measured> {
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  try {
    if (!response.body) throw new Error('response has no body');
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
      const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let at = view.indexOf(0x0a); at >= 0; at = view.indexOf(0x0a, at + 1)) lines++;
      onChunk?.();
    }
  } catch (error) {
    return { bytes, lines, sha256: hash.digest('hex'), error };
  }
  return { bytes, lines, sha256: hash.digest('hex') };
}

export async function contentText(client: OpenAI, fileId: string): Promise<string> {
  return (await client.files.content(fileId)).text();
}

export function jsonlLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** Raw fetch with the simulator's key, for asserting exact bodies and headers. */
export function rawFetch(
  sim: BatchSimulator,
  path: string,
  init: RequestInit = {},
  apiKey: string | null = sim.apiKey,
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (apiKey !== null) headers.set('authorization', `Bearer ${apiKey}`);
  return fetch(`${sim.url}${path}`, { ...init, headers });
}

export { startSimulator };

/**
 * Runs the simulator command (`tools/simulator/main.ts`) as a user does and waits until its
 * output matches `ready`; a child that exits or stays silent 30 s is killed and the call throws.
 */
export async function spawnSimulatorCommand(
  args: string[],
  ready: RegExp,
  env?: NodeJS.ProcessEnv,
): Promise<{ proc: ChildProcess; output: string }> {
  const proc = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['tools/simulator/main.ts', ...args], {
    cwd: ROOT,
    ...(env ? { env } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (text: string) => (output += text));
  const deadline = Date.now() + 30_000;
  while (!ready.test(output)) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      throw new Error(`simulator did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { proc, output };
}
