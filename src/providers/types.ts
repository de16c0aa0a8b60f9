/**
 * The port: what the activities ask of a batch API, and what each provider folder implements
 * (src/providers/openai/ is the first). The activities never see an SDK, a route or an error class
 * of the API behind it: they get snapshots, byte streams, classified result lines and Temporal
 * failures of the product's own types.
 */
import type { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { BatchOutcome, BatchPhase, BatchSnapshot, TokenCounts } from '../contract/batch-snapshot';
import type { AccountSpec } from './accounts/spec';

/** What a provider needs to turn an error into a failure that says what to do next. */
export interface ErrorContext {
  /** What was being done, e.g. "cancel batch batch_abc". */
  action: string;
  /**
   * The activity attempt that failed (1 is the first): an error that retrying is not known to fix
   * is final after a few. `null` where attempts are polls (the wait, whose retry policy is its
   * poll schedule) and outside activities: such an error then stays retryable, and the caller's
   * own bound ends it (the wait's `maxWait`). `classifyApiError` fills in the activity's attempt
   * when this is left out.
   */
  attempt?: number | null;
  /** The account the call was made for, when not the default: messages then name its key. */
  account?: string;
}

/** A file's bytes as served, with what is needed to notice a body cut short. */
export interface FileContent {
  body: AsyncIterable<Uint8Array>;
  /**
   * The byte count to expect, only when it counts the bytes read: with `Content-Encoding: gzip`
   * (or br) the bytes are decoded while Content-Length counts the encoded ones. A cut compressed
   * body fails in the decoder instead.
   */
  expectedBytes: number | undefined;
  /** The encoding as served, or null for identity. */
  encoding: string | null;
}

/** One batch of a listing page. */
export interface ListedBatch {
  id: string;
  /** The provider's own status word. */
  status: string;
  phase: BatchPhase;
  outcome: BatchOutcome | null;
  /** Epoch seconds. */
  createdAt: number;
  metadata: Record<string, string> | null;
}

/** One page of a listing, newest first. */
export interface ListedPage {
  batches: ListedBatch[];
  hasMore: boolean;
}

/**
 * What a result line means for its request. succeeded: never resubmit. permanent: it will fail
 * again as sent (failed-permanent.jsonl). retriable: it did not run, or failed in a way that heals
 * (remaining.jsonl).
 */
export type ResultDisposition = 'succeeded' | 'permanent' | 'retriable';

/** One well-formed result line, classified by the provider that wrote it. */
export interface ClassifiedResult {
  customId: string;
  disposition: ResultDisposition;
  /** Why it did not succeed (the API's error code, or `http_<status>`); null when it succeeded. */
  failureCode: string | null;
  /** The model that answered a successful request, when the answer names one. */
  model: string | null;
  /** Tokens a successful request used; null when it did not succeed. */
  tokens: TokenCounts | null;
}

/** What a damaged result line still says: `unresolved` when its outcome cannot be read. */
export interface RecoveredResult {
  customId: string;
  disposition: ResultDisposition | 'unresolved';
}

/** A batch API, as the activities use it. Every call may throw; `classifyError` types what it threw. */
export interface BatchProvider {
  /** Short and stable, e.g. `openai`: it names the provider in logs and summaries. */
  readonly name: string;
  /** Reads the batch now. */
  retrieve(batchId: string, signal?: AbortSignal): Promise<BatchSnapshot>;
  /**
   * Asks for the batch's cancellation and returns the batch as the answer describes it, or null
   * when the API says the batch is already finished (nothing to cancel: the next read tells how).
   * Asking twice is safe.
   */
  cancel(batchId: string, signal?: AbortSignal): Promise<BatchSnapshot | null>;
  /** One page of the account's batches, newest first, after the batch id `after`. */
  listPage(page: { limit: number; after: string | null }, signal?: AbortSignal): Promise<ListedPage>;
  /** A result or input file's bytes, streamed. */
  openFile(fileId: string, signal: AbortSignal): Promise<FileContent>;
  /** Deletes a file; a file already gone is `missing`, not an error. */
  deleteFile(fileId: string, signal?: AbortSignal): Promise<'deleted' | 'missing'>;
  /** True when the error says the batch or file does not exist (for this account). */
  isNotFound(err: unknown): boolean;
  /** The error as a failure of the product's failure types, saying what to check. */
  classifyError(err: unknown, ctx: ErrorContext): ApplicationFailure;
  /** Validates one parsed result line and classifies it. */
  readonly resultLine: z.ZodType<ClassifiedResult>;
  /** Validates one parsed input line and gives its custom_id. */
  readonly inputLine: z.ZodType<{ customId: string }>;
  /** What a result line that failed validation still says, read from its raw bytes. */
  recoverResult(raw: Buffer): RecoveredResult | undefined;
  /** The custom_id written in a raw (damaged or oversized) line, if it can be read. */
  recoverCustomId(raw: Buffer): string | undefined;
  /** How to submit new batches (resubmission); absent for an API this product cannot submit to. */
  readonly submitter?: BatchSubmitter;
  /** Refuses an id this API could not have issued; its message says what one looks like. */
  readonly batchId: z.ZodType<string>;
}

/**
 * What a resubmission asks of a batch API, outside Temporal: each call throws an error that says
 * what to do next (OpenAI: `OpenAICallError`, with `retryable`).
 */
export interface BatchSubmitter {
  /** The batch's endpoint and completion window as it was created (null where it has none). */
  describe(batchId: string): Promise<{ endpoint: string | null; completionWindow: string | null }>;
  /** The batches whose metadata has `key` = `value`, newest first. */
  findByMetadata(
    key: string,
    value: string,
  ): Promise<{ id: string; metadata: Record<string, string> | null }[]>;
  /** Uploads the JSONL file at `path` (named `name`) and creates a batch of it; returns its id. */
  submit(req: {
    path: string;
    name: string;
    endpoint: string;
    completionWindow: string;
    metadata: Record<string, string>;
  }): Promise<string>;
}

/** What registers a batch API with the product. */
export interface ProviderDefinition {
  /** Short and stable (`openai`): BATCH_PROVIDER names it. */
  readonly name: string;
  /** Refuses an id this API could not have issued, before any call; its message says what one looks like. */
  readonly batchId: z.ZodType<string>;
  /**
   * The provider serving `account`, from the provider's own variables of `env` (validated: a
   * ConfigError names each bad one).
   */
  fromEnv(env: Readonly<Record<string, string | undefined>>, account: string): BatchProvider;
  /**
   * What one of the API's status words means (for readers that only have the word, such as a
   * search attribute); undefined for a word it does not use.
   */
  meaningOf(status: string): { phase: BatchPhase; outcome: BatchOutcome | null } | undefined;
  /** How the API's webhooks are verified; absent for an API that sends none. */
  readonly webhooks?: WebhookSupport;
  /**
   * Reads one table of an accounts file (`[accounts.<name>]` naming this provider), validated
   * with the provider's own schema (a ConfigError names each bad field); absent for a provider
   * that cannot be an account of the file.
   */
  account?(table: unknown, name: string): AccountSpec;
}

/** A verified batch event: which batch, and the terminal outcome it announces. */
export interface ProviderEvent {
  /** The same event delivered twice carries the same id. */
  eventId: string;
  /** The provider's word for it (OpenAI: `batch.cancelled`). */
  type: string;
  batchId: string;
  outcome: BatchOutcome;
}

/** A webhook delivery, verified: a batch event, a genuine event not about a batch (null), or refused. */
export type WebhookDelivery =
  { ok: true; event: ProviderEvent | null } | { ok: false; reason: string; deliveryId: string | null };

/** A batch API's webhooks. */
export interface WebhookSupport {
  /** Why `secret` cannot be the API's signing secret (checked at start), or undefined. */
  secretProblem(secret: string): string | undefined;
  /** A verifier for one endpoint's secret: the raw body exactly as received, and the headers. */
  verifier(secret: string): (body: string, headers: Headers) => Promise<WebhookDelivery>;
}
