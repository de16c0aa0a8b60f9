/**
 * Verifies an OpenAI webhook delivery (Standard Webhooks: HMAC-SHA256 over id.timestamp.body, a
 * 5-minute timestamp tolerance) with the SDK's own `webhooks.unwrap`, never a hand-rolled HMAC.
 */
import OpenAI, { InvalidWebhookSignatureError } from 'openai';

/** What a delivery turned out to be: the verified, parsed body, or why it was refused. */
export type WebhookVerification = { ok: true; payload: unknown } | { ok: false; reason: string };

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
