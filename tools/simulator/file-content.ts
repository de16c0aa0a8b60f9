/**
 * What a file contains, as a lazily generated sequence of lines, and its size. Generated files can
 * hold a million lines (~1 GB), so nothing here materialises a whole file: lines are rendered on
 * demand and batched into chunks for a backpressured stream. Sizes of seeded files come from
 * arithmetic, because each kind of line has one fixed length.
 */
import {
  failureLine,
  fillerText,
  inputLine,
  type LineContext,
  resultLine,
  successLine,
  unprocessedLine,
} from './content';
import { type BatchRecord, type BatchState } from './state';

export interface FilePlan {
  readonly lines: number;
  /** Known without rendering the file; otherwise the store measures it once and caches it. */
  readonly bytes: number | undefined;
  /** Result files are subject to `malformedLineRate`; input files are not. */
  readonly corruptible: boolean;
  /** Served byte for byte instead of rendering lines (uploads). */
  readonly raw?: Buffer;
  /** The lines, without newlines. */
  render(): Iterable<string>;
}

export type ResultRole = 'output' | 'error';

// Local aliases: global lookups are slow in jest's vm context (see prng.ts), and this runs per line.
const { floor, max } = Math;

function answeredAtFn(record: BatchRecord): (index: number) => number {
  return (index) =>
    floor(max(record.createdAt, record.progressOrigin + (index + 1) * record.perRequestMs) / 1000);
}

/** The line context of a batch, with the answer padding that brings success lines to `lineBytes`. */
export function lineContext(record: BatchRecord): LineContext {
  const base: LineContext = {
    key: record.key,
    requests: record.requests,
    padding: '',
    answeredAt: answeredAtFn(record),
  };
  if (record.lineBytes <= 0 || record.requests.total === 0) return base;
  const natural = successLine(base, 0).length + 1; // + newline
  return { ...base, padding: fillerText(record.lineBytes - natural) };
}

/** Fixed-length lines need fixed-width ids and timestamps of one digit count across the batch. */
function isFixedWidth(record: BatchRecord, ctx: LineContext): boolean {
  const last = Math.max(0, record.requests.total - 1);
  return (
    record.requests.fixedWidth && String(ctx.answeredAt(0)).length === String(ctx.answeredAt(last)).length
  );
}

export function resultPlan(record: BatchRecord, state: BatchState, role: ResultRole): FilePlan {
  const ctx = lineContext(record);
  const { processed, succeeded, failed, unprocessedReason } = state;
  const requests = record.requests;
  const unprocessed = unprocessedReason ? state.total - processed : 0;
  const fixed = isFixedWidth(record, ctx);
  if (role === 'output') {
    return {
      lines: succeeded,
      bytes: fixed ? succeeded * (successLine(ctx, 0).length + 1) : undefined,
      corruptible: true,
      *render() {
        for (let i = 0; i < processed; i++) if (!requests.fails(i)) yield successLine(ctx, i);
      },
    };
  }
  return {
    lines: failed + unprocessed,
    bytes: fixed
      ? failed * (failureLine(ctx, 0).length + 1) +
        (unprocessedReason ? unprocessed * (unprocessedLine(ctx, 0, unprocessedReason).length + 1) : 0)
      : undefined,
    corruptible: true,
    *render() {
      for (let i = 0; i < processed; i++) if (requests.fails(i)) yield resultLine(ctx, i);
      if (unprocessedReason)
        for (let i = processed; i < state.total; i++) yield unprocessedLine(ctx, i, unprocessedReason);
    },
  };
}

/** The generated input file of a seeded batch; `invalidFirstLine` makes validation fail on line 1. */
export function inputPlan(record: BatchRecord, invalidFirstLine: boolean): FilePlan {
  const requests = record.requests;
  const total = requests.total;
  const lineLength = (valid: boolean): number => inputLine(requests, 0, valid).length + 1;
  const bytes = total === 0 ? 0 : (total - 1) * lineLength(true) + lineLength(!invalidFirstLine);
  return {
    lines: total,
    bytes,
    corruptible: false,
    *render() {
      for (let i = 0; i < total; i++) yield inputLine(requests, i, !(invalidFirstLine && i === 0));
    },
  };
}

/** An uploaded file, served byte for byte. */
export function uploadPlan(data: Buffer): FilePlan {
  let lines = 0;
  for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, at + 1)) lines++;
  if (data.length > 0 && data[data.length - 1] !== 0x0a) lines++;
  return { lines, bytes: data.length, corruptible: false, raw: data, render: () => [] };
}
