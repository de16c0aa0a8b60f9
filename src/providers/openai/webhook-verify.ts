/**
 * Verifies an OpenAI webhook delivery (Standard Webhooks: HMAC-SHA256 over id.timestamp.body, a
 * 5-minute timestamp tolerance) with the SDK's own `webhooks.unwrap`, never a hand-rolled HMAC.
 */
import OpenAI, { InvalidWebhookSignatureError } from 'openai';
import type { WebhookDelivery, WebhookSupport } from '../types';
import { OPENAI_BATCH_ID_PATTERN } from './batch-id';
import { isBatchEventType, OUTCOME_OF_EVENT, WebhookEventSchema } from './webhook-event';

/** What a delivery turned out to be: the verified, parsed body, or why it was refused. */
export type WebhookVerification = { ok: true; payload: unknown } | { ok: false; reason: string };

/** The Standard Webhooks headers every OpenAI delivery carries. */
const REQUIRED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** Fewest key bytes accepted: Standard Webhooks keys are 24 to 64 random bytes. */
const MIN_SECRET_BYTES = 16;

/**
 * Why `secret` is not an endpoint signing secret (`whsec_` + the base64 key), or undefined when it
 * is. The SDK verifies with any string (a made-up one decodes to some bytes), so every delivery
 * would then fail its signature check, silently: a receiver checks this at start.
 */
export function webhookSecretProblem(secret: string): string | undefined {
  if (!secret.startsWith('whsec_')) return "must start with 'whsec_'";
  const key = secret.slice('whsec_'.length);
  const bytes = Buffer.from(key, 'base64');
  if (bytes.length === 0 || bytes.toString('base64') !== key)
    return "the part after 'whsec_' is not base64: copy the whole signing secret from the OpenAI dashboard";
  if (bytes.length < MIN_SECRET_BYTES)
    return `the key is ${bytes.length} bytes, fewer than a signing secret's ${MIN_SECRET_BYTES}: copy the whole secret from the OpenAI dashboard`;
  return undefined;
}

/** A verifier for one endpoint's signing secret (`whsec_…`). */
export function createWebhookVerifier(
  secret: string,
): (body: string, headers: Headers) => Promise<WebhookVerification> {
  // Only the webhook helpers are used: no API call is made, so no API key is needed.
  const sdk = new OpenAI({ apiKey: 'unused-webhook-verification-only', webhookSecret: secret });
  return async (body, headers) => {
    try {
      return { ok: true, payload: await sdk.webhooks.unwrap(body, headers, secret) };
    } catch (err) {
      return {
        ok: false,
        reason: err instanceof InvalidWebhookSignatureError ? err.message : 'body is not JSON',
      };
    }
  };
}

/**
 * OpenAI's webhooks behind the port: the headers present, the signature verified, the event's
 * shape checked; a batch event (of a `batch_…` id) names the batch and the outcome it announces.
 */
export const openaiWebhooks: WebhookSupport = {
  secretProblem: webhookSecretProblem,
  verifier(secret) {
    const verify = createWebhookVerifier(secret);
    return async (body, headers): Promise<WebhookDelivery> => {
      const missing = REQUIRED_HEADERS.filter((name) => !headers.get(name));
      if (missing.length) return { ok: false, deliveryId: null, reason: `missing ${missing.join(', ')}` };
      const deliveryId = headers.get('webhook-id');
      const verified = await verify(body, headers);
      if (!verified.ok) return { ok: false, deliveryId, reason: verified.reason };
      const event = WebhookEventSchema.safeParse(verified.payload);
      if (!event.success) return { ok: false, deliveryId, reason: 'not an OpenAI event object' };
      const { type, id, data } = event.data;
      if (!isBatchEventType(type) || !OPENAI_BATCH_ID_PATTERN.test(data.id)) return { ok: true, event: null };
      return { ok: true, event: { eventId: id, type, batchId: data.id, outcome: OUTCOME_OF_EVENT[type] } };
    };
  },
};
