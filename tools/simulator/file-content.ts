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
  tokens,
  unprocessedLine,
} from './content';
import { type Batch } from '../../src/providers/openai/schemas';
import { type RequestSet } from './requests';
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

/** The same requests under custom ids no input line has: answers the input cannot account for. */
function strayRequests(requests: RequestSet): RequestSet {
  return {
    total: requests.total,
    endpoint: requests.endpoint,
    model: requests.model,
    fixedWidth: false,
    customId: (index) => `stray-${index}`,
    modelOf: (index) => requests.modelOf(index),
    fails: () => false,
    failuresBefore: () => 0,
    failureMessage: () => requests.failureMessage(0),
  };
}

/**
 * The batch object's `usage`: the sum over the requests answered successfully so far, as the API
 * reports it for batches created after 2025-09-07 (stray answers are not counted).
 */
export function batchUsage(record: BatchRecord, state: BatchState): NonNullable<Batch['usage']> {
  const endpoint = record.endpoint;
  const hasOutput = !['/v1/embeddings', '/v1/moderations'].includes(endpoint);
  // Only chat completions and responses lines carry the details (see content.ts).
  const detail =
    (record.content?.detailedUsage ?? false) && ['/v1/chat/completions', '/v1/responses'].includes(endpoint);
  let input = 0;
  let cached = 0;
  let output = 0;
  let reasoning = 0;
  if (endpoint !== '/v1/moderations') {
    for (let i = 0; i < state.processed; i++) {
      if (record.requests.fails(i)) continue;
      const t = tokens(record.key, i);
      input += t.prompt;
      if (hasOutput) output += t.completion;
      if (detail) {
        cached += t.cached;
        reasoning += t.reasoning;
      }
    }
  }
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

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
    detailedUsage: record.content?.detailedUsage ?? false,
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
    const stray = record.content?.strayResults ?? 0;
    const strayCtx: LineContext = { ...ctx, requests: strayRequests(requests) };
    return {
      lines: succeeded + stray,
      bytes: fixed && stray === 0 ? succeeded * (successLine(ctx, 0).length + 1) : undefined,
      corruptible: true,
      *render() {
        for (let i = 0; i < processed; i++) if (!requests.fails(i)) yield successLine(ctx, i);
        for (let i = 0; i < stray; i++) yield successLine(strayCtx, i);
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
  // Lines of several models differ in length: then the store measures the file once.
  const bytes = !requests.fixedWidth
    ? undefined
    : total === 0
      ? 0
      : (total - 1) * lineLength(true) + lineLength(!invalidFirstLine);
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
