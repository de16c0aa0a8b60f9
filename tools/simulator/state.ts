/**
 * The batch state machine, evaluated lazily: a batch is stored as a plan of instants (when
 * validation ends, when request i is answered, when it finalizes, expires) plus the instant a cancel
 * was requested, and its status at time t is a pure function of that plan. No timers run, so a test
 * that moves its clock sees exactly the state the real service would show at that moment.
 */
import { type BatchStatus } from '../../src/providers/openai/schemas';
import { type UnprocessedReason } from './content';
import { type InputError } from './input-validation';
import { type RequestSet } from './requests';

export interface BatchRecord {
  readonly seq: number;
  readonly id: string;
  /** Seeds the ids and token counts of this batch's result lines. */
  readonly key: number;
  readonly endpoint: string;
  readonly inputFileId: string;
  readonly completionWindow: string;
  readonly metadata: Record<string, string> | null;
  readonly requests: RequestSet;
  readonly lineBytes: number;
  /** What a seeded batch's lines and object say beyond the defaults. */
  readonly content?: { detailedUsage: boolean; reportUsage: boolean; strayResults: number };
  /** Instants in ms since the epoch. */
  readonly createdAt: number;
  /** Reported in_progress_at; Infinity when validation fails. */
  readonly inProgressAt: number;
  /** Request i is answered at progressOrigin + (i + 1) · perRequestMs (seeded batches shift it). */
  readonly progressOrigin: number;
  readonly perRequestMs: number;
  readonly finalizingAt: number;
  readonly completedAt: number;
  readonly expiresAt: number;
  /** Set when the input file is invalid: the batch fails at this instant with `errors`. */
  readonly failedAt: number | null;
  readonly errors: readonly InputError[] | null;
  readonly cancelDelayMs: number;
  readonly cancelDrainMs: number;
  cancellingAt: number | null;
}

export interface BatchState {
  status: BatchStatus;
  total: number;
  /** Requests answered, successfully or with an HTTP error. */
  processed: number;
  succeeded: number;
  failed: number;
  /** Why the rest was not run, once a cancelled/expired batch is terminal. */
  unprocessedReason: UnprocessedReason | null;
  inProgressAt: number | null;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
}

/** Requests answered by instant `t` if nothing stopped the batch. */
export function answeredBy(record: BatchRecord, t: number): number {
  const total = record.requests.total;
  if (t < record.inProgressAt) return 0;
  if (t >= record.finalizingAt || record.perRequestMs <= 0) return total;
  return Math.min(total, Math.max(0, Math.floor((t - record.progressOrigin) / record.perRequestMs)));
}

function withCounts(
  record: BatchRecord,
  partial: Omit<BatchState, 'total' | 'processed' | 'succeeded' | 'failed'>,
  stopAt: number,
): BatchState {
  const started = partial.inProgressAt !== null;
  const processed = started ? answeredBy(record, stopAt) : 0;
  const failed = record.requests.failuresBefore(processed);
  return {
    ...partial,
    total: started ? record.requests.total : 0,
    processed,
    succeeded: processed - failed,
    failed,
  };
}

const NOTHING = {
  unprocessedReason: null,
  inProgressAt: null,
  finalizingAt: null,
  completedAt: null,
  failedAt: null,
  expiredAt: null,
  cancellingAt: null,
  cancelledAt: null,
} as const;

export function evaluate(record: BatchRecord, t: number): BatchState {
  const { cancellingAt, failedAt, expiresAt } = record;
  // Only instants before the stop are reported: a batch cancelled while validating never started.
  const reached = (instant: number, stop: number): number | null => (instant <= stop ? instant : null);

  if (cancellingAt !== null) {
    const cancelledAt = cancellingAt + record.cancelDelayMs;
    const done = t >= cancelledAt;
    return withCounts(
      record,
      {
        ...NOTHING,
        status: done ? 'cancelled' : 'cancelling',
        unprocessedReason: done ? 'batch_cancelled' : null,
        inProgressAt: reached(record.inProgressAt, cancellingAt),
        finalizingAt: reached(record.finalizingAt, cancellingAt),
        cancellingAt,
        cancelledAt: done ? cancelledAt : null,
      },
      // In-flight requests finish during the drain, so counts move while `cancelling`.
      cancellingAt + Math.min(record.cancelDrainMs, record.cancelDelayMs, Math.max(0, t - cancellingAt)),
    );
  }
  if (failedAt !== null) {
    return withCounts(
      record,
      {
        ...NOTHING,
        status: t >= failedAt ? 'failed' : 'validating',
        failedAt: t >= failedAt ? failedAt : null,
      },
      t,
    );
  }
  // A batch already finalizing when its window closes still completes.
  if (t >= expiresAt && expiresAt < record.finalizingAt) {
    return withCounts(
      record,
      {
        ...NOTHING,
        status: 'expired',
        unprocessedReason: 'batch_expired',
        inProgressAt: reached(record.inProgressAt, expiresAt),
        expiredAt: expiresAt,
      },
      expiresAt,
    );
  }
  const status: BatchStatus =
    t >= record.completedAt
      ? 'completed'
      : t >= record.finalizingAt
        ? 'finalizing'
        : t >= record.inProgressAt
          ? 'in_progress'
          : 'validating';
  return withCounts(
    record,
    {
      ...NOTHING,
      status,
      inProgressAt: reached(record.inProgressAt, t),
      finalizingAt: reached(record.finalizingAt, t),
      completedAt: status === 'completed' ? record.completedAt : null,
    },
    t,
  );
}

/** Statuses from which `POST /cancel` starts a cancellation. */
export function isCancellable(status: BatchStatus): boolean {
  return status === 'validating' || status === 'in_progress' || status === 'finalizing';
}

/** Whether a terminal batch has result files: completed, cancelled and expired do; failed does not. */
export function hasResultFiles(state: BatchState): boolean {
  return state.status === 'completed' || state.status === 'cancelled' || state.status === 'expired';
}
