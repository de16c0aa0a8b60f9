/** Public types of the Batch API simulator. Others code against these names: change them with care. */
import { type Batch, type BatchStatus } from '../../src/providers/openai/schemas';
import type {
  ManualWebhook,
  WebhookDelivery,
  WebhookFaults,
  WebhookOptions,
  WebhookSenderStats,
} from './webhooks';

export const ROUTE_NAMES = [
  'files.create',
  'files.retrieve',
  'files.content',
  'files.delete',
  'batches.create',
  'batches.retrieve',
  'batches.list',
  'batches.cancel',
  // Appended, not sorted: a route's index seeds its random faults.
  'files.list',
  // Anthropic mode's Message Batches routes (`anthropic: true`).
  'messages_batches.create',
  'messages_batches.list',
  'messages_batches.retrieve',
  'messages_batches.cancel',
  'messages_batches.results',
  'messages_batches.delete',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

export const FAULT_KINDS = [
  'server_error',
  'rate_limit',
  'latency',
  'reset',
  'cut_body',
  'malformed_line',
  'quota_exceeded',
  'malformed_body',
  'content_encoding',
  'overloaded',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault forced onto the next call(s) of one route; it wins over the random {@link FaultPlan}. */
export type ScriptedFault =
  | { kind: 'server_error'; status?: 500 | 502 | 503 }
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  | { kind: 'latency'; ms: number }
  /** Destroy the socket without a response. */
  | { kind: 'reset' }
  /** `files.content` only: send the headers and `afterBytes` of the body, then destroy the socket. */
  | { kind: 'cut_body'; afterBytes: number }
  /** A 429 with code `insufficient_quota`: the account is out of credit, retrying cannot help. */
  | { kind: 'quota_exceeded' }
  /**
   * Not `files.content`: a 200 whose body is not the API's object, as a misconfigured proxy or base
   * URL answers: an HTML page (`text/html`) or a JSON string (`application/json`).
   */
  | { kind: 'malformed_body'; shape: MalformedBodyShape }
  /**
   * `files.content` only: serve the body compressed (`Content-Encoding: gzip` or `br`, with the
   * compressed Content-Length), as a proxy or CDN may. `afterBytes` also cuts the compressed body.
   */
  | { kind: 'content_encoding'; encoding: ContentEncoding; afterBytes?: number }
  /** Anthropic mode only: a 529 `overloaded_error`, Anthropic's "the API is temporarily overloaded". */
  | { kind: 'overloaded' };

/** The routes that stream a body (and so take `cut_body` and `content_encoding`). */
export const STREAMING_ROUTES: readonly RouteName[] = ['files.content', 'messages_batches.results'];

export const MALFORMED_BODY_SHAPES = ['html', 'json-string'] as const;
export type MalformedBodyShape = (typeof MALFORMED_BODY_SHAPES)[number];

export type ContentEncoding = 'gzip' | 'br';

/** Random faults of one route; every rate is a probability in [0, 1] drawn from the seeded PRNG. */
export interface RouteFaults {
  serverErrorRate?: number;
  rateLimitRate?: number;
  /** Retry-After of random 429s. @default 1 */
  retryAfterSeconds?: number;
  /** Added to every response of the route. */
  latencyMs?: number;
  resetRate?: number;
  /** `files.content` and `messages_batches.results` only. */
  cutBodyRate?: number;
  /** Anthropic mode only: 529 `overloaded_error`. */
  overloadedRate?: number;
}

export interface FaultPlan {
  /** Per route; `'*'` applies to every route, and a route's own entry overrides it field by field. */
  routes?: Partial<Record<RouteName | '*', RouteFaults>>;
  /** Fraction of result-file lines (output and error files) served as invalid JSON, chosen by seed. */
  malformedLineRate?: number;
  /** Serve every `files.content` body compressed with this encoding (buffers the body: test sizes). */
  contentEncoding?: ContentEncoding;
}

export interface SimulatorTiming {
  /** validating → in_progress. @default 1000 */
  validatingMs: number;
  /** While in_progress one request completes every `perRequestMs`. @default 50 */
  perRequestMs: number;
  /** finalizing → completed. @default 1000 */
  finalizingMs: number;
  /** cancelling → cancelled; the real service takes about ten minutes. @default 600_000 */
  cancelDelayMs: number;
  /** expires_at = created_at + this. @default 24h */
  completionWindowMs: number;
}

export interface SimulatorOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /**
   * The only Bearer token accepted; in Azure mode the only `api-key`, and the only Entra ID bearer
   * token (a real one cannot be checked here, so tests send this string). @default 'sk-simulator'
   */
  apiKey?: string;
  /**
   * Milliseconds since the epoch. Batch state is evaluated lazily from this clock on every access
   * (no background timers), so a test drives time by changing what it returns. @default Date.now
   */
  clock?: () => number;
  timing?: Partial<SimulatorTiming>;
  /** Makes ids, fault injection and which requests fail deterministic. @default 1 */
  seed?: number;
  faults?: FaultPlan;
  /**
   * Send signed `batch.*` webhook events on every terminal transition. Not with `azure`: Azure
   * OpenAI sends no batch webhooks. @default none
   */
  webhooks?: WebhookOptions;
  /**
   * Speak Azure OpenAI instead of OpenAI: the same batches and files under `/openai/…?api-version=`
   * (classic surface) and `/openai/v1/…` (v1 surface), `api-key` or Entra ID bearer
   * authentication, Azure's gateway errors, and an empty error file on a batch completed without
   * failures. `/v1/…` at the root is then 404, as on an Azure resource. @default false
   */
  azure?: boolean | AzureOptions;
  /**
   * Speak Anthropic's Message Batches API instead of OpenAI's Batch API: `/v1/messages/batches…`
   * with `x-api-key` and `anthropic-version` headers, Anthropic's error shape and `request-id`
   * header, RFC 3339 timestamps and a JSONL results stream. The OpenAI routes are then 404. Not with
   * `azure` or `webhooks`. @default false
   */
  anthropic?: boolean;
}

export interface AzureOptions {
  /**
   * The classic surface's accepted `api-version` values; another is a 400 "API version not
   * supported". @default any dated version (`2024-10-21`, `2025-03-01-preview`)
   */
  apiVersions?: string[];
}

export interface SeedBatchSpec {
  /**
   * The batch's id, e.g. to put one id on several simulators; an id already present is refused.
   * @default derived from the seed
   */
  id?: string;
  /**
   * Any status; timestamps are set consistently for it, ending at the current clock. Anthropic mode
   * (`seedMessageBatch`) also takes its own `in_progress`, `canceling` and `ended` (see there).
   */
  status: BatchStatus | AnthropicProcessingStatus;
  /** Number of requests in the generated input file. */
  requests: number;
  /** Fraction already processed (in_progress, cancelling, cancelled, expired). @default 0.5 */
  completedFraction?: number;
  /** Of processed requests, the fraction answered with an HTTP 400 error. @default 0.1 */
  failedFraction?: number;
  /** Overrides `timing.cancelDelayMs` for this batch. */
  cancelDelayMs?: number;
  /**
   * Requests in flight when the cancel arrives keep being answered (one per `perRequestMs`) for
   * this long into `cancelling`, as on the real API; counts then stop. @default 0
   */
  cancelDrainMs?: number;
  /** Unix seconds. @default derived from the clock */
  createdAt?: number;
  metadata?: Record<string, string>;
  /** Approximate bytes per output line (the answer text is padded). @default 300 */
  lineBytes?: number;
  /** @default '/v1/chat/completions' */
  endpoint?: string;
  /** What the lines say, beyond the defaults (for salvage-report tests). */
  content?: SeedContent;
}

/** Optional content of a seeded batch's files and object. */
/** A Message Batch's `processing_status` (Anthropic mode). */
export type AnthropicProcessingStatus = 'in_progress' | 'canceling' | 'ended';

/** Anthropic's Message Batch object, as Anthropic mode serves it. */
export interface AnthropicMessageBatch {
  id: string;
  type: 'message_batch';
  processing_status: AnthropicProcessingStatus;
  request_counts: {
    processing: number;
    succeeded: number;
    errored: number;
    canceled: number;
    expired: number;
  };
  /** RFC 3339; null until processing ends. */
  ended_at: string | null;
  created_at: string;
  expires_at: string;
  cancel_initiated_at: string | null;
  /** Reached 29 days after creation, when the results stop being served. */
  archived_at: string | null;
  /** Absolute URL of `GET /v1/messages/batches/{id}/results` on this simulator, once ended. */
  results_url: string | null;
}

export interface SeedContent {
  /** Request `i` names model `models[i % length]` (input body and answer). @default the endpoint's model */
  models?: string[];
  /**
   * Usage with `prompt_tokens_details.cached_tokens` and `completion_tokens_details.reasoning_tokens`
   * (responses API: `input_tokens_details` / `output_tokens_details`). @default false
   */
  detailedUsage?: boolean;
  /** The batch object carries `usage`, the sum over answered requests (batches after 2025-09-07). @default false */
  reportUsage?: boolean;
  /** The last `duplicateIds` input lines reuse the custom_ids of the first ones. @default 0 */
  duplicateIds?: number;
  /** The output file ends with this many answers whose custom_id is in no input line. @default 0 */
  strayResults?: number;
}

export interface SimulatorStats {
  requests: Record<RouteName, number>;
  faultsInjected: Record<FaultKind, number>;
}

export interface ExpectedFile {
  lines: number;
  bytes: number;
  sha256: string;
}

export interface BatchSimulator {
  /**
   * Base URL for the SDK's `baseURL`: `http://127.0.0.1:12345/v1`; in Azure mode the v1 surface,
   * `http://127.0.0.1:12345/openai/v1` (the key then goes as a bearer token or `api-key`); in
   * Anthropic mode the origin, `http://127.0.0.1:12345`, as `@anthropic-ai/sdk` appends `/v1/…`.
   */
  readonly url: string;
  /**
   * Scheme, host and port only, e.g. `http://127.0.0.1:12345`: the `endpoint` of the SDK's
   * `AzureOpenAI`, which appends `/openai` itself. The same in both modes.
   */
  readonly endpoint: string;
  readonly port: number;
  readonly apiKey: string;
  /** Closes the server and every open socket. */
  close(): Promise<void>;
  /** Creates a batch directly in any state and returns it as the API would (not in Anthropic mode). */
  seedBatch(spec: SeedBatchSpec): Batch;
  /**
   * Anthropic mode: creates a Message Batch in any state. `in_progress` and `canceling` are as
   * named; `ended` is a batch cancelled after `completedFraction` of its requests (succeeded or
   * errored per `failedFraction`, the rest canceled), or wholly processed at `completedFraction: 1`.
   * OpenAI statuses map onto Anthropic's: `validating`/`finalizing` → in_progress, `cancelling` →
   * canceling, `completed`/`cancelled`/`expired` → ended with those counts; `failed` is refused.
   * Of the spec, `endpoint`, `lineBytes`, `metadata` and `content` beyond `models` and
   * `duplicateIds` do not apply (a Message Batch has none of them). The default model is
   * `claude-sonnet-4-5`.
   */
  seedMessageBatch(spec: SeedBatchSpec): AnthropicMessageBatch;
  /** Anthropic mode: the Message Batch as the API would return it now, or undefined. */
  getMessageBatch(id: string): AnthropicMessageBatch | undefined;
  /** The batch as the API would return it now, or undefined for an unknown id. */
  getBatch(id: string): Batch | undefined;
  /** Replaces the fault plan. */
  setFaults(plan: FaultPlan): void;
  /** The next `times` (default 1) calls of `route` get `fault`. */
  injectFault(route: RouteName, fault: ScriptedFault, times?: number): void;
  stats(): SimulatorStats;
  /** Sends one webhook event now (needs `webhooks` in the options), e.g. a stale replay or a forgery. */
  sendWebhook(event: ManualWebhook): Promise<WebhookDelivery>;
  /** Replaces the webhook fault plan (needs `webhooks` in the options). */
  setWebhookFaults(faults: WebhookFaults): void;
  /** What the webhook sender did (empty without `webhooks`). */
  webhookStats(): WebhookSenderStats;
  /** What `GET /v1/files/{id}/content` serves (without transport faults), computed by streaming. */
  expectedFile(fileId: string): Promise<ExpectedFile>;
}
