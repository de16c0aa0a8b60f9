/**
 * `accounts list|check`: the accounts a worker with this environment and ACCOUNTS_FILE serves.
 * `list` reads only the configuration (names, provider, endpoint, where each key is: never a
 * key); `check` makes one cheap authenticated call per account (a one-batch listing).
 */
import { Command } from 'commander';
import { DEFAULT_ACCOUNT } from '../../contract/account';
import { OPENAI_API_URL } from '../../providers/openai/account';
import { AZURE_OPENAI } from '../../providers/azure-openai/provider';
import type { AccountSpec } from '../../providers/accounts/spec';
import type { BatchProvider } from '../../providers/types';
import { accountsFromConfig, providerFromConfig } from '../../worker/provider-config';
import type { Config } from '../../worker/config';
import { print, printJson } from '../common';
import { columns } from '../format';
import { readConfig } from '../connect';
import { ExitCode } from '../errors';

/** What `accounts list` shows of one account. */
interface AccountRow {
  account: string;
  provider: string;
  endpoint: string;
  credential: string;
  /** How this machine connects it (unset: the key variable is missing here). */
  connect: () => BatchProvider;
}

/** The default account as the environment configures it (unless the file defines it), then the file's. */
function rows(config: Config): AccountRow[] {
  const set = accountsFromConfig(config);
  const ofSpec = (s: AccountSpec): AccountRow => ({
    account: s.name,
    provider: s.provider,
    endpoint: s.endpoint,
    credential: s.credential,
    connect: () => s.connect(process.env),
  });
  // The default as BATCH_PROVIDER's own variables give it (Azure's are the SDK's).
  const azure = config.BATCH_PROVIDER === AZURE_OPENAI;
  const keyVariable = azure ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY';
  const fromEnv: AccountRow[] = set.definesDefault
    ? []
    : [
        {
          account: DEFAULT_ACCOUNT,
          provider: config.BATCH_PROVIDER,
          endpoint: azure
            ? `${process.env.AZURE_OPENAI_ENDPOINT ?? '(AZURE_OPENAI_ENDPOINT not set)'}/openai`
            : (config.OPENAI_BASE_URL ?? OPENAI_API_URL),
          credential: `$${keyVariable}${process.env[keyVariable] ? '' : ' (not set here)'}`,
          connect: () => providerFromConfig(config),
        },
      ];
  return [...fromEnv, ...set.specs.map(ofSpec)];
}

function listCommand(): Command {
  return new Command('list')
    .description('list the accounts: name, provider, endpoint and where its key is (never a key)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action((opts: { json?: boolean }) => {
      const all = rows(readConfig());
      if (opts.json) printJson(all.map(({ connect: _connect, ...r }) => r));
      else
        print(
          columns([
            ['ACCOUNT', 'PROVIDER', 'ENDPOINT', 'KEY'],
            ...all.map((r) => [r.account, r.provider, r.endpoint, r.credential]),
          ]),
        );
    });
}

/** One authenticated call: the account's first batch, so the key, the endpoint and the project answer. */
async function checkOne(row: AccountRow): Promise<{ ok: boolean; line: string }> {
  const where = `${row.account} (${row.provider}, ${row.endpoint})`;
  let provider: BatchProvider;
  try {
    provider = row.connect();
  } catch (err) {
    return { ok: false, line: `FAIL ${where}: ${(err as Error).message}` };
  }
  try {
    const page = await provider.listPage({ limit: 1, after: null }, AbortSignal.timeout(30_000));
    const seen = page.batches[0] ? `newest batch ${page.batches[0].id}` : 'no batches yet';
    return { ok: true, line: `ok   ${where}: authenticated, ${seen}` };
  } catch (err) {
    const failure = provider.classifyError(err, {
      action: `list batches of account ${row.account}`,
      attempt: null,
    });
    return { ok: false, line: `FAIL ${where}: ${failure.message}` };
  }
}

function checkCommand(): Command {
  return new Command('check')
    .description('make one cheap authenticated call per account and say, one line each, whether it answered')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: { json?: boolean }) => {
      const all = rows(readConfig());
      const results = await Promise.all(
        all.map(async (r) => ({ account: r.account, ...(await checkOne(r)) })),
      );
      if (opts.json) printJson(results);
      else for (const r of results) print(r.line);
      if (results.some((r) => !r.ok)) process.exitCode = ExitCode.Failed;
    });
}

export function accountsCommand(): Command {
  return new Command('accounts')
    .description("the accounts the workers serve (the environment's default and ACCOUNTS_FILE's)")
    .addCommand(listCommand())
    .addCommand(checkCommand());
}
