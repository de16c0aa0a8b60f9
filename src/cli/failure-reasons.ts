/**
 * `list`'s reason for a run that did not complete: visibility has no failure, so each such row's
 * run is asked for its outcome (at most `--limit` reads, only for closed runs that did not complete).
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { CancellationListing } from '../client/cancellations';
import { failureReason } from './errors';

export type ListingWithReason = CancellationListing & {
  /** `<failure type>: <message>` of a failed, terminated, timed-out or cancelled run. */
  failure?: string;
};

const UNSUCCESSFUL = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);

/** The reason, one line, or undefined when the run has none to give. */
async function reasonOf(client: Client, row: CancellationListing): Promise<string | undefined> {
  try {
    // followRuns: false: this run's own outcome, not that of a later run of the same id.
    await client.workflow.getHandle(row.workflowId, row.runId, { followRuns: false }).result();
    return undefined;
  } catch (err) {
    if (err instanceof WorkflowFailedError) return failureReason(err).replace(/\s+/g, ' ').trim();
    return undefined;
  }
}

export async function withFailureReasons(
  client: Client,
  rows: CancellationListing[],
): Promise<ListingWithReason[]> {
  return Promise.all(
    rows.map(async (row) => {
      if (!UNSUCCESSFUL.has(row.workflowStatus)) return row;
      const failure = await reasonOf(client, row);
      return failure ? { ...row, failure } : row;
    }),
  );
}
