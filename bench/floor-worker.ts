/**
 * The worker of bench/floor.ts (its own process, like the production worker in the other
 * benchmarks): the floor workflows, with the production worker's concurrency and cache settings.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import OpenAI from 'openai';
import { loadConfig, requireApiKey } from '../src/worker/config';
import { plainCancel, type BenchPoll } from './plain-cancel';

const config = loadConfig();
const openai = new OpenAI({ apiKey: requireApiKey(config), baseURL: config.OPENAI_BASE_URL, maxRetries: 0 });

const activities = {
  plainCancelActivity: (batchId: string, poll?: BenchPoll) =>
    plainCancel(openai, batchId, config.RESULTS_DIR, poll),
};
export type FloorActivities = typeof activities;

async function main() {
  const connection = await NativeConnection.connect({
    address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233',
  });
  const worker = await Worker.create({
    connection,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('./floor-workflows'),
    activities,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  });
  await worker.run();
  await connection.close();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
