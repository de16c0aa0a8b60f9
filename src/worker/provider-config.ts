/**
 * The worker's and the CLI's batch APIs: the default account's (the registered provider
 * BATCH_PROVIDER names, from the configuration's variables) and those of the accounts file
 * (ACCOUNTS_FILE).
 */
import { AccountSet, type ConnectedAccounts } from '../providers/accounts/set';
import { providerDefinition } from '../providers/registry';
import type { BatchProvider } from '../providers/types';
import type { Config } from './config';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The provider of the default account, built from the configuration's variables (OPENAI_API_KEY,
 * ...). A provider reads its own variables as the environment spells them, so the validated
 * values go back to strings; variables the configuration does not know (a provider of your own)
 * come from `env`.
 */
export function providerFromConfig(
  config: Partial<Config> & Pick<Config, 'BATCH_PROVIDER'>,
  env: Env = process.env,
): BatchProvider {
  const known = Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, v === undefined ? undefined : String(v)]),
  );
  return providerDefinition(config.BATCH_PROVIDER).fromEnv({ ...env, ...known }, 'default');
}

/** The accounts file the configuration names (none without ACCOUNTS_FILE), validated. */
export function accountsFromConfig(config: Partial<Pick<Config, 'ACCOUNTS_FILE'>>): AccountSet {
  return AccountSet.load(config.ACCOUNTS_FILE);
}

/**
 * Every account's provider, or a ConfigError naming each problem (an invalid file, an account
 * whose key variable is unset): a worker refuses to start rather than serve some accounts.
 */
export function connectAccounts(
  config: Partial<Config> & Pick<Config, 'BATCH_PROVIDER'>,
  env: Env = process.env,
): ConnectedAccounts {
  return accountsFromConfig(config).connect(env, () => providerFromConfig(config, env));
}
