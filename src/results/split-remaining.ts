/**
 * remaining.jsonl cut into parts that each fit one batch (the Batch API takes at most 50,000
 * requests and 200 MB per input file), optionally with every request's `body.model` rewritten.
 * The cut is deterministic, so part n of a second run holds the same requests as part n of the
 * first: that is what makes a resubmission idempotent part by part.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { BatchCancelError } from '../contract/errors';

/** The Batch API's limits on one input file. */
export const BATCH_LIMITS = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 } as const;

export interface RemainingPart {
  /** 1-based. */
  index: number;
  path: string;
  lines: number;
  bytes: number;
}

export interface SplitOptions {
  /** Rewrite each request's `body.model` to this. */
  model?: string;
  maxRequests?: number;
  maxBytes?: number;
}

/** Thrown when a line of remaining.jsonl cannot be resubmitted as it is. */
export class UnsplittableLineError extends BatchCancelError {
  constructor(lineNumber: number, why: string) {
    super(`remaining.jsonl line ${lineNumber}: ${why}`);
    this.name = 'UnsplittableLineError';
  }
}

function withModel(line: string, model: string, lineNumber: number): string {
  let request: { body?: unknown };
  try {
    request = JSON.parse(line) as { body?: unknown };
  } catch {
    throw new UnsplittableLineError(
      lineNumber,
      'not JSON, so its model cannot be rewritten; fix or remove it',
    );
  }
  if (typeof request.body !== 'object' || request.body === null)
    throw new UnsplittableLineError(lineNumber, 'has no body whose model could be rewritten');
  (request.body as Record<string, unknown>).model = model;
  return JSON.stringify(request);
}

/** Writes the parts of `source` (a path or a stream) into `dir` (created) and returns them; none when nothing remains. */
export async function splitRemaining(
  source: string | Readable,
  dir: string,
  opts: SplitOptions = {},
): Promise<RemainingPart[]> {
  const maxRequests = opts.maxRequests ?? BATCH_LIMITS.maxRequests;
  const maxBytes = opts.maxBytes ?? BATCH_LIMITS.maxBytes;
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const parts: RemainingPart[] = [];
  let current: { part: RemainingPart; out: fs.WriteStream } | null = null;
  let writeError: Error | undefined;
  const close = async () => {
    if (!current) return;
    const out = current.out;
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    current = null;
    if (writeError) throw writeError;
  };
  const input = readline.createInterface({
    input: typeof source === 'string' ? fs.createReadStream(source) : source,
    crlfDelay: Infinity,
  });
  let lineNumber = 0;
  try {
    for await (const raw of input) {
      lineNumber++;
      if (raw.trim().length === 0) continue;
      const line = `${opts.model ? withModel(raw, opts.model, lineNumber) : raw}\n`;
      const bytes = Buffer.byteLength(line);
      if (bytes > maxBytes)
        throw new UnsplittableLineError(lineNumber, `${bytes} bytes, over the ${maxBytes}-byte file limit`);
      if (current && (current.part.lines >= maxRequests || current.part.bytes + bytes > maxBytes))
        await close();
      if (!current) {
        const part: RemainingPart = {
          index: parts.length + 1,
          path: path.join(dir, `part-${parts.length + 1}.jsonl`),
          lines: 0,
          bytes: 0,
        };
        parts.push(part);
        const out = fs.createWriteStream(part.path, { mode: 0o600 });
        // Recorded, not thrown from an event: the write loop checks it after every line.
        out.on('error', (err) => (writeError ??= err));
        current = { part, out };
      }
      const c: { part: RemainingPart; out: fs.WriteStream } = current;
      if (!c.out.write(line)) await drained(c.out);
      if (writeError) throw writeError;
      c.part.lines++;
      c.part.bytes += bytes;
    }
    await close();
  } catch (err) {
    input.close();
    const open = current as { out: fs.WriteStream } | null;
    if (open) await new Promise<void>((resolve) => open.out.destroy().once('close', () => resolve()));
    throw err;
  }
  return parts;
}

/** Resolves when the stream may be written again; rejects if it fails first. */
function drained(out: fs.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      out.off('drain', onDrain);
      reject(err);
    };
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    out.once('drain', onDrain).once('error', onError);
  });
}
