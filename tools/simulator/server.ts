/**
 * The HTTP layer: route, inject faults, authenticate, dispatch, render. Faults come before
 * authentication because on the real service they happen in front of it (load balancers, rate
 * limiters). In Azure mode the Azure paths are first mapped onto the OpenAI ones (azure.ts); in
 * Anthropic mode another route table, authentication and error shape apply (anthropic.ts).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type Socket } from 'node:net';
import {
  anthropicCreditTooLow,
  anthropicNotFound,
  anthropicOverloaded,
  anthropicRateLimited,
  anthropicRequestId,
  anthropicServerError,
  asAnthropicBody,
  authenticateAnthropic,
} from './anthropic';
import { authenticateAzure, type AzureMode, azurePath, resourceNotFound } from './azure';
import { ApiError, insufficientQuota, invalidUrl, rateLimited, serverError } from './errors';
import { type FaultEngine } from './faults';
import { type FileRegistry } from './files';
import { type HandlerTable } from './handlers';
import { authenticate, readBody, sendJson, sendMalformed } from './http';
import { httpRequestId } from './ids';
import { ANTHROPIC_ROUTES, matchRoute } from './routes';
import { sendFile } from './send-file';

export interface ServerDeps {
  apiKey: string;
  seed: number;
  clock: () => number;
  faults: FaultEngine;
  files: FileRegistry;
  handlers: HandlerTable;
  /** Serve Azure OpenAI's paths and authentication instead of OpenAI's. */
  azure: AzureMode | null;
  /** Serve Anthropic's Message Batches API instead of OpenAI's. */
  anthropic: boolean;
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
    const anthropic = deps.anthropic;
    const headers: Record<string, string> = anthropic
      ? { 'request-id': anthropicRequestId(deps.seed, ++requestSeq) }
      : { 'x-request-id': httpRequestId(deps.seed, ++requestSeq), 'openai-version': '2020-10-01' };
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    try {
      const route = anthropic
        ? matchRoute(method, url.pathname, ANTHROPIC_ROUTES)
        : matchRoute(method, deps.azure ? azurePath(url, deps.azure) : url.pathname);
      if (!route) {
        // Azure's gateway refuses an unknown path before it looks at credentials; OpenAI after.
        if (deps.azure) throw resourceNotFound();
        if (anthropic) {
          authenticateAnthropic(req, deps.apiKey);
          throw anthropicNotFound(`${method} ${url.pathname}: no such route`);
        }
        authenticate(req, deps.apiKey);
        throw invalidUrl(method, url.pathname);
      }
      const handler = deps.handlers[route.name];
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
        throw anthropic ? anthropicServerError(fault.status) : serverError(fault.status);
      }
      if (fault?.kind === 'rate_limit') {
        deps.faults.record('rate_limit');
        throw anthropic
          ? anthropicRateLimited(fault.retryAfterSeconds)
          : rateLimited(fault.retryAfterSeconds);
      }
      if (fault?.kind === 'quota_exceeded') {
        deps.faults.record('quota_exceeded');
        throw anthropic ? anthropicCreditTooLow() : insufficientQuota();
      }
      if (fault?.kind === 'overloaded') {
        deps.faults.record('overloaded');
        throw anthropicOverloaded();
      }
      if (fault?.kind === 'malformed_body') {
        deps.faults.record('malformed_body');
        sendMalformed(res, fault.shape, headers);
        return;
      }
      if (anthropic) authenticateAnthropic(req, deps.apiKey);
      else if (deps.azure) authenticateAzure(req, deps.apiKey);
      else authenticate(req, deps.apiKey);
      if (!handler) throw new Error(`no handler for route ${route.name}`);
      let body: Promise<Buffer> | undefined;
      const reply = await handler({
        params: route.params,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        body: () => (body ??= readBody(req)),
        now: deps.clock(),
      });
      if (reply.kind === 'file') {
        const bytes = deps.files.bytes(reply.entry);
        await sendFile(res, { ...reply, bytes, seed: deps.seed, faults: deps.faults, decision, headers });
      } else if (reply.kind === 'stream') {
        const { plan, bytes, contentType } = reply;
        const common = { seed: deps.seed, faults: deps.faults, decision, headers };
        await sendFile(res, { ...common, entry: { key: reply.key }, plan, bytes, contentType });
      } else sendJson(res, reply.status, reply.body, headers);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ApiError) {
        // Anthropic's error bodies carry the response's request id as `request_id`; errors of the
        // shared layer (an oversized body) are recast in Anthropic's shape.
        const body = anthropic
          ? { ...asAnthropicBody(error), request_id: headers['request-id'] ?? null }
          : error.body;
        sendJson(res, error.status, body, { ...headers, ...error.headers });
        return;
      }
      console.error('[simulator] unexpected error', error);
      const fallback = anthropic
        ? { ...anthropicServerError().body, request_id: headers['request-id'] }
        : serverError(500).body;
      sendJson(res, 500, fallback, headers);
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
