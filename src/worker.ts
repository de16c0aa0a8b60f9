/**
 * Worker wiring: config → dependencies → Worker. `npm run worker` (or `openai-batch-cancel worker`)
 * runs it until SIGINT/SIGTERM, then drains in-flight tasks and exits.
 */
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { ACTIVITY_WORKER_OPTIONS } from './worker/options';
import { loadConfig, type Config } from './worker/config';
import { connectAccounts } from './worker/provider-config';
import type { ConnectedAccounts } from './providers/accounts/set';
import { checkResultsStore, openResultsStore, resultsUrlOf } from './results/open-store';
import { installRuntime } from './worker/metrics';
import { checkNamespace } from './client/namespace-check';
import { OPENAI_BATCH_ACCOUNT } from './contract/search-attributes';
import { describeTarget, targetForConfig, type ConnectionFlags } from './worker/temporal-connection';
import { startWaitingGauges } from './worker/waiting-gauges';

export interface CreateWorkerOptions {
  config: Config;
  connection: NativeConnection;
  /**
   * Namespace to poll; use the one `connection` was resolved with.
   * @default targetForConfig(config).namespace (TEMPORAL_NAMESPACE, the profile's, or 'default')
   */
  namespace?: string;
  /** Prebuilt bundle (production); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** Every account's provider, already connected. @default connectAccounts(config) */
  accounts?: ConnectedAccounts;
}

export async function createWorker({
  config,
  connection,
  namespace,
  workflowBundlePath,
  accounts,
}: CreateWorkerOptions): Promise<Worker> {
  // Every account's key is read before anything else: a missing one refuses the start.
  const connected = accounts ?? connectAccounts(config);
  const results = openResultsStore(resultsUrlOf(config));
  // Before any task is polled: a worker that cannot write its results must not take collections.
  await checkResultsStore(results);
  const activities = createActivities({
    ...connected,
    results,
    maxLineBytes: config.MAX_RESULT_LINE_BYTES,
    maxConcurrentDownloads: config.WORKER_MAX_CONCURRENT_DOWNLOADS,
  });
  return Worker.create({
    connection,
    namespace: namespace ?? targetForConfig(config).namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(workflowBundlePath
      ? { workflowBundle: { codePath: workflowBundlePath } }
      : { workflowsPath: require.resolve('./workflows') }),
    activities,
    ...ACTIVITY_WORKER_OPTIONS,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    // A cancellation waits inside one long activity, so an evicted workflow costs only a short
    // replay when it wakes up. The SDK's default grows with the heap limit (thousands of workflows
    // on a large host); a fixed one keeps memory independent of the host (bench/README.md).
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // Downloads heartbeat while they stream; give them time to finish on shutdown.
    shutdownGraceTime: '30s',
  });
}

export interface RunWorkerOptions {
  /** `--address`, `--namespace`, `--profile`: override the environment and the profile. */
  flags?: ConnectionFlags;
  /** Told where the worker connects, once resolved (the CLI prints it). */
  onTarget?: (description: string) => void;
  /**
   * Start without reading the namespace's search attributes. @default
   * config.WORKER_SKIP_NAMESPACE_CHECK (false)
   */
  skipNamespaceCheck?: boolean;
  /** Where the one warning line goes when the namespace may not be listed. @default stderr */
  warn?: (line: string) => void;
  /** Every account's provider, already connected (the CLI checks them first). @default connectAccounts(config) */
  accounts?: ConnectedAccounts;
}

export async function runWorker(config: Config = loadConfig(), opts: RunWorkerOptions = {}): Promise<void> {
  // Before connecting to Temporal: a bad accounts file or a missing key refuses the start.
  const accounts = opts.accounts ?? connectAccounts(config);
  const target = targetForConfig(config, opts.flags);
  opts.onTarget?.(describeTarget(target));
  installRuntime({ ...(config.METRICS_PORT ? { metricsPort: config.METRICS_PORT } : {}) });
  const connection = await NativeConnection.connect(target.connectionOptions);
  try {
    // Before polling: a namespace without the search attributes fails every workflow task.
    if (!(opts.skipNamespaceCheck ?? config.WORKER_SKIP_NAMESPACE_CHECK)) {
      // A worker of the default account alone never sets the account attribute.
      const onlyDefault = Object.keys(accounts.accounts).length === 0;
      await checkNamespace(
        connection.operatorService,
        { namespace: target.namespace, address: target.address },
        opts.warn ?? ((line) => process.stderr.write(`worker: warning: ${line}\n`)),
        onlyDefault ? [OPENAI_BATCH_ACCOUNT.name] : [],
      );
    }
    const worker = await createWorker({
      config,
      connection,
      namespace: target.namespace,
      accounts,
      ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: config.WORKFLOW_BUNDLE_PATH } : {}),
    });
    // Fleet-wide "waiting" gauges are exported wherever metrics are (every worker, same values).
    const gauges = config.METRICS_PORT
      ? startWaitingGauges(
          new Client({ connection, namespace: target.namespace }),
          Runtime.instance().metricMeter,
        )
      : undefined;
    try {
      // The SDK's Runtime turns SIGINT/SIGTERM into a graceful worker.shutdown().
      await worker.run();
    } finally {
      gauges?.stop();
    }
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runWorker().catch((err: unknown) => {
    process.stderr.write(`worker: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
