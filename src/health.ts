/**
 * Health check for orchestrators: exits 0 when Temporal is reachable and a worker polls the task
 * queue, 1 otherwise, with one line saying which.
 */
import { Connection } from '@temporalio/client';
import { loadConfig, type Config } from './config';
import { temporalTarget } from './temporal-connection';

export interface Health {
  ok: boolean;
  temporalReachable: boolean;
  taskQueuePollers: number;
  message: string;
}

export async function checkHealth(config: Config): Promise<Health> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({
      ...temporalTarget(config).connectionOptions,
      connectTimeout: '5s',
    });
    const res = await connection.workflowService.describeTaskQueue({
      namespace: config.TEMPORAL_NAMESPACE,
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
          : `no worker polls task queue ${config.TEMPORAL_TASK_QUEUE} at ${config.TEMPORAL_ADDRESS}`,
    };
  } catch (err) {
    return {
      ok: false,
      temporalReachable: false,
      taskQueuePollers: 0,
      message: `cannot reach Temporal at ${config.TEMPORAL_ADDRESS}: ${err instanceof Error ? err.message : String(err)}`,
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
