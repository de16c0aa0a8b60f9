/** Small request/response helpers of the HTTP layer: bodies, Bearer auth, JSON replies. */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { incorrectApiKey, missingApiKey, payloadTooLarge } from './errors';
import { type MalformedBodyShape } from './types';

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

/** The 200 a misconfigured proxy or base URL sends: an HTML page, or JSON that is only a string. */
export function sendMalformed(
  res: ServerResponse,
  shape: MalformedBodyShape,
  headers: Record<string, string> = {},
): void {
  const [type, text] =
    shape === 'html'
      ? [
          'text/html; charset=utf-8',
          '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Proxy login required</body></html>',
        ]
      : ['application/json', JSON.stringify('upstream unavailable, try later')];
  res.writeHead(200, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
