/** Every workflow the worker registers; the worker bundles this file. */
export { cancelBatchWorkflow } from './cancel-batch';
export { cleanupBatchesWorkflow } from './cleanup-batches';
export { cleanupChildWorkflow } from './cleanup-child';
