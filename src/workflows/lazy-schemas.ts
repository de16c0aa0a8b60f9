/**
 * The zod schemas, loaded only when a workflow validates in its sandbox. A module the workflow
 * bundle imports at its top is evaluated again for every workflow the worker loads, and zod is the
 * bulk of the bundle: cancellations validate in a local activity instead (outside the sandbox), so
 * only the cleanup and histories recorded before that change ever load these.
 */
import type * as CancelInputModule from '../contract/cancel-input';
import type * as CleanupPolicyModule from '../contract/cleanup-policy';

export function loadCancelInputSchema(): typeof CancelInputModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  return require('../contract/cancel-input') as typeof CancelInputModule;
}

export function loadCleanupPolicySchema(): typeof CleanupPolicyModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  return require('../contract/cleanup-policy') as typeof CleanupPolicyModule;
}
