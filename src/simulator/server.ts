/**
 * The HTTP layer: route, inject faults, authenticate, dispatch, render. Faults come before
 * authentication because on the real service they happen in front of it (load balancers, rate
 * limiters). File content is written chunk by chunk, waiting for 'drain', so memory stays flat.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type Socket } from 'node:net';
import {
  ApiError,
  incorrectApiKey,
  invalidUrl,
  missingApiKey,
  payloadTooLarge,
  rateLimited,
  serverError,
} from './errors';
import { type FaultDecision, type FaultEngine } from './faults';
import { type FileRegistry } from './files';
import { type Handler, type Reply } from './handlers';
import { httpRequestId } from './ids';
import { planChunks } from './file-stream';
import { matchRoute } from './routes';
import { type RouteName } from './types';

export interface ServerDeps {
  apiKey: string;
  seed: number;
  clock: () => number;
  faults: FaultEngine;
  files: FileRegistry;
  handlers: Record<RouteName, Handler>;
}

/** Uploads beyond this are refused; OpenAI's own limit for batch input is 200 MB. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export interface RunningServer {
  server: Server;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(payloadTooLarge(MAX_BODY_BYTES));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function authenticate(req: IncomingMessage, apiKey: string): void {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) throw missingApiKey();
  if (match[1] !== apiKey) throw incorrectApiKey(match[1]);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

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

export function startServer(deps: ServerDeps, host: string, port: number): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const sleepers = new Set<() => void>();
  let requestSeq = 0;
  let closing = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  /** Sends `last` (and the headers), waits until the kernel has it, then drops the connection. */
  async function cutOff(res: ServerResponse, last: Buffer): Promise<void> {
    deps.faults.record('cut_body');
    if (last.length === 0) res.flushHeaders();
    await new Promise<void>((resolve) => {
      if (last.length > 0) res.write(last, () => resolve());
      else if (res.socket) res.socket.write('', () => resolve());
      else resolve();
    });
    res.socket?.destroy();
  }

  async function sendFile(
    res: ServerResponse,
    reply: Extract<Reply, { kind: 'file' }>,
    decision: FaultDecision,
    headers: Record<string, string>,
  ): Promise<void> {
    const bytes = deps.files.bytes(reply.entry);
    const cut = decision.fault?.kind === 'cut_body' ? decision.fault : undefined;
    const cutAt = cut ? Math.min(bytes, cut.afterBytes ?? Math.floor(cut.fraction * bytes)) : undefined;
    res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': bytes });
    const corruption = {
      rate: deps.faults.malformedLineRate,
      seed: deps.seed,
      fileKey: reply.entry.key,
      onCorrupt: () => deps.faults.record('malformed_line'),
    };
    let sent = 0;
    for (const chunk of planChunks(reply.plan, corruption)) {
      if (cutAt !== undefined && sent + chunk.length >= cutAt) {
        await cutOff(res, chunk.subarray(0, cutAt - sent));
        return;
      }
      sent += chunk.length;
      if (!(await writeChunk(res, chunk))) return;
    }
    if (cutAt !== undefined) {
      await cutOff(res, Buffer.alloc(0));
      return;
    }
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = {
      'x-request-id': httpRequestId(deps.seed, ++requestSeq),
      'openai-version': '2020-10-01',
    };
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    try {
      if (!route) {
        authenticate(req, deps.apiKey);
        throw invalidUrl(req.method ?? 'GET', url.pathname);
      }
      const decision = deps.faults.decide(route.name);
      if (decision.latencyMs > 0) {
        deps.faults.record('latency');
        await sleep(decision.latencyMs);
        if (closing) return;
      }
      const fault = decision.fault;
      if (fault?.kind === 'reset') {
        deps.faults.record('reset');
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'server_error') {
        deps.faults.record('server_error');
        throw serverError(fault.status);
      }
      if (fault?.kind === 'rate_limit') {
        deps.faults.record('rate_limit');
        throw rateLimited(fault.retryAfterSeconds);
      }
      authenticate(req, deps.apiKey);
      let body: Promise<Buffer> | undefined;
      const reply = await deps.handlers[route.name]({
        params: route.params,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        body: () => (body ??= readBody(req)),
        now: deps.clock(),
      });
      if (reply.kind === 'file') await sendFile(res, reply, decision, headers);
      else sendJson(res, reply.status, reply.body, headers);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ApiError) {
        sendJson(res, error.status, error.body, { ...headers, ...error.headers });
        return;
      }
      console.error('[simulator] unexpected error', error);
      sendJson(res, 500, serverError(500).body, headers);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        server,
        close: () =>
          new Promise<void>((done) => {
            closing = true;
            for (const wake of [...sleepers]) wake();
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
