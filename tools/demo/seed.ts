/** The demo's batches: one per interesting state, seeded into the simulator. */
import type { BatchSimulator, SeedBatchSpec } from '../simulator';

export const DEMO_BATCHES: (SeedBatchSpec & { label: string })[] = [
  {
    label: 'running, 40% done',
    status: 'in_progress',
    requests: 400,
    completedFraction: 0.4,
    failedFraction: 0.05,
  },
  { label: 'still validating', status: 'validating', requests: 120 },
  { label: 'already completed', status: 'completed', requests: 200, failedFraction: 0.02 },
  { label: 'expired at 60%', status: 'expired', requests: 150, completedFraction: 0.6 },
];

/** The demo's Azure OpenAI account's batches, seeded into the Azure-mode simulator. */
export const AZURE_DEMO_BATCHES: (SeedBatchSpec & { label: string })[] = [
  { label: 'Azure: running, 30% done', status: 'in_progress', requests: 200, completedFraction: 0.3 },
  // Azure gives a completed batch an empty error file: collected as an empty file.
  { label: 'Azure: already completed', status: 'completed', requests: 80, failedFraction: 0 },
];

export interface SeededBatch {
  batchId: string;
  label: string;
  account?: string;
}

function seed(sim: BatchSimulator, specs: typeof DEMO_BATCHES, account?: string): SeededBatch[] {
  return specs.map(({ label, ...spec }) => {
    const batch = sim.seedBatch({ ...spec, metadata: { source: 'openai-batch-cancel demo', label } });
    return { batchId: batch.id, label, ...(account ? { account } : {}) };
  });
}

/** The default account's batches, then (with an Azure simulator) the Azure account's. */
export function seedDemoBatches(
  sim: BatchSimulator,
  azure?: { sim: BatchSimulator; account: string },
): SeededBatch[] {
  return [...seed(sim, DEMO_BATCHES), ...(azure ? seed(azure.sim, AZURE_DEMO_BATCHES, azure.account) : [])];
}
