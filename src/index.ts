/**
 * openai-batch-cancel: durably cancel OpenAI Batch API jobs and salvage their partial results, on
 * Temporal. This is the entry point a backend imports (`require('openai-batch-cancel')`): the client,
 * the contract's types, names and errors. Running the workflows on a worker of your own:
 * `openai-batch-cancel/worker` (and the workflows alone at `openai-batch-cancel/workflows`); the zod
 * schemas: `openai-batch-cancel/schemas`.
 *
 * @example Start a cancellation from a backend and await its result
 * ```ts
 * import { Client, Connection } from '@temporalio/client';
 * import { resolveTemporalTarget, startBatchCancellation } from 'openai-batch-cancel';
 *
 * const target = resolveTemporalTarget(); // TEMPORAL_* env, temporal.toml profile, or localhost
 * const connection = await Connection.connect(target.connectionOptions);
 * const client = new Client({ connection, namespace: target.namespace });
 * const handle = await startBatchCancellation(client, { batchId: 'batch_abc123' });
 * const result = await handle.result(); // CancelBatchResult
 * ```
 *
 * @example Run the workflows on your own worker
 * ```ts
 * import { Worker } from '@temporalio/worker';
 * import { DEFAULT_TASK_QUEUE } from 'openai-batch-cancel';
 * import { createActivities, createOpenAIClient, LocalResultsStore, openaiProvider, workflowsPath }
 *   from 'openai-batch-cancel/worker';
 *
 * const worker = await Worker.create({
 *   taskQueue: DEFAULT_TASK_QUEUE,
 *   workflowsPath,
 *   activities: createActivities({
 *     provider: openaiProvider(createOpenAIClient({ apiKey: process.env.OPENAI_API_KEY! })),
 *     results: new LocalResultsStore('./data/results'),
 *   }),
 * });
 * ```
 *
 * Only product modules are exported here: never the simulator, dev tools or demo.
 */

// Client: start, observe, refresh, await, stop and list cancellations.
export {
  startBatchCancellation,
  getCancellationHandle,
  getCancellationProgress,
  refreshCancellation,
  awaitCancellationResult,
  stopCancellation,
  listCancellations,
  batchRefOf,
  InvalidCancelInputError,
  type BatchRef,
  type CancelHandle,
  type StartOptions,
  type CancellationListing,
} from './client/cancellations';
// A refused start (e.g. a missing search attribute: `searchAttribute`, the server's error as `cause`).
export { CancellationStartError } from './client/start-failure';
// Thrown by the worker at start when the namespace lacks the product's search attributes.
export { NamespaceNotReadyError, type SearchAttributeState } from './client/namespace-check';

// Schedules: the periodic cleanup of stale and expired batches.
export {
  DEFAULT_CLEANUP_SCHEDULE_ID,
  cleanupScheduleId,
  InvalidScheduleError,
  upsertCleanupSchedule,
  describeCleanupSchedule,
  pauseCleanupSchedule,
  unpauseCleanupSchedule,
  triggerCleanupSchedule,
  deleteCleanupSchedule,
  type CleanupScheduleOptions,
  type CleanupScheduleInfo,
  type UpsertResult,
} from './client/schedules';

// The workflow contract: input, result and progress, as types (the zod schemas: `openai-batch-cancel/schemas`).
export {
  BATCH_ID_PATTERN,
  COLLECT_MODES,
  POLL_DEFAULTS,
  type CancelBatchInput,
  type CancelBatchOptions,
  type CollectMode,
  type PollPolicy,
} from './contract/cancel-input';
export {
  MAX_UNBALANCED_IDS,
  type CancelBatchResult,
  type ResultsSummary,
  type ResultFileSummary,
  type RemainingSummary,
  type Reconciliation,
  type UsageReport,
  type ModelUsage,
} from './contract/results';
export {
  progressQuery,
  refreshUpdate,
  type CancelProgress,
  type CancelPhase,
  type BatchSnapshot,
  type RequestCounts,
  type BatchFailureReason,
  type TokenCounts,
  type FailingWorkflowTask,
} from './contract/progress';
export {
  BATCH_PHASES,
  BATCH_OUTCOMES,
  isTerminal,
  type BatchPhase,
  type BatchOutcome,
  type ResultRefs,
} from './contract/batch-snapshot';
export {
  COLLECTABLE_STATUSES,
  type CleanupPolicyInput,
  type CleanupPolicy,
  type CleanupSummary,
} from './contract/cleanup-policy';

// Failure types: the stable `ApplicationFailure.type` strings to switch on.
export { FailureType, NON_RETRYABLE_FAILURE_TYPES, type FailureTypeName } from './contract/failure-types';

// Names: task queue, workflow types, workflow ids, search attributes.
export {
  DEFAULT_TASK_QUEUE,
  WORKFLOW_TYPES,
  cancelWorkflowId,
  batchIdFromWorkflowId,
  parseCancelWorkflowId,
} from './contract/constants';
export {
  OPENAI_BATCH_ID,
  OPENAI_BATCH_STATUS,
  OPENAI_BATCH_ACCOUNT,
  CUSTOM_SEARCH_ATTRIBUTES,
} from './contract/search-attributes';
// Accounts: the default's name and the form of every account name.
export { DEFAULT_ACCOUNT, ACCOUNT_NAME_PATTERN } from './contract/account';

// Reading the results a worker wrote, from anywhere the store is reachable.
export type { ResultsStore, ResultWriter } from './results/store';
export { S3StoreError } from './results/s3/errors';
export { openResultsStore, storeOfDirectory, ResultsStoreUnavailableError } from './results/open-store';
export { downloadResults, type DownloadedFile } from './results/download';
// The base of every error thrown here.
export { BatchCancelError } from './contract/errors';

// The one Temporal connection path (flags > env > temporal.toml profile > default).
export { ConfigError } from './worker/config';
export {
  resolveTemporalTarget,
  targetForConfig,
  describeTarget,
  DEFAULT_TEMPORAL_ADDRESS,
  DEFAULT_TEMPORAL_NAMESPACE,
  type ConnectionFlags,
  type TemporalTarget,
} from './worker/temporal-connection';

// The next step after a cancellation: resubmit what remains as new batch(es).
export {
  resubmitRemaining,
  RESUBMIT_METADATA,
  NothingToResubmitError,
  type ResubmitOptions,
  type ResubmitReport,
  type ResubmittedPart,
} from './client/resubmit';
export { OpenAICallError } from './providers/openai/batch-submit';
// OpenAI webhooks: verified batch events end a cancellation's wait at once (signal `batchEvent`).
export {
  createWebhookHandler,
  MAX_WEBHOOK_BODY_BYTES,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookRequest,
  type WebhookResponse,
} from './webhooks/handler';
export {
  startWebhookServer,
  WEBHOOK_PATH,
  type WebhookServer,
  type WebhookServerOptions,
} from './webhooks/server';
export type { WebhookStats } from './webhooks/stats';
export { batchEventSignal, type BatchEvent, type DetectedBy } from './contract/batch-event';
