/**
 * A worker of several accounts, built the way the product's worker builds one: the default account
 * on a simulator, the others from an accounts file (written to a temporary directory that also
 * holds the results).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { AccountSet } from '../../src/providers/accounts/set';
import { createOpenAIClient } from '../../src/providers/openai/client';
import { openaiProvider } from '../../src/providers/openai/provider';
import { LocalResultsStore } from '../../src/results/local-store';
import { ACTIVITY_WORKER_OPTIONS } from '../../src/worker/options';
import type { BatchSimulator } from '../../tools/simulator';

export interface AccountsWorker {
  /** The temporary directory: the accounts file and `results/`. */
  dir: string;
  accountsFile: string;
  resultsDir: string;
  /** Stops the worker and removes the directory. */
  stop(): Promise<void>;
}

export async function startAccountsWorker(
  env: TestWorkflowEnvironment,
  opts: {
    taskQueue: string;
    /** The accounts file's text. */
    accountsToml: string;
    /** The variables holding the file's keys. */
    keyEnv: Record<string, string>;
    /** Where the default account's batches are. */
    defaultSim: BatchSimulator;
  },
): Promise<AccountsWorker> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-accounts-'));
  const accountsFile = path.join(dir, 'accounts.toml');
  const resultsDir = path.join(dir, 'results');
  fs.writeFileSync(accountsFile, opts.accountsToml);
  const { defaultSim } = opts;
  const connected = AccountSet.load(accountsFile).connect(opts.keyEnv, () =>
    openaiProvider(createOpenAIClient({ apiKey: defaultSim.apiKey, baseURL: defaultSim.url })),
  );
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: opts.taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities: createActivities({ ...connected, results: new LocalResultsStore(resultsDir) }),
    ...ACTIVITY_WORKER_OPTIONS,
  });
  const running = worker.run();
  return {
    dir,
    accountsFile,
    resultsDir,
    stop: async () => {
      worker.shutdown();
      await running;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
