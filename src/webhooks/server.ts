/**
 * The receiver as a small node:http server: `POST /openai/webhooks` runs the handler on the raw
 * body, `GET /healthz` answers while the process serves (and says whether Temporal answers).
 */
import http from 'node:http';
import type { Client } from '@temporalio/client';
import { MAX_WEBHOOK_BODY_BYTES, type WebhookHandler } from './handler';

/** The path OpenAI's dashboard is pointed at. */
export const WEBHOOK_PATH = '/openai/webhooks';

/** Options of `startWebhookServer`. */
export interface WebhookServerOptions {
  /** Serves `POST /openai/webhooks`: the default account's endpoint. */
  handler?: WebhookHandler;
  /**
   * Serve `POST /openai/webhooks/<account>`, each with the handler of that account (its own
   * secret): one endpoint per account in the OpenAI dashboard.
   */
  accounts?: Readonly<Record<string, WebhookHandler>>;
  /** Asked by `/healthz` whether Temporal answers. */
  client: Client;
  /** @default 8788 */
  port?: number;
  /** Loopback only unless asked: `0.0.0.0` where the receiver must be reached from outside. @default '127.0.0.1' */
  host?: string;
}

/** A running receiver: its URL and how to stop it. */
export interface WebhookServer {
  /** e.g. `http://127.0.0.1:8788/openai/webhooks` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: string, close = false): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}

/** Reads the body up to the limit; null when it is larger (the rest is drained, not kept). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function temporalAnswers(client: Client): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + 2_000, () => client.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}

async function route(opts: WebhookServerOptions, req: http.IncomingMessage, res: http.ServerResponse) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') {
    const temporal = await temporalAnswers(opts.client);
    return send(res, 200, JSON.stringify({ ok: true, temporal: temporal ? 'reachable' : 'unreachable' }));
  }
  const handler = handlerOf(opts, path ?? '/');
  if (!handler) return send(res, 404, JSON.stringify({ error: 'not found' }));
  if (req.method !== 'POST') return send(res, 405, JSON.stringify({ error: 'POST only' }));
  const declared = Number(req.headers['content-length'] ?? 0);
  // A body declared too large is not read: the handler refuses it by size, and counts it.
  const body = declared > MAX_WEBHOOK_BODY_BYTES ? null : await readBody(req, MAX_WEBHOOK_BODY_BYTES);
  if (!body) req.resume();
  const answer = await handler({ body: body ?? oversized(), headers: req.headers });
  send(res, answer.status, answer.body, !body);
}

/** The handler of a path: the bare one for the default account, `<WEBHOOK_PATH>/<account>` for another. */
function handlerOf(opts: WebhookServerOptions, path: string): WebhookHandler | undefined {
  if (path === WEBHOOK_PATH) return opts.handler;
  if (!path.startsWith(`${WEBHOOK_PATH}/`)) return undefined;
  const account = path.slice(WEBHOOK_PATH.length + 1);
  return Object.prototype.hasOwnProperty.call(opts.accounts ?? {}, account)
    ? opts.accounts?.[account]
    : undefined;
}

let oversizedBody: Uint8Array | undefined;
/** A stand-in for a body that was not kept because it is over the limit. */
function oversized(): Uint8Array {
  oversizedBody ??= new Uint8Array(MAX_WEBHOOK_BODY_BYTES + 1);
  return oversizedBody;
}

/**
 * Starts the receiver over node:http (what `openai-batch-cancel webhooks` runs): `POST
 * /openai/webhooks` answers with the handler, `GET /healthz` with 200 and whether Temporal answers.
 * Close it when done.
 */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const server = http.createServer((req, res) => {
    route(opts, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: (err as Error).message }));
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8788, host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 8788);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}${WEBHOOK_PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
