/**
 * The HTTP layer: route, inject faults, authenticate, dispatch, render. Faults come before
 * authentication because on the real service they happen in front of it (load balancers, rate
 * limiters). In Azure mode the Azure paths are first mapped onto the OpenAI ones (azure.ts).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type Socket } from 'node:net';
import { authenticateAzure, type AzureMode, azurePath, resourceNotFound } from './azure';
import { ApiError, insufficientQuota, invalidUrl, rateLimited, serverError } from './errors';
import { type FaultEngine } from './faults';
import { type FileRegistry } from './files';
import { type Handler } from './handlers';
import { authenticate, readBody, sendJson, sendMalformed } from './http';
import { httpRequestId } from './ids';
import { matchRoute } from './routes';
import { sendFile } from './send-file';
import { type RouteName } from './types';

export interface ServerDeps {
  apiKey: string;
  seed: number;
  clock: () => number;
  faults: FaultEngine;
  files: FileRegistry;
  handlers: Record<RouteName, Handler>;
  /** Serve Azure OpenAI's paths and authentication instead of OpenAI's. */
  azure: AzureMode | null;
}

export interface RunningServer {
  server: Server;
  close(): Promise<void>;
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = {
      'x-request-id': httpRequestId(deps.seed, ++requestSeq),
      'openai-version': '2020-10-01',
    };
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    try {
      const route = matchRoute(method, deps.azure ? azurePath(url, deps.azure) : url.pathname);
      if (!route) {
        // Azure's gateway refuses an unknown path before it looks at credentials; OpenAI after.
        if (deps.azure) throw resourceNotFound();
        authenticate(req, deps.apiKey);
        throw invalidUrl(method, url.pathname);
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
      if (fault?.kind === 'quota_exceeded') {
        deps.faults.record('quota_exceeded');
        throw insufficientQuota();
      }
      if (fault?.kind === 'malformed_body') {
        deps.faults.record('malformed_body');
        sendMalformed(res, fault.shape, headers);
        return;
      }
      if (deps.azure) authenticateAzure(req, deps.apiKey);
      else authenticate(req, deps.apiKey);
      let body: Promise<Buffer> | undefined;
      const reply = await deps.handlers[route.name]({
        params: route.params,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        body: () => (body ??= readBody(req)),
        now: deps.clock(),
      });
      if (reply.kind === 'file') {
        const bytes = deps.files.bytes(reply.entry);
        await sendFile(res, { ...reply, bytes, seed: deps.seed, faults: deps.faults, decision, headers });
      } else sendJson(res, reply.status, reply.body, headers);
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
