/**
 * `openai-batch-cancel/worker`: what it takes to run the workflows on a worker of your own.
 *
 * @example
 * ```ts
 * import { Worker } from '@temporalio/worker';
 * import { DEFAULT_TASK_QUEUE } from 'openai-batch-cancel';
 * import {
 *   ACTIVITY_WORKER_OPTIONS, createActivities, createOpenAIClient, LocalResultsStore, openaiProvider, workflowsPath,
 * } from 'openai-batch-cancel/worker';
 *
 * const worker = await Worker.create({
 *   ...ACTIVITY_WORKER_OPTIONS,
 *   taskQueue: DEFAULT_TASK_QUEUE,
 *   workflowsPath,
 *   activities: createActivities({
 *     provider: openaiProvider(createOpenAIClient({ apiKey: process.env.OPENAI_API_KEY! })),
 *     results: new LocalResultsStore('./data/results'),
 *   }),
 * });
 * ```
 */
export { workflowsPath } from './workflows-path';
export { ACTIVITY_WORKER_OPTIONS } from './options';
export { createActivities, type Activities, type ActivityDeps } from '../activities';
export { createOpenAIClient, type OpenAIClientOptions } from '../providers/openai/client';
// The batch API the activities talk to: OpenAI's, or any other implementing the port.
export { openaiProvider } from '../providers/openai/provider';
// Azure OpenAI, through the openai SDK's own Azure support (classic surface or v1).
export { createAzureOpenAIClient, type AzureOpenAIClientOptions } from '../providers/azure-openai/client';
export { azureOpenAIProvider } from '../providers/azure-openai/provider';
// A worker's accounts: the accounts file (ACCOUNTS_FILE), validated, and every account's provider.
export { connectAccounts } from './provider-config';
export type { BatchProvider, ProviderDefinition } from '../providers/types';
// Where batch APIs are registered: BATCH_PROVIDER picks one; register your own the same way.
export { registerProvider, providerNames } from '../providers/registry';
export { LocalResultsStore } from '../results/local-store';
export { S3ResultsStore, type S3ResultsStoreOptions } from '../results/s3/s3-store';
// The environment this package's own worker reads, validated (the same variables work for yours).
export { loadConfig, ConfigSchema, ConfigError, type Config } from './config';
// The health check for orchestrators: Temporal reachable and a worker polling the task queue.
export { checkHealth, type Health } from './health';
