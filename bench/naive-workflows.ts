/**
 * The naive alternative measured by bench/waiting.ts: request the cancel, then a fixed-interval
 * timer loop (sleep 30 s, read the batch) until terminal, then collect results. Every read is an
 * activity and every sleep a timer, so history grows with the wait.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../src/activities';
import { isTerminalStatus } from '../src/contract/batch-status';
import {
  collectResultsOptions,
  readBatchOptions,
  requestCancelOptions,
} from '../src/contract/activity-options';

const { requestCancel } = proxyActivities<Activities>(requestCancelOptions);
const { readBatch } = proxyActivities<Activities>(readBatchOptions);
const { collectResults } = proxyActivities<Activities>(collectResultsOptions);

export interface NaiveResult {
  finalStatus: string;
  polls: number;
  terminalSeenAt: number;
}

export async function naiveCancelWorkflow(batchId: string, intervalMs = 30_000): Promise<NaiveResult> {
  // After a 409 the cancel returns no batch: read it.
  let batch = (await requestCancel(batchId)).batch ?? (await readBatch(batchId));
  let polls = 1;
  while (!isTerminalStatus(batch.status)) {
    await sleep(intervalMs);
    batch = await readBatch(batchId);
    polls++;
  }
  const terminalSeenAt = Date.now();
  await collectResults({
    batchId,
    inputFileId: batch.inputFileId,
    outputFileId: batch.outputFileId,
    errorFileId: batch.errorFileId,
    writeRemaining: false,
  });
  return { finalStatus: batch.status, polls, terminalSeenAt };
}
