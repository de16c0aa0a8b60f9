/**
 * A cancellation an operator stopped (`temporal workflow cancel`, the UI's Cancel or Terminate) is
 * not a failed one: say who stopped it, where the batch was, and how to pick it up again. Read
 * from the run's search attributes, so no worker is needed.
 */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { accountFlag } from '../contract/account';
import { OPENAI_BATCH_STATUS } from '../contract/search-attributes';
import { cliProvider } from './common';

const STOPPED = { CANCELLED: 'cancelled', TERMINATED: 'terminated' } as const;

/** What the batch's last seen status (the provider's word, BATCH_PROVIDER's) says about the cancel request. */
function requestState(status: string | undefined): string {
  const meaning = status === undefined ? undefined : cliProvider().meaningOf(status);
  if (meaning?.phase === 'cancelling' || meaning?.outcome === 'cancelled')
    return 'its cancellation was already requested';
  if (meaning?.phase === 'terminal') return 'it had already finished';
  return 'its cancel request may not have been made';
}

/** The line for an operator-stopped run, or undefined for any other status. */
export function operatorStopText(
  batchId: string,
  description: WorkflowExecutionDescription,
  reason: string | undefined,
  account?: string,
): string | undefined {
  const how = STOPPED[description.status.name as keyof typeof STOPPED];
  if (!how) return undefined;
  const status = description.typedSearchAttributes.get(OPENAI_BATCH_STATUS);
  // A cancel's own message ('Workflow canceled') says nothing; a termination's reason may.
  const why = how === 'terminated' && reason ? `: ${reason}` : '';
  return (
    `stopped by an operator (workflow ${how}${why}); batch ${batchId} was last seen ${status ?? 'unread'} and ` +
    `${requestState(status)}; \`openai-batch-cancel cancel ${batchId}${accountFlag(account)}\` starts it again to wait for the batch and collect its results`
  );
}
