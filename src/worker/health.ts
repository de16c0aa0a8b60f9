/**
 * Health check for orchestrators: exits 0 when Temporal is reachable and a worker polls the task
 * queue, 1 otherwise, with one line saying which.
 */
import { Connection } from '@temporalio/client';
import { loadConfig, type Config } from './config';
import { targetForConfig, type ConnectionFlags } from './temporal-connection';

/** Result of `checkHealth`: reachable, pollers on the task queue, one line for people. */
export interface Health {
  ok: boolean;
  temporalReachable: boolean;
  taskQueuePollers: number;
  message: string;
}

/** Checks the target the worker would use (same flags > env > profile > default resolution). */
export async function checkHealth(
  config: Config,
  flags: ConnectionFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Health> {
  let connection: Connection | undefined;
  let address = flags.address ?? config.TEMPORAL_ADDRESS ?? '(unresolved)';
  try {
    const target = targetForConfig(config, flags, env);
    address = target.address;
    connection = await Connection.connect({ ...target.connectionOptions, connectTimeout: '5s' });
    const res = await connection.workflowService.describeTaskQueue({
      namespace: target.namespace,
      taskQueue: { name: config.TEMPORAL_TASK_QUEUE },
      taskQueueType: 1, // workflow task queue
    });
    const pollers = res.pollers?.length ?? 0;
    return {
      ok: pollers > 0,
      temporalReachable: true,
      taskQueuePollers: pollers,
      message:
        pollers > 0
          ? `ok: ${pollers} poller(s) on task queue ${config.TEMPORAL_TASK_QUEUE}`
          : `no worker polls task queue ${config.TEMPORAL_TASK_QUEUE} at ${address}`,
    };
  } catch (err) {
    return {
      ok: false,
      temporalReachable: false,
      taskQueuePollers: 0,
      message: `cannot reach Temporal at ${address}: ${err instanceof Error ? err.message : String(err)}`,
    };
  } finally {
    await connection?.close();
  }
}

if (require.main === module) {
  checkHealth(loadConfig()).then(
    (h) => {
      process.stdout.write(`${h.message}\n`);
      process.exit(h.ok ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
