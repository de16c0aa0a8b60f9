/**
 * Path of the workflows module, for `Worker.create({ workflowsPath })` on a worker of your own: the
 * worker bundles it (with `cancelBatchWorkflow` and `cleanupBatchesWorkflow`). Register
 * `createActivities(deps)` on the same worker.
 */
export const workflowsPath: string = require.resolve('../workflows');
