/** The worker's and the CLI's batch API: the registered provider BATCH_PROVIDER names, from the environment. */
import { providerDefinition } from '../providers/registry';
import type { BatchProvider } from '../providers/types';
import type { Config } from './config';

/** The provider of the default account, as the environment describes it (OPENAI_API_KEY, ...). */
export function providerFromConfig(
  config: Pick<Config, 'BATCH_PROVIDER'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): BatchProvider {
  return providerDefinition(config.BATCH_PROVIDER).fromEnv(env, 'default');
}
