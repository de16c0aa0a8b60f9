/**
 * Turning a {@link FilePlan} into bytes: chunked for a backpressured HTTP stream, or hashed to tell
 * a test what the server serves. Both paths share one generator so they cannot disagree.
 */
import { createHash } from 'node:crypto';
import { corruptLine } from './content';
import { type FilePlan } from './file-content';
import { unitFloat } from './prng';

/** Which result lines are served broken: a pure function of (seed, file, line index). */
export interface Corruption {
  readonly rate: number;
  readonly seed: number;
  readonly fileKey: number;
  /** Called once per corrupted line actually produced. */
  readonly onCorrupt?: () => void;
}

const CHUNK_BYTES = 64 * 1024;
// A local alias: global lookups are slow in jest's vm context (see prng.ts).
const bufferFrom = Buffer.from.bind(Buffer) as (text: string, encoding: BufferEncoding) => Buffer;

export function* planChunks(plan: FilePlan, corruption?: Corruption): Generator<Buffer> {
  if (plan.raw) {
    for (let at = 0; at < plan.raw.length; at += CHUNK_BYTES) yield plan.raw.subarray(at, at + CHUNK_BYTES);
    return;
  }
  const rate = plan.corruptible ? (corruption?.rate ?? 0) : 0;
  let pending: string[] = [];
  let pendingLength = 0;
  let index = 0;
  for (const line of plan.render()) {
    let text = line;
    if (rate > 0 && corruption && unitFloat(corruption.seed, corruption.fileKey, index) < rate) {
      text = corruptLine(line);
      corruption.onCorrupt?.();
    }
    index++;
    pending.push(text);
    pendingLength += text.length + 1;
    if (pendingLength >= CHUNK_BYTES) {
      yield bufferFrom(pending.join('\n') + '\n', 'utf8');
      pending = [];
      pendingLength = 0;
    }
  }
  if (pending.length > 0) yield bufferFrom(pending.join('\n') + '\n', 'utf8');
}

/** Counts and hashes the exact bytes {@link planChunks} produces, yielding to the event loop as it goes. */
export async function measurePlan(
  plan: FilePlan,
  corruption?: Corruption,
): Promise<{ lines: number; bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  let sinceYield = 0;
  for (const chunk of planChunks(plan, corruption)) {
    hash.update(chunk);
    bytes += chunk.length;
    for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) lines++;
    // Keep the server responsive while a test measures a large file in the same process.
    if (++sinceYield === 64) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  if (plan.raw && plan.raw.length > 0 && plan.raw[plan.raw.length - 1] !== 0x0a) lines++;
  return { lines, bytes, sha256: hash.digest('hex') };
}
