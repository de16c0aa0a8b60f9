/**
 * What a cancellation carries into its next run when it continues as new (a long wait): the
 * validated options, what the cancel request found, the progress so far (reads, last snapshot,
 * start time, hence the deadline and the stuck threshold), the poll schedule reached, and the
 * webhook events seen and not yet acted on. Workflow-safe: types only.
 */
import type { BatchEvent } from './batch-event';
import type { CancelBatchOptions } from './cancel-input';
import type { CancelProgress } from './progress';

export interface CancelBatchCarry {
  options: CancelBatchOptions;
  cancelOutcome: 'cancel-requested' | 'already-terminal';
  state: CancelProgress;
  /** The poll interval the next wait starts from. */
  pollInterval: number;
  /** The last wait read the batch: the next one waits an interval before reading. */
  continued: boolean;
  /** Epoch ms until which an early event's fast follow-up reads run, or null. */
  followUpUntil: number | null;
  /** Event ids already seen (duplicates are dropped), newest last. */
  seenEvents: string[];
  /** An event received and not yet confirmed by a read. */
  pendingEvent: BatchEvent | null;
}
