/**
 * Verifies an OpenAI webhook delivery (Standard Webhooks: HMAC-SHA256 over id.timestamp.body, a
 * 5-minute timestamp tolerance) with the SDK's own `webhooks.unwrap`, never a hand-rolled HMAC.
 */
import OpenAI, { InvalidWebhookSignatureError } from 'openai';

/** What a delivery turned out to be: the verified, parsed body, or why it was refused. */
export type WebhookVerification = { ok: true; payload: unknown } | { ok: false; reason: string };

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
