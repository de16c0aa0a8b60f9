/**
 * The CLI's Temporal connection: config from the environment (one zod schema, `loadConfig`), a short
 * connect timeout so an unreachable server is reported in seconds, not minutes.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../config';
import { TemporalUnreachableError } from './errors';

/** @default 5000 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface CliConnection {
  config: Config;
  client: Client;
  close(): Promise<void>;
}

/** The address and namespace the current command uses, for error messages. */
export const connectionContext: { address?: string; namespace?: string } = {};

/** Reads the environment (throws ConfigError naming the variable) and nothing else. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(env);
  connectionContext.address = config.TEMPORAL_ADDRESS;
  connectionContext.namespace = config.TEMPORAL_NAMESPACE;
  return config;
}

export async function connectTemporal(
  config: Config,
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<CliConnection> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: config.TEMPORAL_ADDRESS,
      connectTimeout: connectTimeoutMs,
    });
  } catch (err) {
    throw new TemporalUnreachableError(
      config.TEMPORAL_ADDRESS,
      err instanceof Error ? err.message : String(err),
    );
  }
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  return { config, client, close: () => connection.close() };
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
