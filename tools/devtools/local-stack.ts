/**
 * The whole local stack in one process, for `npm run demo` and `openai-batch-cancel dev`:
 * a Temporal dev server (child process, Web UI, search attributes), the Batch API simulator (or the
 * real API) and a worker. `stop()` takes it down in order: worker, connections, simulator, server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../../src/worker/config';
import { startSimulator, type BatchSimulator } from '../simulator';
import { createWorker } from '../../src/worker';
import { startDevServer, type DevServer } from './dev-server';
import { linkToolsDir, resolveTemporalCli } from './temporal-tools';

export interface LocalStackOptions {
  /** Holds `temporal.db`, `temporal-server.log` and `results/`. */
  dataDir: string;
  /**
   * Run the simulator with this cancel delay; `false` talks to the API in OPENAI_* instead.
   * `azure`: also an Azure-mode simulator, served as the account `azure-demo` (an accounts file
   * in the data directory).
   */
  simulator: { cancelDelayMs: number; seed?: number; azure?: boolean } | false;
  /** Run a worker in this process. `false`: the user runs one (`npm run cli -- worker`). @default true */
  worker?: boolean;
  /** Preferred ports; free ones are taken when busy. @default 7233, 8233 */
  port?: number;
  uiPort?: number;
  /** Base environment for the worker's config. @default process.env */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface LocalStack {
  devServer: DevServer;
  sim: BatchSimulator | undefined;
  /** The Azure OpenAI account's simulator and its account name, with `simulator.azure`. */
  azure: { sim: BatchSimulator; account: string } | undefined;
  config: Config;
  client: Client;
  /** Undefined with `worker: false`. */
  worker: Worker | undefined;
  /** Settles when the worker stops (rejects if it crashed); never without a worker. */
  workerRun: Promise<void>;
  stop(): Promise<void>;
}

/** The demo's Azure OpenAI account. */
export const AZURE_DEMO_ACCOUNT = 'azure-demo';

/**
 * The accounts file of the demo's Azure account, beside its key in a file of its own (owner-only):
 * the file names where the key is, as a real one would.
 */
function writeDemoAccounts(dataDir: string, sim: BatchSimulator): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const keyFile = path.join(dataDir, `${AZURE_DEMO_ACCOUNT}.key`);
  fs.writeFileSync(keyFile, `${sim.apiKey}\n`, { mode: 0o600 });
  const file = path.join(dataDir, 'accounts.toml');
  fs.writeFileSync(
    file,
    [
      `[accounts.${AZURE_DEMO_ACCOUNT}]`,
      'provider = "azure-openai"',
      `endpoint = "${sim.endpoint}"`,
      'api_version = "2024-10-21"',
      `api_key_file = "${keyFile}"`,
      '',
    ].join('\n'),
  );
  return file;
}

let runtimeInstalled = false;

/** Worker logs at WARN so the demo's own output stays readable; SIGINT is handled by the caller. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    // Already installed in this process: keep it.
  }
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = path.resolve(opts.dataDir);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`while stopping: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  try {
    linkToolsDir();
    const temporalCli = resolveTemporalCli({ install: true, log });
    log('starting the Temporal dev server...');
    const devServer = await startDevServer({
      temporalCli,
      dbFilename: path.join(dataDir, 'temporal.db'),
      logFile: path.join(dataDir, 'temporal-server.log'),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.uiPort !== undefined ? { uiPort: opts.uiPort } : {}),
    });
    cleanups.push(() => devServer.stop());
    log(`Temporal dev server on ${devServer.address}, Web UI on http://localhost:${devServer.uiPort}`);

    let sim: BatchSimulator | undefined;
    if (opts.simulator) {
      sim = await startSimulator({
        timing: { cancelDelayMs: opts.simulator.cancelDelayMs },
        // A fresh seed per run: batch ids must not collide with workflows kept in temporal.db.
        seed: opts.simulator.seed ?? Date.now() % 2_000_000_000,
      });
      const started = sim;
      cleanups.push(() => started.close());
      log(`Batch API simulator on ${sim.url} (cancelling takes ${opts.simulator.cancelDelayMs / 1000}s)`);
    }

    let azure: LocalStack['azure'];
    if (opts.simulator && opts.simulator.azure) {
      const azureSim = await startSimulator({
        azure: true,
        apiKey: 'az-simulator',
        timing: { cancelDelayMs: opts.simulator.cancelDelayMs },
        seed: (opts.simulator.seed ?? Date.now() % 2_000_000_000) + 1,
      });
      cleanups.push(() => azureSim.close());
      azure = { sim: azureSim, account: AZURE_DEMO_ACCOUNT };
      log(`Azure OpenAI simulator on ${azureSim.endpoint}/openai (account ${AZURE_DEMO_ACCOUNT})`);
    }
    const accountsFile = azure ? writeDemoAccounts(dataDir, azure.sim) : undefined;

    const config = loadConfig({
      ...(opts.env ?? process.env),
      ...(accountsFile ? { ACCOUNTS_FILE: accountsFile } : {}),
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_NAMESPACE: 'default',
      RESULTS_DIR: path.join(dataDir, 'results'),
      ...(sim ? { OPENAI_BASE_URL: sim.url, OPENAI_API_KEY: sim.apiKey } : {}),
    });
    installQuietRuntime();
    const nativeConnection = await NativeConnection.connect({ address: devServer.address });
    cleanups.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: devServer.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });

    if (opts.worker === false) {
      return {
        devServer,
        sim,
        azure,
        config,
        client,
        worker: undefined,
        workerRun: new Promise<void>(() => {}),
        stop,
      };
    }
    log('starting the worker (bundling the workflows)...');
    // The stack's own plaintext dev server: no profile or TLS settings from the environment apply.
    const worker = await createWorker({ config, connection: nativeConnection, namespace: 'default' });
    const workerRun = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });
    log(`worker polling task queue ${config.TEMPORAL_TASK_QUEUE}, results in ${config.RESULTS_DIR}`);
    return { devServer, sim, azure, config, client, worker, workerRun, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
