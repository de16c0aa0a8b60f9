/**
 * The naive alternative measured by bench/waiting.ts: request the cancel, then a fixed-interval
 * timer loop (sleep 30 s, read the batch) until terminal, then collect results. Every read is an
 * activity and every sleep a timer, so history grows with the wait.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../src/activities';
import { isTerminal } from '../src/contract/batch-snapshot';
import {
  collectResultsOptions,
  readBatchOptions,
  requestCancelOptions,
} from '../src/contract/activity-options';

// The product's cancel step, as a plain activity (validation included; the cancel is one call).
const { beginCancellation } = proxyActivities<Activities>(requestCancelOptions);
const { readBatchAt } = proxyActivities<Activities>(readBatchOptions);
const readBatch = async (batchId: string) => (await readBatchAt(batchId)).batch;
const { collectResults } = proxyActivities<Activities>(collectResultsOptions);

export interface NaiveResult {
  finalStatus: string;
  polls: number;
  terminalSeenAt: number;
}

export async function naiveCancelWorkflow(batchId: string, intervalMs = 30_000): Promise<NaiveResult> {
  // After a 409 the cancel returns no batch: read it.
  let batch = (await beginCancellation({ batchId })).cancel.batch ?? (await readBatch(batchId));
  let polls = 1;
  while (!isTerminal(batch)) {
    await sleep(intervalMs);
    batch = await readBatch(batchId);
    polls++;
  }
  const terminalSeenAt = Date.now();
  await collectResults({
    batchId,
    resultRefs: batch.resultRefs,
    writeRemaining: false,
  });
  return { finalStatus: batch.status, polls, terminalSeenAt };
}
