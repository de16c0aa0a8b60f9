/** Names shared by worker, client, CLI and tests: one spelling each. */

/** Default task queue; `TEMPORAL_TASK_QUEUE` overrides it. */
export const DEFAULT_TASK_QUEUE = 'openai-batch-cancel';

const WORKFLOW_ID_PREFIX = 'cancel-batch:';

/** One workflow per batch: the id is derived from the batch id, so a second start finds the first. */
export function cancelWorkflowId(batchId: string): string {
  return `${WORKFLOW_ID_PREFIX}${batchId}`;
}

/** The batch id of a cancel workflow id, or undefined for any other workflow id. */
export function batchIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;
}

/**
 * Workflow type names, for starting a workflow by name from any Temporal SDK (and for visibility
 * queries such as `WorkflowType = 'cancelBatchWorkflow'`). Equal to the exported functions' names.
 */
export const WORKFLOW_TYPES = {
  /** Cancels one batch and collects its partial results; input and result in docs/schemas/. */
  cancelBatch: 'cancelBatchWorkflow',
  /** One run of the periodic cleanup started by the cleanup schedule. */
  cleanupBatches: 'cleanupBatchesWorkflow',
} as const;
