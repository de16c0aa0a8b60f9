/** A receiver's signing secret is checked at start: `whsec_` and a base64 key of at least 16 bytes. */
import { webhookSecretProblem } from '../../src/providers/openai/webhook-verify';
import { newWebhookSecret } from '../../tools/simulator';

describe('webhookSecretProblem', () => {
  it('accepts a real-shaped secret', () => {
    expect(webhookSecretProblem(newWebhookSecret())).toBeUndefined();
    expect(webhookSecretProblem(`whsec_${Buffer.alloc(32, 7).toString('base64')}`)).toBeUndefined();
  });

  it('refuses a made-up, truncated, unprefixed or too short secret, saying why', () => {
    expect(webhookSecretProblem('whsec_madeup123')).toMatch(/not base64/);
    expect(webhookSecretProblem('whsec_')).toMatch(/not base64/);
    expect(webhookSecretProblem(newWebhookSecret().slice(0, -3))).toMatch(/not base64/);
    expect(webhookSecretProblem(Buffer.alloc(32).toString('base64'))).toMatch(/must start with 'whsec_'/);
    expect(webhookSecretProblem(`whsec_${Buffer.alloc(8, 1).toString('base64')}`)).toMatch(/8 bytes/);
  });
});
