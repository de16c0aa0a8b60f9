/**
 * Serves the simulator's files from disk, so a streaming benchmark measures the copy and not the
 * simulator: it generates every line (ids, JSON, a PRNG) as it serves it, about a core's worth of
 * work per 100 MB/s on this 2-core machine, which the real API does on its own hardware. Each file
 * is fetched from the simulator once, before any timing; `GET <base>/files/<id>/content` of a cached
 * file is then a plain file stream, and every other request is passed to the simulator unchanged.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** `GET <base>/files/<id>/content` as a stream, the way a raw copy reads it (no SDK, no checks). */
export async function fetchFileContent(
  baseUrl: string,
  apiKey: string,
  fileId: string,
): Promise<{ body: Readable; bytes: number }> {
  const res = await fetch(`${baseUrl}/files/${fileId}/content`, {
    headers: { Authorization: `Bearer ${apiKey}` },
  });
  if (!res.ok || !res.body) throw new Error(`GET ${fileId}: ${res.status}`);
  return {
    body: Readable.fromWeb(res.body as WebReadableStream),
    bytes: Number(res.headers.get('content-length')),
  };
}

export interface FileCache {
  /** Base URL to use instead of the simulator's (same path prefix, e.g. `/v1`). */
  url: string;
  /** Downloads `fileId` from the simulator once; later requests for it are served from disk. */
  add(fileId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFileCache(simUrl: string, apiKey: string): Promise<FileCache> {
  const upstream = new URL(simUrl);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-file-cache-'));
  const cached = new Map<string, { file: string; bytes: number }>();
  const contentPath = /\/files\/([^/]+)\/content$/;

  const server = http.createServer((req, res) => {
    const id = contentPath.exec(req.url ?? '')?.[1];
    const hit = id ? cached.get(id) : undefined;
    if (req.method === 'GET' && hit) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': hit.bytes });
      fs.createReadStream(hit.file).pipe(res);
      return;
    }
    const proxied = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`,
    async add(fileId) {
      if (cached.has(fileId)) return;
      const { body } = await fetchFileContent(simUrl, apiKey, fileId);
      const file = path.join(dir, fileId);
      await pipeline(body, fs.createWriteStream(file));
      cached.set(fileId, { file, bytes: fs.statSync(file).size });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
