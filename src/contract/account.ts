/**
 * Accounts: one worker serves several keys of one or more batch APIs (OpenAI projects, Azure
 * OpenAI resources), each under a name. A cancellation names its account; `default` is what the
 * worker's environment configures (OPENAI_API_KEY, …), so setups without accounts change nothing.
 * Workflow-safe: no zod, no I/O.
 */

/** The account of a cancellation that names none: the worker's environment. */
export const DEFAULT_ACCOUNT = 'default';

/**
 * An account name: it becomes a workflow id segment, a results directory and a webhook path, so
 * it stays one short segment of letters, digits, `_` and `-`; never in a batch id's form
 * (`batch_…`, `msgbatch_…`), whose results directory sits beside it at the store's root.
 */
export const ACCOUNT_NAME_PATTERN = /^(?!(?:msg)?batch_)[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The account of something that may name none (input, summary, listing row). */
export function accountOf(value: { account?: string | null | undefined } | undefined): string {
  return value?.account ?? DEFAULT_ACCOUNT;
}

/** True for the default account (which names no workflow id segment, directory or webhook path). */
export function isDefaultAccount(
  account: string | null | undefined,
): account is typeof DEFAULT_ACCOUNT | null | undefined {
  return account === undefined || account === null || account === DEFAULT_ACCOUNT;
}

/**
 * `{ account }` for another account, nothing for the default: inputs, results and summaries of
 * the default account stay as they were before accounts.
 */
export function accountField(account: string | null | undefined): { account?: string } {
  return isDefaultAccount(account) ? {} : { account };
}

/** What a cancellation naming an account the worker lacks is told: the account, the ones there are, what to do. */
export function unknownAccountMessage(account: string, configured: readonly string[]): string {
  return (
    `account ${JSON.stringify(account)} is not configured on this worker ` +
    `(configured: ${configured.length ? configured.join(', ') : 'none'}); ` +
    'add it to the accounts file (ACCOUNTS_FILE) of every worker on the task queue, or start with one of those'
  );
}

/** ` --account <name>` for another account, '' for the default: for the commands a message suggests. */
export function accountFlag(account: string | null | undefined): string {
  return isDefaultAccount(account) ? '' : ` --account ${account}`;
}
