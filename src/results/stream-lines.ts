/**
 * Reads a byte stream line by line with constant memory, hashing exactly what was served, and
 * noticing a body cut short (fewer bytes than Content-Length) even when the socket closed cleanly.
 */
import { createHash } from 'node:crypto';
import { LineSplitter, type Line } from './line-splitter';
import { BatchCancelError } from '../contract/errors';

/** Thrown when a download ended before all its bytes arrived: retry the download. */
export class TruncatedDownloadError extends BatchCancelError {
  /** Read by the error classifier (src/openai/errors.ts): a network failure, retried. */
  readonly code = 'ERR_TRUNCATED_DOWNLOAD';
  constructor(
    readonly receivedBytes: number,
    readonly expectedBytes: number,
  ) {
    super(`download ended after ${receivedBytes} of ${expectedBytes} bytes`);
    this.name = 'TruncatedDownloadError';
  }
}

export interface StreamLinesOptions {
  maxLineBytes: number;
  /** Hand over oversized lines in fragments instead of skipping them (see LineSplitter). */
  streamOversized?: boolean;
  /** Content-Length, when the server sent one. */
  expectedBytes?: number;
  /** Called with the lines completed by each chunk; awaited, so a slow writer slows the reader. */
  onLines: (lines: Line[]) => Promise<void>;
}

export interface StreamedSource {
  bytes: number;
  sha256: string;
}

export async function streamLines(
  source: AsyncIterable<Uint8Array>,
  opts: StreamLinesOptions,
): Promise<StreamedSource> {
  const splitter = new LineSplitter(opts.maxLineBytes, { streamOversized: opts.streamOversized ?? false });
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    hash.update(buf);
    bytes += buf.length;
    const lines = splitter.push(buf);
    if (lines.length > 0) await opts.onLines(lines);
  }
  if (opts.expectedBytes !== undefined && bytes !== opts.expectedBytes) {
    throw new TruncatedDownloadError(bytes, opts.expectedBytes);
  }
  const last = splitter.end();
  if (last.length > 0) await opts.onLines(last);
  return { bytes, sha256: hash.digest('hex') };
}
