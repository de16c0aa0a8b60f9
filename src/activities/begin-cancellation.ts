import {
  CancelBatchInputSchema,
  describeZodError,
  type CancelBatchInput,
  type CancelBatchOptions,
} from '../contract/cancel-input';
import { invalidInputFailure } from '../contract/failure-types';
import { providerOf, type ActivityDeps } from './deps';
import { makeRequestCancel, type RequestCancelResult } from './request-cancel';

export interface BeginCancellationResult {
  /** The input with its defaults applied, durations in ms: what the workflow works with. */
  options: CancelBatchOptions;
  cancel: RequestCancelResult;
}

/**
 * The first step of a cancellation, run as a local activity inside the workflow's first task:
 * validate the input (zod stays out of the workflow sandbox, where every workflow would load it
 * again) and POST the cancel. One workflow task and one activity task fewer than scheduling the
 * cancel as its own activity; the result (defaults applied) is recorded, so replays never
 * re-validate with newer defaults.
 */
export function makeBeginCancellation(deps: ActivityDeps) {
  const requestCancel = makeRequestCancel(deps);
  return async function beginCancellation(input: CancelBatchInput): Promise<BeginCancellationResult> {
    const parsed = CancelBatchInputSchema.safeParse(input);
    if (!parsed.success)
      throw invalidInputFailure('cancelBatchWorkflow input', describeZodError(parsed.error));
    // An account this worker lacks fails here, before any call, naming the ones it has.
    const provider = providerOf(deps, parsed.data.account, true);
    // The batch API that owns the id knows its form: refuse another before calling it.
    const id = provider.batchId.safeParse(parsed.data.batchId);
    if (!id.success)
      throw invalidInputFailure('cancelBatchWorkflow input', describeZodError(id.error, 'batchId'));
    return {
      options: parsed.data,
      cancel: await requestCancel(parsed.data.batchId, parsed.data.account),
    };
  };
}
