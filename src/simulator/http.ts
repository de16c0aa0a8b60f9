/** Small request/response helpers of the HTTP layer: bodies, Bearer auth, JSON replies. */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { incorrectApiKey, missingApiKey, payloadTooLarge } from './errors';

/** Uploads beyond this are refused; OpenAI's own limit for batch input is 200 MB. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
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

/** Throws the 401 OpenAI sends for a missing or wrong Bearer token. */
export function authenticate(req: IncomingMessage, apiKey: string): void {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) throw missingApiKey();
  if (match[1] !== apiKey) throw incorrectApiKey(match[1]);
}

export function sendJson(
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
