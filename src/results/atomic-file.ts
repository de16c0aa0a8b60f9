/**
 * A file written under a temporary name and renamed into place only when complete, so a crash or a
 * retry never leaves a half-written or duplicated file under the final name. Counts the bytes
 * written and honours backpressure.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';

/** Owner-only: results may hold prompts and completions. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export class AtomicFile {
  readonly tmpPath: string;
  private readonly stream: fs.WriteStream;
  private written = 0;
  private closed = false;

  constructor(readonly finalPath: string) {
    this.tmpPath = path.join(
      path.dirname(finalPath),
      `.${path.basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`,
    );
    this.stream = fs.createWriteStream(this.tmpPath, { mode: FILE_MODE, flags: 'wx' });
  }

  get bytes(): number {
    return this.written;
  }

  /** Resolves once the stream can take more (immediately unless its buffer is full). */
  async write(chunk: Buffer | string): Promise<void> {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (buf.length === 0) return;
    this.written += buf.length;
    if (!this.stream.write(buf)) await once(this.stream, 'drain');
  }

  /** Flushes to disk and renames into place. */
  async commit(): Promise<{ path: string; bytes: number }> {
    await this.close();
    const fd = await fs.promises.open(this.tmpPath, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
    await fs.promises.rename(this.tmpPath, this.finalPath);
    return { path: this.finalPath, bytes: this.written };
  }

  /** Drops the temporary file; safe to call after a failure at any point. */
  async abort(): Promise<void> {
    await this.close().catch(() => undefined);
    await fs.promises.rm(this.tmpPath, { force: true });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.end();
    await once(this.stream, 'close');
  }
}

/** Writes a small JSON document atomically. */
export async function writeJsonAtomic(finalPath: string, value: unknown): Promise<void> {
  const file = new AtomicFile(finalPath);
  try {
    await file.write(`${JSON.stringify(value, null, 2)}\n`);
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
}

/** sha256 (hex) of a file's content, read back from disk. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
