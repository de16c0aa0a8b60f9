/**
 * Building batch plans: from a create call (the timeline starts now) and from a seed spec (the
 * timeline is laid out backwards so the batch is in the asked state now, then moves on as the clock
 * does). Past spans of seeded batches are capped at a quarter of the completion window so a big
 * seeded batch never looks expired just because a million requests took long.
 */
import { type BatchStatus } from '../../src/providers/openai/schemas';
import { type InputError } from './input-validation';
import { type RequestSet } from './requests';
import { type BatchRecord } from './state';
import { type SimulatorTiming } from './types';

export interface RecordIdentity {
  seq: number;
  id: string;
  key: number;
  endpoint: string;
  inputFileId: string;
  metadata: Record<string, string> | null;
  requests: RequestSet;
  lineBytes: number;
  cancelDelayMs: number;
  /** Requests in flight keep being answered this long into `cancelling` (0: counts freeze). */
  cancelDrainMs: number;
  content?: BatchRecord['content'];
}

type Timeline = Pick<
  BatchRecord,
  | 'createdAt'
  | 'inProgressAt'
  | 'progressOrigin'
  | 'finalizingAt'
  | 'completedAt'
  | 'expiresAt'
  | 'failedAt'
  | 'cancellingAt'
>;

function build(
  identity: RecordIdentity,
  timing: SimulatorTiming,
  timeline: Timeline,
  errors: InputError[] | null,
): BatchRecord {
  return {
    ...identity,
    ...timeline,
    completionWindow: '24h',
    perRequestMs: timing.perRequestMs,
    errors,
  };
}

/** A batch created through the API now; `errors` set means its input file fails validation. */
export function createdRecord(
  identity: RecordIdentity,
  timing: SimulatorTiming,
  now: number,
  errors: InputError[] | null,
): BatchRecord {
  const endOfValidation = now + timing.validatingMs;
  const finalizingAt = errors ? Infinity : endOfValidation + identity.requests.total * timing.perRequestMs;
  return build(
    identity,
    timing,
    {
      createdAt: now,
      inProgressAt: errors ? Infinity : endOfValidation,
      progressOrigin: endOfValidation,
      finalizingAt,
      completedAt: finalizingAt + timing.finalizingMs,
      expiresAt: now + timing.completionWindowMs,
      failedAt: errors ? endOfValidation : null,
      cancellingAt: null,
    },
    errors,
  );
}

export interface SeedShape {
  status: BatchStatus;
  /** Requests processed so far (clamped per status). */
  processed: number;
  /** Unix ms, when the caller fixed created_at. */
  createdAt: number | undefined;
}

/** The timeline of a seeded batch, ending at `now` in the requested state. */
export function seededRecord(
  identity: RecordIdentity,
  timing: SimulatorTiming,
  now: number,
  shape: SeedShape,
  errors: InputError[],
): BatchRecord {
  const { validatingMs: V, perRequestMs: P, finalizingMs: F, completionWindowMs: W } = timing;
  const n = identity.requests.total;
  const cap = (span: number): number => Math.min(span, W / 4);
  const k = Math.min(Math.max(0, shape.processed), n);
  // in_progress and expired batches must still have work left, or they would be finalizing.
  const partial = n > 0 ? Math.min(k, n - 1) : 0;
  let t: Timeline;
  // Lays out a batch whose request `done` (of n) was answered at `at`.
  const running = (done: number, at: number, extra: Partial<Timeline> = {}): Timeline => {
    const origin = at - done * P;
    const inProgressAt = at - cap(done * P);
    const finalizingAt = origin + n * P;
    return {
      createdAt: inProgressAt - V,
      inProgressAt,
      progressOrigin: origin,
      finalizingAt,
      completedAt: finalizingAt + F,
      expiresAt: inProgressAt - V + W,
      failedAt: null,
      cancellingAt: null,
      ...extra,
    };
  };
  switch (shape.status) {
    case 'validating':
      t = { ...running(0, now + V), createdAt: now, expiresAt: now + W };
      break;
    case 'in_progress':
      t = running(partial, now);
      break;
    case 'finalizing':
      t = running(n, now);
      break;
    case 'completed':
      t = running(n, now - F);
      break;
    case 'cancelling':
      t = running(k, now, { cancellingAt: now });
      break;
    case 'cancelled':
      t = running(k, now - identity.cancelDelayMs, { cancellingAt: now - identity.cancelDelayMs });
      break;
    case 'expired': {
      const base = running(partial, now);
      const inProgressAt = Math.max(now - W + V, base.inProgressAt);
      // Never reached finalizing, so the window closing at `now` expires it.
      const finalizingAt = Math.max(base.finalizingAt, now + 1);
      t = {
        ...base,
        createdAt: now - W,
        inProgressAt,
        finalizingAt,
        completedAt: finalizingAt + F,
        expiresAt: now,
      };
      break;
    }
    case 'failed':
      t = {
        createdAt: now - V,
        inProgressAt: Infinity,
        progressOrigin: Infinity,
        finalizingAt: Infinity,
        completedAt: Infinity,
        expiresAt: now - V + W,
        failedAt: now,
        cancellingAt: null,
      };
      break;
  }
  if (shape.createdAt !== undefined) t = withCreatedAt(t, shape.createdAt, shape.status, W);
  return build(identity, timing, t, shape.status === 'failed' ? errors : null);
}

/** Honour a caller's created_at while keeping every reported instant at or after it. */
function withCreatedAt(t: Timeline, createdAt: number, status: BatchStatus, window: number): Timeline {
  const atLeast = (instant: number): number => Math.max(instant, createdAt);
  return {
    ...t,
    createdAt,
    inProgressAt: atLeast(t.inProgressAt),
    finalizingAt: atLeast(t.finalizingAt),
    completedAt: atLeast(t.completedAt),
    failedAt: t.failedAt === null ? null : atLeast(t.failedAt),
    cancellingAt: t.cancellingAt === null ? null : atLeast(t.cancellingAt),
    expiresAt: status === 'expired' ? t.expiresAt : createdAt + window,
  };
}
