/**
 * `--account` on the commands that name a cancellation, and what the CLI knows of the workers'
 * accounts: their accounts file, when ACCOUNTS_FILE names it on this machine too.
 */
import type { Command } from 'commander';
import { ACCOUNT_NAME_PATTERN, DEFAULT_ACCOUNT, unknownAccountMessage } from '../contract/account';
import { AccountSet } from '../providers/accounts/set';
import { CliError, ExitCode } from './errors';

export interface AccountOption {
  account?: string;
}

/** Adds `--account <name>`: which of the workers' accounts the batch belongs to. */
export function withAccountOption(cmd: Command, what = "the batch's account"): Command {
  return cmd.option(
    '--account <name>',
    `${what}, as the workers' accounts file names it (default: ${DEFAULT_ACCOUNT}, the worker's OPENAI_API_KEY)`,
  );
}

/** The workers' accounts file as ACCOUNTS_FILE names it here, validated; undefined without one. */
export function cliAccounts(): AccountSet | undefined {
  const file = process.env.ACCOUNTS_FILE;
  return file ? AccountSet.load(file) : undefined;
}

/**
 * The account `--account` names, checked: its form always, and, when this machine has the
 * accounts file, that the workers have it (a usage error before anything starts).
 */
export function resolveAccount(opts: AccountOption): string {
  const account = opts.account ?? DEFAULT_ACCOUNT;
  if (!ACCOUNT_NAME_PATTERN.test(account))
    throw new CliError(
      `invalid --account ${JSON.stringify(account)}: letters, digits, "_" or "-" (at most 64)`,
      ExitCode.Usage,
    );
  const known = cliAccounts()?.names(true);
  if (known && !known.includes(account))
    throw new CliError(`--account: ${unknownAccountMessage(account, known)}`, ExitCode.Usage);
  return account;
}
