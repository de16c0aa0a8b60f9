import { Context } from '@temporalio/activity';
import { isConflict } from '../openai/errors';
import { classifyApiError } from './classify';
import { isTerminalStatus } from '../shared/batch-status';
import type { BatchSnapshot } from '../shared/progress';
import { parseBatch, retrieveBatch, toSnapshot } from './batch-reader';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';

export interface RequestCancelResult {
  batch: BatchSnapshot;
  outcome: 'cancel-requested' | 'already-cancelling' | 'already-terminal';
}

/**
 * POST /v1/batches/{id}/cancel. A batch that is already finished answers 409: that is not an
 * error here, the batch is read and the workflow goes on to collect what it has.
 */
export function makeRequestCancel(deps: ActivityDeps) {
  return async function requestCancel(batchId: string): Promise<RequestCancelResult> {
    const signal = Context.current().cancellationSignal;
    const action = `cancel batch ${batchId}`;
    return withHeartbeat(
      () => ({ batchId, step: 'cancel' }),
      async () => {
        try {
          const batch = parseBatch(await deps.openai.batches.cancel(batchId, { signal }), action);
          return {
            batch: toSnapshot(batch),
            outcome: isTerminalStatus(batch.status) ? 'already-terminal' : 'cancel-requested',
          };
        } catch (err) {
          if (!isConflict(err)) throw classifyApiError(err, { action });
          try {
            const batch = await retrieveBatch(deps.openai, batchId, signal);
            return {
              batch: toSnapshot(batch),
              outcome: isTerminalStatus(batch.status) ? 'already-terminal' : 'already-cancelling',
            };
          } catch (readErr) {
            throw classifyApiError(readErr, { action: `read batch ${batchId} after 409` });
          }
        }
      },
    );
  };
}
