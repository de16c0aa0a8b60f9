/**
 * Temporal connection settings: `@temporalio/envconfig` (profiles in temporal.toml, TEMPORAL_API_KEY,
 * TEMPORAL_TLS_* for Temporal Cloud by API key or mTLS) on top of this project's own config.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './config';

export interface TemporalTarget {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
}

export function temporalTarget(config: Config, env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  const loaded = loadClientConnectConfig({ overrideEnvVars });
  return {
    connectionOptions: { ...loaded.connectionOptions, address: config.TEMPORAL_ADDRESS },
    namespace: config.TEMPORAL_NAMESPACE,
  };
}
