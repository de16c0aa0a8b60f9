/** A Message Batch reduced to the product's snapshot (contract/batch-snapshot.ts). */
import { requestCounts, type BatchSnapshot } from '../../contract/batch-snapshot';
import type { MessageBatch } from './schemas';
import { meaningOfBatch } from './status';

export const ANTHROPIC = 'anthropic';

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export function toSnapshot(batch: MessageBatch, account: string): BatchSnapshot {
  const { phase, outcome } = meaningOfBatch(batch);
  const c = batch.request_counts;
  const results = phase === 'terminal' ? batch.results_url : null;
  return {
    provider: ANTHROPIC,
    account,
    id: batch.id,
    status: batch.processing_status,
    phase,
    outcome,
    // Canceled and expired requests never ran: they count as processing, as OpenAI's do.
    requestCounts: requestCounts({
      total: c.processing + c.succeeded + c.errored + c.canceled + c.expired,
      succeeded: c.succeeded,
      failed: c.errored,
    }),
    // One results file for every outcome, read from the batch (never built): named as both output
    // and errors, the collection reads it twice and keeps the successes in output.jsonl, the rest
    // in errors.jsonl. The API keeps no copy of the requests, so there is no input file.
    resultRefs: {
      output: results,
      errors: results,
      input: null,
    },
    createdAt: epochSeconds(batch.created_at),
    endedAt: batch.ended_at === null ? null : epochSeconds(batch.ended_at),
    errors: null,
    // A Message Batch reports no usage of its own: the results' lines are the only count.
    usage: null,
  };
}
