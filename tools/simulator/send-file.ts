/**
 * Writing file content: chunk by chunk, waiting for 'drain', so memory stays flat however large the
 * file; and the `cut_body` fault, which promises the full Content-Length and then hangs up.
 */
import { type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { type FaultDecision, type FaultEngine } from './faults';
import { type FilePlan } from './file-content';
import { type FileEntry } from './files';
import { planChunks } from './file-stream';

/** Resolves true once the chunk can be followed by another, false if the client went away. */
function writeChunk(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** Sends `last` (and the headers), waits until the kernel has them, then drops the connection. */
async function cutOff(res: ServerResponse, last: Buffer): Promise<void> {
  if (last.length === 0) res.flushHeaders();
  await new Promise<void>((resolve) => {
    if (last.length > 0) res.write(last, () => resolve());
    else if (res.socket) res.socket.write('', () => resolve());
    else resolve();
  });
  res.socket?.destroy();
}

export interface SendFileOptions {
  /** Only its `key`, which seeds the malformed-line decisions. */
  entry: Pick<FileEntry, 'key'>;
  plan: FilePlan;
  bytes: number;
  seed: number;
  faults: FaultEngine;
  decision: FaultDecision;
  headers: Record<string, string>;
  /** @default 'application/octet-stream' */
  contentType?: string;
}

const gzip = promisify<Buffer, Buffer>(zlib.gzip);
const brotli = promisify<Buffer, zlib.BrotliOptions, Buffer>(zlib.brotliCompress);
// Brotli's default quality (11) takes seconds on a test-sized file; a CDN uses a low one too.
const compress = {
  gzip: (b: Buffer) => gzip(b),
  br: (b: Buffer) => brotli(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
};

/** The whole body compressed: Content-Length then counts compressed bytes, as a proxy would send. */
async function compressed(
  opts: SendFileOptions,
  corruption: Parameters<typeof planChunks>[1],
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const chunk of planChunks(opts.plan, corruption)) parts.push(Buffer.from(chunk));
  return compress[opts.decision.encoding!](Buffer.concat(parts));
}

export async function sendFile(res: ServerResponse, opts: SendFileOptions): Promise<void> {
  const { faults, decision } = opts;
  const corruption = {
    rate: faults.malformedLineRate,
    seed: opts.seed,
    fileKey: opts.entry.key,
    onCorrupt: () => faults.record('malformed_line'),
  };
  let body: Iterable<Buffer> = planChunks(opts.plan, corruption);
  let bytes = opts.bytes;
  const encoding: Record<string, string> = {};
  if (decision.encoding) {
    const packed = await compressed(opts, corruption);
    faults.record('content_encoding');
    body = [packed];
    bytes = packed.length;
    encoding['content-encoding'] = decision.encoding;
  }
  const cut = decision.fault?.kind === 'cut_body' ? decision.fault : undefined;
  const cutAt = cut ? Math.min(bytes, cut.afterBytes ?? Math.floor(cut.fraction * bytes)) : undefined;
  res.writeHead(200, {
    ...opts.headers,
    ...encoding,
    'content-type': opts.contentType ?? 'application/octet-stream',
    'content-length': bytes,
  });
  let sent = 0;
  for (const chunk of body) {
    if (cutAt !== undefined && sent + chunk.length >= cutAt) {
      faults.record('cut_body');
      await cutOff(res, chunk.subarray(0, cutAt - sent));
      return;
    }
    sent += chunk.length;
    if (!(await writeChunk(res, chunk))) return;
  }
  if (cutAt !== undefined) {
    faults.record('cut_body');
    await cutOff(res, Buffer.alloc(0));
    return;
  }
  res.end();
}
