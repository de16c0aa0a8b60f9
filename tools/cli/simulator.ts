/**
 * `simulator`: an OpenAI-compatible Batch API simulator until Ctrl-C (for the worker's
 * OPENAI_BASE_URL), and `simulator create-batch`: a batch on a running one, to cancel. Also
 * `npm run simulator -- …` (tools/simulator/main.ts runs this same command).
 */
import { Command } from 'commander';
import {
  ANTHROPIC_VERSIONS,
  DEFAULT_API_KEY,
  DEFAULT_TIMING,
  LOCAL_CANCEL_DELAY_MS,
  startSimulator,
} from '../simulator';
import { WEBHOOK_FLAGS, webhookOptionsFromFlags, type WebhookFlagName } from '../simulator/webhook-flags';
import { nonNegativeInt, print } from '../../src/cli/common';
import { durationOption } from '../../src/cli/duration';
import { CliError, ExitCode } from '../../src/cli/errors';
import { formatDuration } from '../../src/cli/format';
import { waitForStopSignal } from '../../src/cli/signals';
import { createBatchCommand } from './create-batch';

interface SimulatorCommandOptions {
  port: number;
  host: string;
  cancelDelayMs: number;
  msPerRequest: number;
  seed?: number;
  apiKey: string;
  azure?: boolean;
  anthropic?: boolean;
  [flag: `webhook${string}`]: string | undefined;
}

/** `--webhook-drop-rate` → commander's `webhookDropRate`. */
const camel = (flag: string) => `webhook-${flag}`.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function simulatorCommand(): Command {
  const command = new Command('simulator')
    .description(
      'run the OpenAI Batch API simulator until Ctrl-C; `simulator create-batch` makes a batch to cancel',
    )
    .option('--port <n>', 'port to listen on (0: a free one)', nonNegativeInt, 8787)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addOption(
      durationOption(
        '--cancel-delay-ms <duration>',
        'how long cancelling takes, e.g. 20s or 10m (the real API: ~10 min)',
        LOCAL_CANCEL_DELAY_MS,
        { allowZero: true },
      ),
    )
    .addOption(
      durationOption(
        '--ms-per-request <duration>',
        'an in-progress batch answers one request this often (create-batch can set it per batch)',
        DEFAULT_TIMING.perRequestMs,
        { allowZero: true },
      ),
    )
    .option('--seed <n>', 'seeds ids and which requests fail', nonNegativeInt)
    .option('--api-key <key>', 'the only API key accepted', DEFAULT_API_KEY)
    .option(
      '--azure',
      'speak Azure OpenAI: /openai/…?api-version= and /openai/v1/…, api-key or Entra ID bearer auth',
    )
    .option(
      '--anthropic',
      "speak Anthropic's Message Batches API: /v1/messages/batches, x-api-key and anthropic-version",
    );
  for (const [flag, help] of Object.entries(WEBHOOK_FLAGS)) {
    command.option(`--webhook-${flag} ${flag.endsWith('-ms') ? '<duration>' : '<value>'}`, help);
  }
  command.addCommand(createBatchCommand().exitOverride());
  return command.action(async (opts: SimulatorCommandOptions) => {
    const webhooks = webhookOptionsFromFlags(
      Object.fromEntries(
        Object.keys(WEBHOOK_FLAGS).map((k) => [k, opts[camel(k) as `webhook${string}`]]),
      ) as Partial<Record<WebhookFlagName, string>>,
    );
    if (opts.azure && webhooks)
      throw new CliError('--webhook-* flags do not mix with --azure', ExitCode.Usage);
    if (opts.anthropic && opts.azure)
      throw new CliError('--anthropic and --azure do not mix: run two simulators', ExitCode.Usage);
    if (opts.anthropic && webhooks)
      throw new CliError('--webhook-* flags do not mix with --anthropic', ExitCode.Usage);
    const sim = await startSimulator({
      ...(webhooks ? { webhooks } : {}),
      ...(opts.azure ? { azure: true } : {}),
      ...(opts.anthropic ? { anthropic: true } : {}),
      host: opts.host,
      port: opts.port,
      apiKey: opts.apiKey,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      timing: { cancelDelayMs: opts.cancelDelayMs, perRequestMs: opts.msPerRequest },
    });
    if (opts.anthropic) {
      // The names @anthropic-ai/sdk reads; its baseURL is the origin (it appends /v1/messages/…).
      print(`Anthropic Message Batches API simulator listening on ${sim.url} (Ctrl-C to stop)`);
      print(`ANTHROPIC_BASE_URL=${sim.url}`);
      print(`ANTHROPIC_API_KEY=${sim.apiKey}`);
      print(`send anthropic-version: ${ANTHROPIC_VERSIONS[0]} (the SDK does)`);
    } else if (opts.azure) {
      // The names the openai SDK's AzureOpenAI reads; any dated api-version is accepted.
      print(`Azure OpenAI Batch API simulator listening on ${sim.endpoint} (Ctrl-C to stop)`);
      print(`AZURE_OPENAI_ENDPOINT=${sim.endpoint}`);
      print(`AZURE_OPENAI_API_KEY=${sim.apiKey}`);
      print('OPENAI_API_VERSION=2024-10-21');
      print(`v1 surface (no api-version): ${sim.url}`);
    } else {
      print(`OpenAI Batch API simulator listening on ${sim.url} (Ctrl-C to stop)`);
      print(`OPENAI_BASE_URL=${sim.url}`);
      print(`OPENAI_API_KEY=${sim.apiKey}`);
    }
    if (opts.anthropic) print(`canceling takes ${formatDuration(opts.cancelDelayMs)}`);
    else
      print(
        `cancelling takes ${formatDuration(opts.cancelDelayMs)}; make a batch to cancel: npm run simulator -- create-batch${opts.azure ? ` --url ${sim.url}` : ''}`,
      );
    if (webhooks) print(`webhooks: batch events → ${webhooks.url}`);
    const signal = await waitForStopSignal();
    print(`${signal}: stopping the simulator`);
    await sim.close();
  });
}
