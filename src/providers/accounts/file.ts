/**
 * The accounts file (ACCOUNTS_FILE, `worker --accounts FILE`): TOML, one `[accounts.<name>]`
 * table per account, each validated by its provider's own schema. Every problem of the file is
 * reported at once, each naming the account and the field; keys never stand in it.
 */
import fs from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ACCOUNT_NAME_PATTERN } from '../../contract/account';
import { ConfigError } from '../../contract/errors';
import { providerDefinition, providerNames } from '../registry';
import type { AccountSpec } from './spec';

/** Reads and validates the accounts file at `path`; a ConfigError names the file and each problem. */
export function loadAccountsFile(path: string): AccountSpec[] {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`ACCOUNTS_FILE: cannot read ${path} (${code})`]);
  }
  return parseAccounts(text, path);
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The accounts of a file's text (`source` names it in messages). */
export function parseAccounts(text: string, source: string): AccountSpec[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    const where = err instanceof TomlError ? ` at line ${err.line}, column ${err.column}` : '';
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new ConfigError([`${source}: not valid TOML${where}: ${first}`]);
  }
  const problems: string[] = [];
  for (const key of Object.keys(doc))
    if (key !== 'accounts')
      problems.push(`${source}: ${key}: unknown key (accounts go in [accounts.<name>] tables)`);
  const tables = doc.accounts ?? {};
  if (!isTable(tables))
    throw new ConfigError([...problems, `${source}: accounts: must be tables, [accounts.<name>]`]);
  const specs: AccountSpec[] = [];
  for (const [name, table] of Object.entries(tables)) {
    const at = `${source}: accounts.${name}`;
    if (!ACCOUNT_NAME_PATTERN.test(name)) {
      problems.push(
        `${at}: the name must be letters, digits, "_" or "-" (at most 64), not "-"-led, not in a batch id's form (batch_…)`,
      );
      continue;
    }
    if (!isTable(table)) {
      problems.push(`${at}: must be a table ([accounts.${name}])`);
      continue;
    }
    if ('api_key' in table) {
      // Named apart from other unknown fields: the one mistake that leaks a secret.
      problems.push(
        `${at}.api_key: keys never stand in the accounts file: put the key in a variable and name it with api_key_env (or in a secret file: api_key_file)`,
      );
      continue;
    }
    const provider = table.provider;
    if (typeof provider !== 'string') {
      problems.push(`${at}.provider: required: one of ${accountProviders().join(', ')}`);
      continue;
    }
    const definition = providerNames().includes(provider) ? providerDefinition(provider) : undefined;
    if (!definition?.account) {
      problems.push(
        `${at}.provider: unknown provider ${JSON.stringify(provider)} (one of ${accountProviders().join(', ')})`,
      );
      continue;
    }
    try {
      specs.push(definition.account(table, name));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems.map((p) => `${at}.${p}`));
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return specs;
}

/** The registered providers an accounts file can name. */
export function accountProviders(): string[] {
  return providerNames().filter((n) => providerDefinition(n).account !== undefined);
}
