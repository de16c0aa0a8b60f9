/**
 * Standard Webhooks signing, as OpenAI signs its events. The simulator stands in for OpenAI, the
 * sender, so it signs by hand here; the receiver verifies with the `openai` SDK, never with this.
 */
import { createHmac } from 'node:crypto';

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64 part after `whsec_`. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one signed delivery. */
export function webhookHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(secret, id, timestampSeconds, body),
  };
}

/** A fresh `whsec_` secret (24 random bytes), for tests and the dev stack. */
export function newWebhookSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return `whsec_${Buffer.from(bytes).toString('base64')}`;
}
