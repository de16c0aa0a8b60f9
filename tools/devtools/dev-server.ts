/**
 * Runs `temporal server start-dev` as a child process with the project's search attributes, the Web
 * UI and a SQLite file, and waits until it serves. The child is killed on every exit path: `stop()`,
 * or, if the parent exits without calling it (an error, process.exit), synchronously on 'exit'.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { CUSTOM_SEARCH_ATTRIBUTES, searchAttributeFlags } from '../../src/contract/search-attributes';
import { preferredOrFreePort } from './ports';

export interface DevServerOptions {
  /** Path of the `temporal` CLI (see `resolveTemporalCli`). */
  temporalCli: string;
  /** SQLite file that keeps workflows across restarts; in-memory when unset. */
  dbFilename?: string;
  /** Preferred gRPC port; a free one is taken when it is busy. @default 7233 */
  port?: number;
  /** Preferred Web UI port; a free one is taken when it is busy. @default 8233 */
  uiPort?: number;
  /** Where the server's own output goes. @default discarded */
  logFile?: string;
  /** Give up when the server does not serve within this. @default 60_000 */
  startTimeoutMs?: number;
}

export interface DevServer {
  /** `127.0.0.1:<port>`, for TEMPORAL_ADDRESS. */
  address: string;
  port: number;
  uiPort: number;
  /** The workflow list of the default namespace in the Web UI. */
  uiUrl: string;
  pid: number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/** Thrown when the dev server exits or does not serve in time; includes the tail of its log. */
export class DevServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevServerStartError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Bytes in the log before this start: the log is appended to, across starts and runs. */
function logSize(file: string | undefined): number {
  return file && fs.existsSync(file) ? fs.statSync(file).size : 0;
}

/** The last lines this start wrote to the log (from byte `from` on). */
function logTail(file: string | undefined, from: number): string {
  if (!file || !fs.existsSync(file)) return '';
  const written = fs.readFileSync(file).subarray(from).toString('utf8');
  const lines = written.trim().split('\n').slice(-5).join(' | ');
  return lines ? ` (log: ${lines})` : '';
}

async function serves(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    return CUSTOM_SEARCH_ATTRIBUTES.every((k) => customAttributes?.[k.name] !== undefined);
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * The dev server keeps closed workflows 24 h; the scheduled cleanup's default lookback (72 h) needs
 * them kept at least that long, or it would collect expired batches again. 7 days, as the compose
 * init job creates the namespace.
 */
async function keepWorkflowsAWeek(address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    await connection.workflowService.updateNamespace({
      namespace: 'default',
      config: { workflowExecutionRetentionTtl: msToTs('7 days') },
    });
  } finally {
    await connection.close();
  }
}

/** Starts tried before giving up when a port taken between choosing and binding it ends a start. */
const START_ATTEMPTS = 3;

/**
 * Starts the dev server. A free port can be taken by another process (or by the server's own
 * randomly placed listeners) between the check and the bind; the server then exits with "address
 * already in use", and the start is tried again on freshly chosen ports.
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      const portTaken = err instanceof DevServerStartError && /address already in use/.test(err.message);
      if (!portTaken || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function startOnce(opts: DevServerOptions): Promise<DevServer> {
  const port = await preferredOrFreePort(opts.port ?? 7233);
  const uiPort = await preferredOrFreePort(opts.uiPort ?? 8233, [port]);
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    ...searchAttributeFlags().flatMap((flag) => ['--search-attribute', flag]),
  ];
  if (opts.dbFilename) {
    fs.mkdirSync(path.dirname(opts.dbFilename), { recursive: true });
    args.push('--db-filename', opts.dbFilename);
  }
  const logFrom = logSize(opts.logFile);
  let logFd: number | 'ignore' = 'ignore';
  if (opts.logFile) {
    fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
    logFd = fs.openSync(opts.logFile, 'a');
  }
  // Own process group: Ctrl-C in the terminal reaches only the parent, which stops the worker first.
  const child: ChildProcess = spawn(opts.temporalCli, args, {
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  if (typeof logFd === 'number') fs.closeSync(logFd);

  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
    exited = true;
  });
  const killNow = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killNow);

  const stop = async (graceMs = 10_000) => {
    process.off('exit', killNow);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exitedPromise;
    clearTimeout(timer);
  };

  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (spawnError) throw new DevServerStartError(`cannot run ${opts.temporalCli}: ${spawnError.message}`);
      if (exited)
        throw new DevServerStartError(
          `temporal server start-dev exited with code ${child.exitCode}${logTail(opts.logFile, logFrom)}`,
        );
      if (await serves(address)) break;
      if (Date.now() > deadline)
        throw new DevServerStartError(
          `temporal server start-dev did not serve on ${address} in time${logTail(opts.logFile, logFrom)}`,
        );
      await sleep(250);
    }
    await keepWorkflowsAWeek(address);
  } catch (err) {
    await stop(2_000);
    throw err;
  }
  return {
    address,
    port,
    uiPort,
    uiUrl: `http://localhost:${uiPort}/namespaces/default/workflows`,
    pid: child.pid,
    stop,
  };
}
