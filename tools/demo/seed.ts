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

export interface SeededBatch {
  batchId: string;
  label: string;
}

export function seedDemoBatches(sim: BatchSimulator): SeededBatch[] {
  return DEMO_BATCHES.map(({ label, ...spec }) => {
    const batch = sim.seedBatch({ ...spec, metadata: { source: 'openai-batch-cancel demo', label } });
    return { batchId: batch.id, label };
  });
}
