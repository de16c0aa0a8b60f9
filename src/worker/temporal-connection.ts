/**
 * The one Temporal connection path for the worker, every CLI command, the health check, the demo and
 * the benchmarks. Sources, strongest first:
 *
 *   1. command-line flags: `--address`, `--namespace`, `--profile`
 *   2. environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, ...
 *   3. a `temporal.toml` profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE, or the default file)
 *   4. built-in defaults, only for what none of the above set
 *
 * Steps 2 and 3 are `@temporalio/envconfig`, the same loader the Temporal CLI and the other SDKs use,
 * so one `temporal.toml` serves all of them.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, type Config } from './config';

/** Used only when no flag, variable or profile names an address. */
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
/** Used only when no flag, variable or profile names a namespace. */
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/** Connection settings given on the command line; each overrides the environment and the profile. */
export interface ConnectionFlags {
  /** `host:port` of the Temporal frontend. */
  address?: string;
  namespace?: string;
  /** Profile name in `temporal.toml` (instead of TEMPORAL_PROFILE, or `default`). */
  profile?: string;
}

/** Where to connect, resolved once: usable by `Connection.connect` and `NativeConnection.connect`. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  /** TLS, API key and gRPC metadata from the profile and environment, plus `address`. */
  connectionOptions: NativeConnectionOptions & { address: string };
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  // envconfig treats a set-but-empty variable as a value; an empty one means "not set" here, as in loadConfig.
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
}

/** Resolves the target; throws ConfigError when a named profile or config file cannot be used. */
export function resolveTemporalTarget(
  flags: ConnectionFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): TemporalTarget {
  let loaded;
  try {
    loaded = loadClientConnectConfig({
      overrideEnvVars: stringEnv(env),
      ...(flags.profile ? { profile: flags.profile } : {}),
    });
  } catch (err) {
    const where = env.TEMPORAL_CONFIG_FILE ? ` in ${env.TEMPORAL_CONFIG_FILE}` : '';
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError([
      `temporal profile${where}: ${reason} (check --profile / TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE)`,
    ]);
  }
  const address = flags.address || loaded.connectionOptions.address || DEFAULT_TEMPORAL_ADDRESS;
  const namespace = flags.namespace || loaded.namespace || DEFAULT_TEMPORAL_NAMESPACE;
  return { address, namespace, connectionOptions: { ...loaded.connectionOptions, address } };
}

/**
 * The target for a loaded config: its TEMPORAL_* values stand for the environment layer (so a
 * config loaded from another env than `process.env`, as tests and the dev stack do, is honoured).
 */
export function targetForConfig(
  config: Config,
  flags: ConnectionFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): TemporalTarget {
  const fromConfig = {
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
    TEMPORAL_PROFILE: config.TEMPORAL_PROFILE,
    TEMPORAL_CONFIG_FILE: config.TEMPORAL_CONFIG_FILE,
    TEMPORAL_API_KEY: config.TEMPORAL_API_KEY,
  };
  const defined = Object.entries(fromConfig).filter((e): e is [string, string] => e[1] !== undefined);
  return resolveTemporalTarget(flags, { ...env, ...Object.fromEntries(defined) });
}

/** The same target, described for a log line: never the API key or certificate contents. */
export function describeTarget(target: TemporalTarget): string {
  const o = target.connectionOptions;
  const security = o.apiKey ? 'TLS + API key' : o.tls ? 'TLS' : 'plaintext';
  return `${target.address} (namespace ${target.namespace}, ${security})`;
}
