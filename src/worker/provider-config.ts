/** The worker's and the CLI's batch API: the registered provider BATCH_PROVIDER names, from the configuration. */
import { providerDefinition } from '../providers/registry';
import type { BatchProvider } from '../providers/types';
import type { Config } from './config';

/**
 * The provider of the default account, built from the configuration's variables (OPENAI_API_KEY,
 * ...). A provider reads its own variables as the environment spells them, so the validated
 * values go back to strings; variables the configuration does not know (a provider of your own)
 * come from `env`.
 */
export function providerFromConfig(
  config: Partial<Config> & Pick<Config, 'BATCH_PROVIDER'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): BatchProvider {
  const known = Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, v === undefined ? undefined : String(v)]),
  );
  return providerDefinition(config.BATCH_PROVIDER).fromEnv({ ...env, ...known }, 'default');
}
