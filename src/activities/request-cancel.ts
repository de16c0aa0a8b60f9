import { Context } from '@temporalio/activity';
import { classifyApiError } from './classify';
import { isTerminal } from '../contract/batch-snapshot';
import type { BatchSnapshot } from '../contract/progress';
import { providerOf, type ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import { readWellFormed } from './malformed-response';

export interface RequestCancelResult {
  /** The batch as the cancel call returned it; null after a 409, when the wait reads it instead. */
  batch: BatchSnapshot | null;
  outcome: 'cancel-requested' | 'already-terminal';
}

/**
 * Asks the provider to cancel the batch. A batch that is already finished (OpenAI's 409) is not an
 * error here. The activity does not read the batch itself (a second call that could fail and
 * retry the whole attempt under a flaky API): the wait's first read finds it terminal.
 */
export function makeRequestCancel(deps: ActivityDeps) {
  return async function requestCancel(batchId: string, account?: string): Promise<RequestCancelResult> {
    const provider = providerOf(deps, account);
    const signal = Context.current().cancellationSignal;
    const action = `cancel batch ${batchId}`;
    return withHeartbeat(
      () => ({ batchId, step: 'cancel' }),
      async () => {
        try {
          // Asking again is safe: a batch already cancelling answers itself again, or 409.
          const batch = await readWellFormed('a batch', () => provider.cancel(batchId, signal), signal);
          if (!batch) return { batch: null, outcome: 'already-terminal' };
          return {
            batch,
            outcome: isTerminal(batch) ? 'already-terminal' : 'cancel-requested',
          };
        } catch (err) {
          throw classifyApiError(provider, err, { action });
        }
      },
    );
  };
}
