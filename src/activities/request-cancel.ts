import { Context } from '@temporalio/activity';
import { isConflict } from '../providers/openai/errors';
import { classifyApiError } from './classify';
import { isTerminalStatus } from '../contract/batch-status';
import type { BatchSnapshot } from '../contract/progress';
import { postCancel } from '../providers/openai/batch-api';
import { toSnapshot } from './batch-reader';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import { readWellFormed } from './malformed-response';

export interface RequestCancelResult {
  /** The batch as the cancel call returned it; null after a 409, when the wait reads it instead. */
  batch: BatchSnapshot | null;
  outcome: 'cancel-requested' | 'already-terminal';
}

/**
 * POST /v1/batches/{id}/cancel. A batch that is already finished answers 409: that is not an
 * error here. The activity does not read the batch itself (a second call that could fail and
 * retry the whole attempt under a flaky API): the wait's first read finds it terminal.
 */
export function makeRequestCancel(deps: ActivityDeps) {
  return async function requestCancel(batchId: string): Promise<RequestCancelResult> {
    const signal = Context.current().cancellationSignal;
    const action = `cancel batch ${batchId}`;
    return withHeartbeat(
      () => ({ batchId, step: 'cancel' }),
      async () => {
        try {
          // Asking again is safe: a batch already cancelling answers itself again, or 409.
          const batch = await readWellFormed(
            'a batch',
            () => postCancel(deps.openai, batchId, signal),
            signal,
          );
          return {
            batch: toSnapshot(batch),
            outcome: isTerminalStatus(batch.status) ? 'already-terminal' : 'cancel-requested',
          };
        } catch (err) {
          if (isConflict(err)) return { batch: null, outcome: 'already-terminal' };
          throw classifyApiError(err, { action });
        }
      },
    );
  };
}
