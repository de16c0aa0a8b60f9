/** Names shared by worker, client, CLI and tests: one spelling each. */
import { ACCOUNT_NAME_PATTERN, DEFAULT_ACCOUNT, isDefaultAccount } from './account';

/** Default task queue; `TEMPORAL_TASK_QUEUE` overrides it. */
export const DEFAULT_TASK_QUEUE = 'openai-batch-cancel';

const WORKFLOW_ID_PREFIX = 'cancel-batch:';

/**
 * One workflow per batch of an account: the id is derived from both, so a second start finds the
 * first. The default account's ids name no account (`cancel-batch:<batchId>`, as before accounts);
 * another account's do (`cancel-batch:<account>:<batchId>`): the same batch id in two accounts is
 * two cancellations. Neither a batch id nor an account name holds `:`, so the form is unambiguous.
 */
export function cancelWorkflowId(batchId: string, account: string = DEFAULT_ACCOUNT): string {
  return isDefaultAccount(account)
    ? `${WORKFLOW_ID_PREFIX}${batchId}`
    : `${WORKFLOW_ID_PREFIX}${account}:${batchId}`;
}

/** The account and batch id of a cancel workflow id, or undefined for any other workflow id. */
export function parseCancelWorkflowId(workflowId: string): { account: string; batchId: string } | undefined {
  if (!workflowId.startsWith(WORKFLOW_ID_PREFIX)) return undefined;
  const rest = workflowId.slice(WORKFLOW_ID_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return rest ? { account: DEFAULT_ACCOUNT, batchId: rest } : undefined;
  const account = rest.slice(0, colon);
  const batchId = rest.slice(colon + 1);
  return ACCOUNT_NAME_PATTERN.test(account) && batchId ? { account, batchId } : undefined;
}

/** The batch id of a cancel workflow id (of any account), or undefined for any other workflow id. */
export function batchIdFromWorkflowId(workflowId: string): string | undefined {
  return parseCancelWorkflowId(workflowId)?.batchId;
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
