/**
 * A file written under a temporary name and renamed into place only when complete, so a crash or a
 * retry never leaves a half-written or duplicated file under the final name. Counts the bytes
 * written and honours backpressure.
 *
 * The write stream's 'error' is always listened for: an unhandled one (ENOSPC after a write was
 * accepted) would kill the worker process and every workflow on it. The first error is kept and
 * rethrown, as a ResultsStorageError naming the path, by the next write, commit or abort.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { asStorageError, onVolume } from './storage-error';

/** Owner-only: results may hold prompts and completions. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Opens the temporary file; tests inject one that fails the way a full disk does. */
export type OpenWriteStream = (file: string, opts: { mode: number; flags: string }) => Writable;

const openFsStream: OpenWriteStream = (file, opts) => fs.createWriteStream(file, opts);

/** Flushes a written file to the device; tests inject one as slow as a busy network volume. */
export type SyncFile = (file: string) => Promise<void>;

const fsyncFile: SyncFile = async (file) => {
  const fd = await fs.promises.open(file, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
};

export class AtomicFile {
  readonly tmpPath: string;
  private readonly stream: Writable;
  private readonly closedPromise: Promise<void>;
  private failure: unknown;
  private written = 0;
  private closed = false;

  constructor(
    readonly finalPath: string,
    open: OpenWriteStream = openFsStream,
    private readonly sync: SyncFile = fsyncFile,
  ) {
    this.tmpPath = path.join(
      path.dirname(finalPath),
      `.${path.basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`,
    );
    this.stream = open(this.tmpPath, { mode: FILE_MODE, flags: 'wx' });
    this.stream.on('error', (err) => {
      this.failure ??= asStorageError(err, this.tmpPath);
    });
    this.closedPromise = new Promise((resolve) => this.stream.once('close', () => resolve()));
  }

  get bytes(): number {
    return this.written;
  }

  /** Resolves once the stream can take more (immediately unless its buffer is full). */
  async write(chunk: Buffer | string): Promise<void> {
    this.throwIfFailed();
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (buf.length === 0) return;
    this.written += buf.length;
    if (!this.stream.write(buf)) await this.drained();
    this.throwIfFailed();
  }

  /** Flushes to disk and renames into place. */
  async commit(): Promise<{ path: string; bytes: number }> {
    await this.close();
    this.throwIfFailed();
    await onVolume(this.tmpPath, () => this.sync(this.tmpPath));
    await onVolume(this.finalPath, () => fs.promises.rename(this.tmpPath, this.finalPath));
    return { path: this.finalPath, bytes: this.written };
  }

  /** Drops the temporary file; safe to call after a failure at any point, never waits on the disk. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stream.destroy();
    }
    await this.closedPromise;
    await fs.promises.rm(this.tmpPath, { force: true }).catch(() => undefined);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** 'drain' never comes once the stream failed: 'close' (after 'error') ends the wait too. */
  private drained(): Promise<void> {
    if (this.stream.destroyed) return this.closedPromise;
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.end();
    await this.closedPromise;
  }
}

/** Writes a small JSON document atomically. */
export async function writeJsonAtomic(
  finalPath: string,
  value: unknown,
  open: OpenWriteStream = openFsStream,
): Promise<void> {
  const file = new AtomicFile(finalPath, open);
  try {
    await file.write(`${JSON.stringify(value, null, 2)}\n`);
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
}

/**
 * sha256 (hex) of a stream's bytes (a file read back from disk, or an object from the store);
 * `onChunk` hears each chunk (liveness of a slow re-hash).
 */
export async function sha256OfStream(
  stream: AsyncIterable<unknown>,
  onChunk?: (bytes: number) => void,
): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    onChunk?.((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

/** sha256 (hex) of a file's content, read back from disk. */
export function sha256OfFile(file: string): Promise<string> {
  return sha256OfStream(fs.createReadStream(file));
}
