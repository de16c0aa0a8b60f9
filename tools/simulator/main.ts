/**
 * Runs the simulator until SIGINT/SIGTERM:
 *   npx tsx tools/simulator/main.ts --port 8787 [--host 127.0.0.1] [--cancel-delay-ms N] [--seed N] [--api-key K]
 *     [--webhook-url URL --webhook-secret whsec_… [--webhook-drop-rate 0.1] [--webhook-duplicate-rate 0.2]
 *      [--webhook-bad-signature-rate 0.1] [--webhook-delay-ms N] [--webhook-reorder-window-ms N]]
 */
import { parseArgs } from 'node:util';
import { startSimulator } from './simulator';
import { WEBHOOK_FLAGS, webhookOptionsFromFlags, type WebhookFlagName } from './webhook-flags';

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    console.error(`--${name} must be a non-negative integer, got '${value}'`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'cancel-delay-ms': { type: 'string' },
      seed: { type: 'string' },
      'api-key': { type: 'string' },
      ...Object.fromEntries(
        Object.keys(WEBHOOK_FLAGS).map((k) => [`webhook-${k}`, { type: 'string' as const }]),
      ),
    },
  });
  let webhooks;
  try {
    webhooks = webhookOptionsFromFlags(
      Object.fromEntries(
        Object.keys(WEBHOOK_FLAGS).map((k) => [
          k,
          (values as Record<string, string | undefined>)[`webhook-${k}`],
        ]),
      ) as Partial<Record<WebhookFlagName, string>>,
    );
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const cancelDelayMs = integer('cancel-delay-ms', values['cancel-delay-ms']);
  const seed = integer('seed', values.seed);
  const sim = await startSimulator({
    host: values.host,
    port: integer('port', values.port) ?? 8787,
    ...(seed !== undefined ? { seed } : {}),
    ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
    ...(cancelDelayMs !== undefined ? { timing: { cancelDelayMs } } : {}),
    ...(webhooks ? { webhooks } : {}),
  });
  console.log(`OpenAI Batch API simulator listening on ${sim.url}`);
  console.log(`OPENAI_BASE_URL=${sim.url}`);
  console.log(`OPENAI_API_KEY=${sim.apiKey}`);
  if (webhooks) console.log(`webhooks: batch events → ${webhooks.url}`);
  const stop = (signal: string): void => {
    console.log(`${signal}: stopping the simulator`);
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
