/**
 * Anthropic mode (`anthropic: true`): the Message Batches API, after Anthropic's API reference
 * (platform.claude.com/docs/en/api/messages/batches, the batch-processing guide, and the types of
 * `@anthropic-ai/sdk`). A batch reuses the OpenAI mode's lazily evaluated plan (records.ts,
 * state.ts) with no validating and no finalizing phase, since a Message Batch "begins processing
 * immediately"; only the rendering differs:
 *
 * - `processing_status` is `in_progress`, `canceling` or `ended`.
 * - `request_counts` has every count but `processing` at zero until the batch ends: "Requests start
 *   as `processing` and move to one of the other statuses only once processing of the entire batch
 *   ends. The sum of all values always matches the total number of requests in the batch."
 * - Timestamps are RFC 3339 strings; `expires_at` is 24 hours after creation; `archived_at` is 29
 *   days after creation ("Batch results are available for 29 days after creation. After that, you
 *   may still view the Batch, but its results will no longer be available for download").
 * - Results are one JSONL stream, "not guaranteed to be in the same order as requests" (shuffled
 *   by seed here), served at `results_url` once the batch has ended.
 */
import { type IncomingMessage } from 'node:http';
import { type BatchStatus } from '../../src/providers/openai/schemas';
import { type AnthropicErrorBody, ApiError } from './errors';
import { type FilePlan } from './file-content';
import { type Handler, type HandlerContext } from './handlers';
import { jsonBody as openAiJsonBody } from './params';
import { alnumFrom, alnumOf, hash32, lineHashes } from './prng';
import { createdRecord, type RecordIdentity, seededRecord, type SeedShape } from './records';
import { GeneratedRequests, type RequestSet } from './requests';
import { type BatchRecord, type BatchState, evaluate, isCancellable } from './state';
import {
  type AnthropicMessageBatch,
  type AnthropicProcessingStatus,
  type RouteName,
  type SeedBatchSpec,
  type SimulatorTiming,
} from './types';

// ---------------------------------------------------------------------------------------------
// Errors: `{"type":"error","error":{"type":…,"message":…},"request_id":…}` (the API's errors page).

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export function anthropicError(
  status: number,
  type: AnthropicErrorType,
  message: string,
  headers?: Record<string, string>,
): ApiError {
  return new ApiError(status, { type: 'error', error: { type, message } }, headers);
}

/** An error in Anthropic's shape: itself, or one of the shared layer's recast by its status. */
export function asAnthropicBody(error: ApiError): AnthropicErrorBody {
  if ('type' in error.body) return error.body;
  const type: string =
    error.status === 413
      ? 'request_too_large'
      : error.status === 401
        ? 'authentication_error'
        : error.status === 404
          ? 'not_found_error'
          : error.status === 429
            ? 'rate_limit_error'
            : error.status >= 500
              ? 'api_error'
              : 'invalid_request_error';
  return { type: 'error', error: { type, message: error.message } };
}

export const anthropicInvalidRequest = (message: string): ApiError =>
  anthropicError(400, 'invalid_request_error', message);

export const anthropicNotFound = (message = 'Not found'): ApiError =>
  anthropicError(404, 'not_found_error', message);

export function anthropicRateLimited(retryAfterSeconds: number): ApiError {
  return anthropicError(
    429,
    'rate_limit_error',
    'Number of request tokens has exceeded your per-minute rate limit. Please try again later.',
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** 529: "The API is temporarily overloaded." */
export const anthropicOverloaded = (): ApiError => anthropicError(529, 'overloaded_error', 'Overloaded');

/** 500 `api_error`, "an unexpected error has occurred internal to Anthropic's systems" (502/503 too). */
export const anthropicServerError = (status: 500 | 502 | 503 = 500): ApiError =>
  anthropicError(status, 'api_error', 'Internal server error');

/** What Anthropic answers an account without credit: a 400, not a 429. */
export const anthropicCreditTooLow = (): ApiError =>
  anthropicInvalidRequest(
    'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  );

/** The versions the API's versioning page lists. */
export const ANTHROPIC_VERSIONS: readonly string[] = ['2023-06-01', '2023-01-01'];

/** `x-api-key` must be the key and `anthropic-version` a known version, on every route. */
export function authenticateAnthropic(req: IncomingMessage, apiKey: string): void {
  const key = req.headers['x-api-key'];
  if (key === undefined || key === '')
    throw anthropicError(401, 'authentication_error', 'x-api-key header is required');
  if (key !== apiKey) throw anthropicError(401, 'authentication_error', 'invalid x-api-key');
  const version = req.headers['anthropic-version'];
  if (version === undefined || version === '')
    throw anthropicInvalidRequest('anthropic-version: header is required');
  if (typeof version !== 'string' || !ANTHROPIC_VERSIONS.includes(version))
    throw anthropicInvalidRequest(`anthropic-version: invalid version '${String(version)}'`);
}

// ---------------------------------------------------------------------------------------------
// Ids, shaped like Anthropic's (`msgbatch_01…`, `msg_01…`, `req_01…`): derived from the seed.

const Salt = { Batch: 11, HttpRequest: 12, Message: 13, Shuffle: 14, Tokens: 15 } as const;

export const messageBatchId = (seed: number, seq: number): string =>
  `msgbatch_01${alnumFrom(22, seed, Salt.Batch, seq)}`;

/** The `request-id` header of an HTTP response. */
export const anthropicRequestId = (seed: number, seq: number): string =>
  `req_01${alnumFrom(22, seed, Salt.HttpRequest, seq)}`;

const DAY_MS = 24 * 60 * 60 * 1000;
/** `archived_at`: results are served for 29 days after creation. */
export const ARCHIVE_AFTER_MS = 29 * DAY_MS;
/** A batch's requests, at most (the guide: 100,000 requests or 256 MB). */
const MAX_REQUESTS = 100_000;
/** Requests in flight when a cancel arrives that still finish: two answer slots' worth of drain. */
const IN_FLIGHT = 2;
const DEFAULT_MODEL = 'claude-sonnet-4-5';
const MAX_OUTPUT_TOKENS = 64_000;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

const iso = (ms: number): string => new Date(ms).toISOString();

interface ErrorObject {
  type: AnthropicErrorType;
  message: string;
}

/** The requests of a batch created through the API, with what each errored request answers. */
class MessageRequests implements RequestSet {
  readonly endpoint = '/v1/messages';
  readonly fixedWidth = false;
  readonly total: number;
  readonly model: string;
  private readonly prefix: Uint32Array;

  constructor(
    private readonly items: readonly { customId: string; model: string; error: ErrorObject | null }[],
  ) {
    this.total = items.length;
    this.model = items[0]?.model ?? DEFAULT_MODEL;
    this.prefix = new Uint32Array(items.length + 1);
    items.forEach((item, i) => {
      this.prefix[i + 1] = (this.prefix[i] ?? 0) + (item.error ? 1 : 0);
    });
  }

  customId(index: number): string {
    return this.items[index]?.customId ?? `request-${index}`;
  }

  modelOf(index: number): string {
    return this.items[index]?.model ?? this.model;
  }

  fails(index: number): boolean {
    return (this.items[index]?.error ?? null) !== null;
  }

  failuresBefore(count: number): number {
    return this.prefix[Math.min(Math.max(0, count), this.total)] ?? 0;
  }

  failureMessage(index = 0): { message: string; param: string | null; code: string | null } {
    return { message: this.errorOf(index).message, param: null, code: null };
  }

  errorOf(index: number): ErrorObject {
    return this.items[index]?.error ?? tooManyTokens(this.modelOf(index), 100_000);
  }
}

function tooManyTokens(model: string, maxTokens: number): ErrorObject {
  return {
    type: 'invalid_request_error',
    message: `max_tokens: ${maxTokens} > ${MAX_OUTPUT_TOKENS}, which is the maximum allowed number of output tokens for ${model}`,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates a create body. Malformed requests (no `custom_id` of the documented pattern, a
 * duplicate one, no `params` or no `model`/`max_tokens`/`messages`, `stream: true`) refuse the
 * whole batch with a 400; requests that are well formed but cannot run (a model this simulator
 * does not know, i.e. not `claude-…`; `max_tokens` above 64,000) become `errored` results, as on
 * the real API, whose results carry such errors per request.
 */
function parseRequests(body: Record<string, unknown>): MessageRequests {
  const requests = body.requests;
  if (requests === undefined) throw anthropicInvalidRequest('requests: Field required');
  if (!Array.isArray(requests)) throw anthropicInvalidRequest('requests: Input should be a valid list');
  if (requests.length === 0)
    throw anthropicInvalidRequest('requests: List should have at least 1 item after validation, not 0');
  if (requests.length > MAX_REQUESTS)
    throw anthropicInvalidRequest(
      `requests: List should have at most ${MAX_REQUESTS} items after validation, not ${requests.length}`,
    );
  const seen = new Set<string>();
  const items = requests.map((request: unknown, i) => {
    const at = `requests.${i}`;
    if (!isRecord(request)) throw anthropicInvalidRequest(`${at}: Input should be a valid dictionary`);
    const customId = request.custom_id;
    if (typeof customId !== 'string') throw anthropicInvalidRequest(`${at}.custom_id: Field required`);
    if (!CUSTOM_ID.test(customId))
      throw anthropicInvalidRequest(`${at}.custom_id: String should match pattern '${CUSTOM_ID.source}'`);
    if (seen.has(customId))
      throw anthropicInvalidRequest(`${at}.custom_id: custom_id '${customId}' is not unique in this batch`);
    seen.add(customId);
    const params = request.params;
    if (!isRecord(params)) throw anthropicInvalidRequest(`${at}.params: Field required`);
    const { model, max_tokens: maxTokens, messages } = params;
    if (typeof model !== 'string') throw anthropicInvalidRequest(`${at}.params.model: Field required`);
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)
      throw anthropicInvalidRequest(`${at}.params.max_tokens: Input should be an integer of at least 1`);
    if (!Array.isArray(messages)) throw anthropicInvalidRequest(`${at}.params.messages: Field required`);
    if (params.stream === true)
      throw anthropicInvalidRequest(`${at}.params.stream: streaming is not supported in Message Batches`);
    let error: ErrorObject | null = null;
    if (!model.startsWith('claude-')) error = { type: 'not_found_error', message: `model: ${model}` };
    else if (maxTokens > MAX_OUTPUT_TOKENS) error = tooManyTokens(model, maxTokens);
    return { customId, model, error };
  });
  return new MessageRequests(items);
}

async function jsonBody(ctx: HandlerContext): Promise<Record<string, unknown>> {
  try {
    return await openAiJsonBody(ctx);
  } catch {
    throw anthropicInvalidRequest('There was an issue with the format of your request: invalid JSON body');
  }
}

/** `limit`: "Defaults to 20. Ranges from 1 to 1000." */
function listLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return 20;
  const limit = Number(raw);
  if (!Number.isInteger(limit)) throw anthropicInvalidRequest('limit: Input should be a valid integer');
  if (limit < 1) throw anthropicInvalidRequest('limit: Input should be greater than or equal to 1');
  if (limit > 1000) throw anthropicInvalidRequest('limit: Input should be less than or equal to 1000');
  return limit;
}

interface Entry {
  readonly record: BatchRecord;
  deleted: boolean;
}

/** Anthropic's list page: no `object`, cursors by id both ways. */
export interface MessageBatchPage {
  data: AnthropicMessageBatch[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

export class MessageBatchRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Oldest first; listing walks it backwards ("most recently created batches are returned first"). */
  private readonly order: Entry[] = [];
  private readonly timing: SimulatorTiming;
  /** Scheme, host and port, for `results_url`; set once the server listens. */
  origin = '';

  constructor(
    private readonly seed: number,
    private readonly clock: () => number,
    timing: SimulatorTiming,
  ) {
    // "Once a Message Batch is created, it begins processing immediately": no validating or
    // finalizing phase; and the 24 h window is the API's own.
    this.timing = { ...timing, validatingMs: 0, finalizingMs: 0 };
  }

  private identity(requests: RequestSet, drainMs: number, delayMs: number, id?: string): RecordIdentity {
    const seq = this.order.length + 1;
    let fresh = id ?? messageBatchId(this.seed, seq);
    // A batch seeded under a chosen id may hold the seed's id for `seq`: vary the hash's high part.
    for (let round = 1; id === undefined && this.entries.has(fresh); round++) {
      fresh = messageBatchId(this.seed, seq + round * 0x1_0000_0000);
    }
    return {
      seq,
      id: fresh,
      key: hash32(this.seed, seq, 0xa17c),
      endpoint: '/v1/messages',
      inputFileId: '',
      metadata: null,
      requests,
      lineBytes: 0,
      cancelDelayMs: delayMs,
      cancelDrainMs: Math.min(drainMs, delayMs),
    };
  }

  private register(record: BatchRecord): AnthropicMessageBatch {
    const entry = { record, deleted: false };
    this.entries.set(record.id, entry);
    this.order.push(entry);
    return this.render(record);
  }

  create(requests: MessageRequests): AnthropicMessageBatch {
    const identity = this.identity(requests, IN_FLIGHT * this.timing.perRequestMs, this.timing.cancelDelayMs);
    return this.register(createdRecord(identity, this.timing, this.clock(), null));
  }

  seedBatch(spec: SeedBatchSpec): AnthropicMessageBatch {
    if (spec.id !== undefined && this.entries.has(spec.id)) {
      throw new Error(`seedMessageBatch: a batch with id '${spec.id}' already exists`);
    }
    const status = seedStatus(spec);
    const seq = this.order.length + 1;
    const requests = new GeneratedRequests(
      spec.requests,
      '/v1/messages',
      spec.failedFraction ?? 0.1,
      hash32(this.seed, seq, 0xfa11),
      {
        models: spec.content?.models?.length ? spec.content.models : [DEFAULT_MODEL],
        duplicateIds: spec.content?.duplicateIds ?? 0,
      },
    );
    const delay = spec.cancelDelayMs ?? this.timing.cancelDelayMs;
    const identity = this.identity(requests, spec.cancelDrainMs ?? 0, delay, spec.id);
    const fraction = spec.completedFraction ?? 0.5;
    const shape: SeedShape = {
      status,
      processed: Math.round(fraction * spec.requests),
      createdAt: spec.createdAt === undefined ? undefined : spec.createdAt * 1000,
    };
    return this.register(seededRecord(identity, this.timing, this.clock(), shape, []));
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry || entry.deleted)
      throw anthropicNotFound(`message_batch_id: no Message Batch found with id '${id}'`);
    return entry;
  }

  find(id: string): AnthropicMessageBatch | undefined {
    const entry = this.entries.get(id);
    return entry && !entry.deleted ? this.render(entry.record) : undefined;
  }

  view(id: string): AnthropicMessageBatch {
    return this.render(this.entry(id).record);
  }

  list(query: URLSearchParams): MessageBatchPage {
    const limit = listLimit(query);
    const before = query.get('before_id');
    const after = query.get('after_id');
    if (before !== null && after !== null)
      throw anthropicInvalidRequest('Only one of before_id and after_id may be given');
    const newestFirst = this.order.filter((e) => !e.deleted).reverse();
    let page: Entry[];
    let more: boolean;
    if (before !== null) {
      // "The page of results immediately before this object": the newer ones, nearest first kept.
      const at = newestFirst.findIndex((e) => e.record.id === before);
      const start = Math.max(0, at - limit);
      page = at < 0 ? [] : newestFirst.slice(start, at);
      more = at > 0 && start > 0;
    } else {
      const at = after === null ? 0 : newestFirst.findIndex((e) => e.record.id === after) + 1;
      page = after !== null && at === 0 ? [] : newestFirst.slice(at, at + limit);
      more = page.length > 0 && at + page.length < newestFirst.length;
    }
    const data = page.map((e) => this.render(e.record));
    return {
      data,
      has_more: more,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
    };
  }

  /**
   * "Batches may be canceled any time before processing ends." The reference gives no status for a
   * cancel after the end beyond its generic 4XX error response; this answers 400
   * `invalid_request_error`, the errors page's type for "an issue with the format or content of
   * your request" (also used "for other 4XX status codes"). A cancel while `canceling` returns the
   * batch unchanged, like OpenAI mode's repeated cancel.
   */
  cancel(id: string): AnthropicMessageBatch {
    const { record } = this.entry(id);
    const now = this.clock();
    const state = evaluate(record, now);
    if (state.status === 'cancelling') return this.render(record);
    if (!isCancellable(state.status)) {
      throw anthropicInvalidRequest(
        `Message Batch ${id} has already ended (processing_status: ended) and can no longer be canceled`,
      );
    }
    record.cancellingAt = now;
    return this.render(record);
  }

  /** "Message Batches can only be deleted once they've finished processing." */
  delete(id: string): { id: string; type: 'message_batch_deleted' } {
    const entry = this.entry(id);
    if (!ended(evaluate(entry.record, this.clock()))) {
      throw anthropicInvalidRequest(
        `Message Batch ${id} is still being processed; cancel it and wait for it to end before deleting it`,
      );
    }
    entry.deleted = true;
    return { id, type: 'message_batch_deleted' };
  }

  /** The JSONL results of an ended, unarchived batch. */
  results(id: string): { plan: FilePlan; bytes: number; key: number } {
    const { record } = this.entry(id);
    const now = this.clock();
    const state = evaluate(record, now);
    if (!ended(state)) {
      throw anthropicInvalidRequest(
        `Message Batch ${id} has not yet ended (processing_status: ${processingStatus(state)}); its results are not available yet`,
      );
    }
    if (now >= record.createdAt + ARCHIVE_AFTER_MS) {
      throw anthropicNotFound(`Message Batch ${id} has been archived; its results are no longer available`);
    }
    const lines = resultLines(record, state);
    let bytes = 0;
    for (const line of lines) bytes += Buffer.byteLength(line, 'utf8') + 1;
    return {
      plan: { lines: lines.length, bytes, corruptible: true, render: () => lines },
      bytes,
      key: record.key,
    };
  }

  render(record: BatchRecord): AnthropicMessageBatch {
    const now = this.clock();
    const state = evaluate(record, now);
    const total = record.requests.total;
    const done = ended(state);
    const unprocessed = total - state.processed;
    const endedAt = state.completedAt ?? state.cancelledAt ?? state.expiredAt;
    const archiveAt = record.createdAt + ARCHIVE_AFTER_MS;
    return {
      id: record.id,
      type: 'message_batch',
      processing_status: processingStatus(state),
      request_counts: done
        ? {
            processing: 0,
            succeeded: state.succeeded,
            errored: state.failed,
            canceled: state.status === 'cancelled' ? unprocessed : 0,
            expired: state.status === 'expired' ? unprocessed : 0,
          }
        : { processing: total, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      ended_at: done && endedAt !== null ? iso(endedAt) : null,
      created_at: iso(record.createdAt),
      expires_at: iso(record.expiresAt),
      cancel_initiated_at: record.cancellingAt === null ? null : iso(record.cancellingAt),
      archived_at: now >= archiveAt ? iso(archiveAt) : null,
      results_url: done
        ? `${this.origin}/v1/messages/batches/${encodeURIComponent(record.id)}/results`
        : null,
    };
  }
}

const ended = (state: BatchState): boolean =>
  state.status === 'completed' || state.status === 'cancelled' || state.status === 'expired';

function processingStatus(state: BatchState): AnthropicProcessingStatus {
  if (ended(state)) return 'ended';
  return state.status === 'cancelling' ? 'canceling' : 'in_progress';
}

/** The OpenAI-mode status a seed spec stands for (see `BatchSimulator.seedMessageBatch`). */
function seedStatus(spec: SeedBatchSpec): BatchStatus {
  switch (spec.status) {
    case 'failed':
      throw new RangeError(
        "seedMessageBatch: a Message Batch cannot be 'failed'; it ends with errored requests instead",
      );
    case 'canceling':
      return 'cancelling';
    case 'ended':
      return (spec.completedFraction ?? 0.5) >= 1 ? 'completed' : 'cancelled';
    // No validating or finalizing phase here: both are still processing.
    case 'validating':
    case 'finalizing':
      return 'in_progress';
    default:
      return spec.status;
  }
}

/** Every request's result line, shuffled by a seeded key ("not guaranteed to be in the same order"). */
function resultLines(record: BatchRecord, state: BatchState): string[] {
  const total = record.requests.total;
  const unprocessed = state.status === 'expired' ? 'expired' : 'canceled';
  const order = Array.from({ length: total }, (_, i) => i);
  const rank = order.map((i) => hash32(record.key, i, Salt.Shuffle));
  order.sort((a, b) => (rank[a] ?? 0) - (rank[b] ?? 0) || a - b);
  return order.map((i) => {
    const customId = record.requests.customId(i);
    let result: unknown;
    if (i >= state.processed) result = { type: unprocessed };
    else if (record.requests.fails(i)) result = { type: 'errored', error: errorResponse(record.requests, i) };
    else result = { type: 'succeeded', message: message(record, i) };
    return JSON.stringify({ custom_id: customId, result });
  });
}

/** An errored result's `error` is a whole ErrorResponse, hence the nested `error.error`. */
function errorResponse(requests: RequestSet, index: number): unknown {
  const error =
    requests instanceof MessageRequests
      ? requests.errorOf(index)
      : tooManyTokens(requests.modelOf(index), 100_000);
  return { type: 'error', error, request_id: null };
}

function message(record: BatchRecord, index: number): unknown {
  const [a = 0, b = 0, c = 0, d = 0, e = 0] = lineHashes(hash32(record.key, Salt.Message), index, 5);
  const [inputHash = 0, outputHash = 0] = lineHashes(hash32(record.key, Salt.Tokens), index, 2);
  const customId = record.requests.customId(index);
  return {
    id: `msg_01${alnumOf([a, b, c, d, e], 22)}`,
    type: 'message',
    role: 'assistant',
    model: record.requests.modelOf(index),
    content: [{ type: 'text', text: `Simulated answer to ${customId}.` }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 10 + (inputHash % 90),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 5 + (outputHash % 50),
      service_tier: 'batch',
    },
  };
}

const json = (body: unknown): { kind: 'json'; status: number; body: unknown } => ({
  kind: 'json',
  status: 200,
  body,
});
const param = (ctx: HandlerContext): string => ctx.params[0] ?? '';

export function createAnthropicHandlers(batches: MessageBatchRegistry): Partial<Record<RouteName, Handler>> {
  return {
    'messages_batches.create': async (ctx) => json(batches.create(parseRequests(await jsonBody(ctx)))),
    'messages_batches.list': async (ctx) => json(batches.list(ctx.query)),
    'messages_batches.retrieve': async (ctx) => json(batches.view(param(ctx))),
    'messages_batches.cancel': async (ctx) => json(batches.cancel(param(ctx))),
    'messages_batches.delete': async (ctx) => json(batches.delete(param(ctx))),
    'messages_batches.results': async (ctx) => {
      const { plan, bytes, key } = batches.results(param(ctx));
      return { kind: 'stream', plan, bytes, key, contentType: 'application/binary' };
    },
  };
}
