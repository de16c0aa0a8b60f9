/** Options and argument parsers shared by the commands. */
import { InvalidArgumentError, type Command } from 'commander';
import { providerDefinition, type ProviderDefinition } from '../providers/registry';
import { DEFAULT_CONNECT_TIMEOUT_MS, useConnectionFlags } from './connect';
import { durationOption } from './duration';
import { cliAccounts } from './accounts';
import { CliError, ExitCode } from './errors';

export interface CommonOptions extends ConnectionOptions {
  json?: boolean;
  connectTimeout: number;
}

/** Where to reach Temporal; each flag overrides its environment variable and the profile. */
export interface ConnectionOptions {
  address?: string;
  namespace?: string;
  profile?: string;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/**
 * `--address`, `--namespace` and `--profile` (the one connection path: flag > env > profile >
 * default); recorded before the action runs, so every command's `withTemporal` honours them.
 */
export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .option(
      '--address <host:port>',
      'Temporal frontend address (default: TEMPORAL_ADDRESS, the profile, localhost:7233)',
    )
    .option('--namespace <name>', 'Temporal namespace (default: TEMPORAL_NAMESPACE, the profile, default)')
    .option('--profile <name>', 'profile in temporal.toml (default: TEMPORAL_PROFILE, default)')
    .hook('preAction', (_self, action) => useConnectionFlags(action.opts<ConnectionOptions>()));
}

/** `--json`, `--connect-timeout` and the connection flags on a command that talks to Temporal. */
export function withCommonOptions(cmd: Command): Command {
  return withConnectionOptions(cmd)
    .option('--json', 'print machine-readable JSON on stdout')
    .addOption(
      durationOption(
        '--connect-timeout <duration>',
        'give up connecting to Temporal after this long (a plain number is ms)',
        DEFAULT_CONNECT_TIMEOUT_MS,
      ),
    );
}

/**
 * The batch API of `account`'s batches: its table's provider where ACCOUNTS_FILE names the
 * workers' accounts file here too, else BATCH_PROVIDER, as for the worker's default (default openai).
 */
export function cliProvider(account?: string): ProviderDefinition {
  const spec = account ? cliAccounts()?.get(account) : undefined;
  return providerDefinition(spec?.provider ?? (process.env.BATCH_PROVIDER || undefined));
}

/** The batch id, or a CliError quoting the message of the rule of its account's provider. */
export function checkBatchId(id: string, account?: string): string {
  const parsed = cliProvider(account).batchId.safeParse(id.trim());
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'invalid';
    throw new CliError(`invalid batch id ${JSON.stringify(id)}: ${message}`, ExitCode.Usage);
  }
  return parsed.data;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
