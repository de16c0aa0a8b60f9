/**
 * Rendering of single JSONL lines: input lines of seeded batches and result lines of output/error
 * files. Lines are built with templates, not JSON.stringify of objects, because a million of them are
 * rendered per download; every variable part of a seeded line is fixed-width so all lines of one kind
 * have the same length (see file-content.ts).
 */
import { batchRequestId, completionId, requestId } from './ids';
import { fmix32, hash32 } from './prng';
import { type RequestSet } from './requests';

export interface LineContext {
  /** Seeds the per-line ids of this batch. */
  readonly key: number;
  readonly requests: RequestSet;
  /** Appended to every answer so success lines reach the requested size. */
  readonly padding: string;
  /** Usage with cached and reasoning token details. */
  readonly detailedUsage?: boolean;
  /** Unix seconds at which request `index` was answered (always 10 digits). */
  answeredAt(index: number): number;
}

export type UnprocessedReason = 'batch_cancelled' | 'batch_expired';

const UNPROCESSED_MESSAGES: Record<UnprocessedReason, string> = {
  batch_cancelled: 'This request was not executed because the batch was cancelled.',
  batch_expired: 'This request could not be executed before the completion window expired.',
};

// A local alias: global lookups are slow in jest's vm context (see prng.ts), and this is per line.
const stringify = JSON.stringify;

const FILLER = ' Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.';

/** `length` characters of plain text that need no JSON escaping. */
export function fillerText(length: number): string {
  if (length <= 0) return '';
  return FILLER.repeat(Math.ceil(length / FILLER.length)).slice(0, length);
}

/**
 * Token counts in 100..499 so their sum stays three digits, and details in 10..99: the line length
 * must not vary.
 */
export function tokens(
  key: number,
  index: number,
): { prompt: number; completion: number; cached: number; reasoning: number } {
  const h = fmix32((hash32(key, 11) ^ index) >>> 0);
  return {
    prompt: 100 + (h % 400),
    completion: 100 + ((h >>> 16) % 400),
    cached: 10 + ((h >>> 8) % 90),
    reasoning: 10 + ((h >>> 24) % 90),
  };
}

function responseBody(ctx: LineContext, index: number, customId: string): string {
  const { endpoint } = ctx.requests;
  const model = ctx.requests.modelOf(index);
  const created = ctx.answeredAt(index);
  const { prompt, completion, cached, reasoning } = tokens(ctx.key, index);
  const detail = ctx.detailedUsage === true;
  const text = stringify(`Simulated answer to ${customId}.${ctx.padding}`);
  const uid = completionId(ctx.key, index).slice('chatcmpl-'.length);
  switch (endpoint) {
    case '/v1/embeddings':
      return `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0123,-0.0456,0.0789,-0.0112]}],"model":"${model}","usage":{"prompt_tokens":${prompt},"total_tokens":${prompt}}}`;
    case '/v1/moderations':
      return `{"id":"modr-${uid}","model":"${model}","results":[{"flagged":false,"categories":{},"category_scores":{}}]}`;
    case '/v1/completions':
      return `{"id":"cmpl-${uid}","object":"text_completion","created":${created},"model":"${model}","choices":[{"index":0,"text":${text},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion}}}`;
    case '/v1/responses':
      return `{"id":"resp_${uid}","object":"response","created_at":${created},"status":"completed","model":"${model}","output":[{"type":"message","id":"msg_${uid}","status":"completed","role":"assistant","content":[{"type":"output_text","text":${text},"annotations":[]}]}],"usage":{"input_tokens":${prompt},${detail ? `"input_tokens_details":{"cached_tokens":${cached}},` : ''}"output_tokens":${completion},${detail ? `"output_tokens_details":{"reasoning_tokens":${reasoning}},` : ''}"total_tokens":${prompt + completion}}}`;
    default:
      return `{"id":"chatcmpl-${uid}","object":"chat.completion","created":${created},"model":"${model}","choices":[{"index":0,"message":{"role":"assistant","content":${text},"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion}${detail ? `,"prompt_tokens_details":{"cached_tokens":${cached}},"completion_tokens_details":{"reasoning_tokens":${reasoning}}` : ''}},"service_tier":"default","system_fingerprint":"fp_simulator"}`;
  }
}

function envelope(
  ctx: LineContext,
  index: number,
  customId: string,
  response: string,
  error: string,
): string {
  return `{"id":"${batchRequestId(ctx.key, index)}","custom_id":${customId},"response":${response},"error":${error}}`;
}

/** A result line of a request that was answered: 200 with a body, or 400 with an error body. */
export function resultLine(ctx: LineContext, index: number): string {
  return ctx.requests.fails(index) ? failureLine(ctx, index) : successLine(ctx, index);
}

export function successLine(ctx: LineContext, index: number): string {
  const customId = ctx.requests.customId(index);
  const body = responseBody(ctx, index, customId);
  const response = `{"status_code":200,"request_id":"${requestId(ctx.key, index)}","body":${body}}`;
  return envelope(ctx, index, stringify(customId), response, 'null');
}

export function failureLine(ctx: LineContext, index: number): string {
  const { message, param, code } = ctx.requests.failureMessage(index);
  const error = `{"message":${stringify(message)},"type":"invalid_request_error","param":${stringify(param)},"code":${stringify(code)}}`;
  const response = `{"status_code":400,"request_id":"${requestId(ctx.key, index)}","body":{"error":${error}}}`;
  return envelope(ctx, index, stringify(ctx.requests.customId(index)), response, 'null');
}

/** An error-file line of a request the batch never ran. */
export function unprocessedLine(ctx: LineContext, index: number, reason: UnprocessedReason): string {
  const customId = stringify(ctx.requests.customId(index));
  return envelope(
    ctx,
    index,
    customId,
    'null',
    `{"code":"${reason}","message":"${UNPROCESSED_MESSAGES[reason]}"}`,
  );
}

/**
 * A line cut short like a torn write. It keeps the original length so a file's size does not depend
 * on which lines are corrupted.
 */
export function corruptLine(line: string): string {
  const marker = ' TRUNCATED';
  return line.length <= marker.length
    ? '{'.padEnd(line.length, ' ')
    : line.slice(0, line.length - marker.length) + marker;
}

function inputBody(endpoint: string, model: string, question: string): string {
  if (endpoint === '/v1/embeddings' || endpoint === '/v1/moderations')
    return `{"model":"${model}","input":"${question}"}`;
  if (endpoint === '/v1/responses') return `{"model":"${model}","input":"${question}"}`;
  if (endpoint === '/v1/completions') return `{"model":"${model}","prompt":"${question}","max_tokens":256}`;
  return `{"model":"${model}","messages":[{"role":"user","content":"${question}"}],"max_tokens":256}`;
}

/** A line of a generated input file; `valid: false` omits custom_id, which fails validation. */
export function inputLine(requests: RequestSet, index: number, valid = true): string {
  const customId = requests.customId(index);
  const body = inputBody(
    requests.endpoint,
    requests.modelOf(index),
    `Question for ${customId}: summarise the simulator.`,
  );
  const idField = valid ? `"custom_id":"${customId}",` : '';
  return `{${idField}"method":"POST","url":"${requests.endpoint}","body":${body}}`;
}
