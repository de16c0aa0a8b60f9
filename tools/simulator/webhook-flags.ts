/**
 * `--webhook-*` flags of the simulator's two entry points (main.ts and the `simulator` dev command),
 * turned into `WebhookOptions` in one place. The secret may also come from OPENAI_WEBHOOK_SECRET.
 */
import { durationProblem, parseDuration } from '../../src/cli/duration';
import { webhookSecretProblem } from '../../src/providers/openai/webhook-verify';
import type { WebhookOptions } from './webhooks';

/** Flag name (without `--webhook-`) → help text. */
export const WEBHOOK_FLAGS = {
  url: 'POST signed batch.* events here on every terminal transition',
  secret: 'signing secret whsec_… (default: OPENAI_WEBHOOK_SECRET)',
  'duplicate-rate': 'fraction of events delivered twice',
  'drop-rate': 'fraction of events never sent',
  'bad-signature-rate': 'fraction of events signed with a wrong secret',
  'delay-ms': 'delay before each first delivery (a duration: 500ms, 2s)',
  'reorder-window-ms': 'hold events this long and deliver them newest first (a duration)',
} as const;
export type WebhookFlagName = keyof typeof WEBHOOK_FLAGS;

function number(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max)
    throw new Error(`--webhook-${name} must be a number in [0, ${max}], got '${value}'`);
  return n;
}

/** The sender's options, or undefined without `--webhook-url`; throws naming a bad flag. */
export function webhookOptionsFromFlags(
  flags: Partial<Record<WebhookFlagName, string>>,
  env: NodeJS.ProcessEnv = process.env,
): WebhookOptions | undefined {
  if (!flags.url) {
    const stray = Object.keys(flags).filter((k) => flags[k as WebhookFlagName] !== undefined);
    if (stray.length) throw new Error(`--webhook-${stray[0]} needs --webhook-url`);
    return undefined;
  }
  const secret = flags.secret ?? env.OPENAI_WEBHOOK_SECRET;
  const problem = secret === undefined ? 'is required' : webhookSecretProblem(secret);
  if (problem || secret === undefined)
    throw new Error(`--webhook-secret (or OPENAI_WEBHOOK_SECRET), the whsec_… signing secret: ${problem}`);
  const rate = (name: WebhookFlagName) =>
    flags[name] === undefined ? undefined : number(name, flags[name], 1);
  const ms = (name: WebhookFlagName) => {
    const value = flags[name];
    if (value === undefined) return undefined;
    const problem = durationProblem(value, true);
    if (problem) throw new Error(`--webhook-${name} ${problem}`);
    return number(name, String(parseDuration(value, true)), 24 * 60 * 60 * 1000);
  };
  const faults = Object.fromEntries(
    Object.entries({
      duplicateRate: rate('duplicate-rate'),
      dropRate: rate('drop-rate'),
      badSignatureRate: rate('bad-signature-rate'),
      delayMs: ms('delay-ms'),
      reorderWindowMs: ms('reorder-window-ms'),
    }).filter(([, v]) => v !== undefined),
  );
  return { url: flags.url, secret, faults };
}
