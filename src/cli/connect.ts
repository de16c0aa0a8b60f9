/**
 * The CLI's Temporal connection: config from the environment (one zod schema, `loadConfig`), the
 * target from the one connection path (`resolveTemporalTarget`: flags > env > profile > default,
 * with TLS and API key), a short connect timeout so an unreachable server is reported in seconds.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../worker/config';
import {
  resolveTemporalTarget,
  type ConnectionFlags,
  type TemporalTarget,
} from '../worker/temporal-connection';
import { TemporalUnreachableError } from './errors';

/** @default 5000 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface CliConnection {
  config: Config;
  /** The address and namespace actually used. */
  target: TemporalTarget;
  client: Client;
  close(): Promise<void>;
}

/** The address and namespace the current command uses, for error messages. */
export const connectionContext: { address?: string; namespace?: string } = {};

/** `--address`, `--namespace`, `--profile` of the command being run (set before its action). */
let commandFlags: ConnectionFlags = {};

/** Records the running command's connection flags; `withCommonOptions` calls it before the action. */
export function useConnectionFlags(flags: ConnectionFlags): void {
  commandFlags = {
    ...(flags.address ? { address: flags.address } : {}),
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
  };
}

/** Reads the environment (throws ConfigError naming the variable) and nothing else. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(env);
}

/** Resolves where to connect for this command (throws ConfigError for a bad profile). */
export function readTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const target = resolveTemporalTarget(commandFlags, env);
  connectionContext.address = target.address;
  connectionContext.namespace = target.namespace;
  return target;
}

export async function connectTemporal(
  config: Config,
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  target: TemporalTarget = readTarget(),
): Promise<CliConnection> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...target.connectionOptions, connectTimeout: connectTimeoutMs });
  } catch (err) {
    throw new TemporalUnreachableError(target.address, err instanceof Error ? err.message : String(err));
  }
  const client = new Client({ connection, namespace: target.namespace });
  return { config, target, client, close: () => connection.close() };
}

/** Runs `fn` with a connected client and always closes the connection. */
export async function withTemporal<T>(
  opts: { connectTimeoutMs?: number },
  fn: (conn: CliConnection) => Promise<T>,
): Promise<T> {
  const conn = await connectTemporal(readConfig(), opts.connectTimeoutMs);
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}
