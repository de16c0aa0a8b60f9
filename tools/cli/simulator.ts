/** `simulator`: an OpenAI-compatible Batch API simulator until Ctrl-C (for the worker's OPENAI_BASE_URL). */
import { Command } from 'commander';
import { startSimulator } from '../simulator';
import { WEBHOOK_FLAGS, webhookOptionsFromFlags, type WebhookFlagName } from '../simulator/webhook-flags';
import { nonNegativeInt, print } from '../../src/cli/common';
import { waitForStopSignal } from '../../src/cli/signals';

interface SimulatorCommandOptions {
  port: number;
  host: string;
  cancelDelayMs?: number;
  apiKey?: string;
  [flag: `webhook${string}`]: string | undefined;
}

/** `--webhook-drop-rate` → commander's `webhookDropRate`. */
const camel = (flag: string) => `webhook-${flag}`.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function simulatorCommand(): Command {
  const command = new Command('simulator')
    .description('run the OpenAI Batch API simulator until Ctrl-C')
    .option('--port <n>', 'port to listen on (0: a free one)', nonNegativeInt, 8787)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--cancel-delay-ms <n>', 'how long cancelling takes (the real API: ~10 min)', nonNegativeInt)
    .option('--api-key <key>', 'the only API key accepted (default sk-simulator)');
  for (const [flag, help] of Object.entries(WEBHOOK_FLAGS)) {
    command.option(`--webhook-${flag} <value>`, help);
  }
  return command.action(async (opts: SimulatorCommandOptions) => {
    const webhooks = webhookOptionsFromFlags(
      Object.fromEntries(
        Object.keys(WEBHOOK_FLAGS).map((k) => [k, opts[camel(k) as `webhook${string}`]]),
      ) as Partial<Record<WebhookFlagName, string>>,
    );
    const sim = await startSimulator({
      ...(webhooks ? { webhooks } : {}),
      host: opts.host,
      port: opts.port,
      ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
      ...(opts.cancelDelayMs !== undefined ? { timing: { cancelDelayMs: opts.cancelDelayMs } } : {}),
    });
    print(`OpenAI Batch API simulator listening on ${sim.url} (Ctrl-C to stop)`);
    print(`OPENAI_BASE_URL=${sim.url}`);
    print(`OPENAI_API_KEY=${sim.apiKey}`);
    if (webhooks) print(`webhooks: batch events → ${webhooks.url}`);
    await waitForStopSignal();
    await sim.close();
  });
}
