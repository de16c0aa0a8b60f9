/**
 * The requests of one batch: how many, their custom ids, and which of them the "model" answers with
 * an HTTP error. Seeded batches generate all of it from arithmetic so a million requests cost
 * nothing to hold; uploaded batches keep what was parsed from their (small) input file.
 */

export interface RequestSet {
  readonly total: number;
  readonly endpoint: string;
  readonly model: string;
  /** Every custom id has the same length, so every line of one kind has the same length. */
  readonly fixedWidth: boolean;
  customId(index: number): string;
  /** The model request `index` names. */
  modelOf(index: number): string;
  /** Whether request `index` ends with an HTTP error instead of an answer. */
  fails(index: number): boolean;
  /** How many of the requests `0 .. count-1` fail, in O(1) or O(log n). */
  failuresBefore(count: number): number;
  /** The message of the HTTP error of a failing request. */
  failureMessage(index: number): { message: string; param: string | null; code: string | null };
}

const SCALE = 1_000_000;
// Local aliases: global lookups are slow in jest's vm context (see prng.ts), and these run per line.
const { floor } = Math;
const toText = String;

export function defaultModel(endpoint: string): string {
  if (endpoint === '/v1/embeddings') return 'text-embedding-3-small';
  if (endpoint === '/v1/moderations') return 'omni-moderation-latest';
  return 'gpt-4o-mini';
}

/**
 * Failures are spread evenly (Bresenham style) with a seed-chosen phase: request i fails when
 * floor(((i+1)·m + o) / SCALE) steps up, so the count below k is floor((k·m + o) / SCALE).
 */
export class GeneratedRequests implements RequestSet {
  readonly fixedWidth: boolean;
  readonly model: string;
  private readonly rate: number;
  private readonly phase: number;
  private readonly width: number;
  private readonly models: readonly string[];
  /** Requests from this index on reuse the custom ids of requests `0 ..`. */
  private readonly firstDuplicate: number;

  constructor(
    readonly total: number,
    readonly endpoint: string,
    failedFraction: number,
    key: number,
    options: { models?: readonly string[]; duplicateIds?: number } = {},
  ) {
    this.models = options.models?.length ? options.models : [defaultModel(endpoint)];
    this.model = this.models[0]!;
    this.fixedWidth = this.models.every((m) => m.length === this.model.length);
    this.rate = Math.round(Math.min(1, Math.max(0, failedFraction)) * SCALE);
    this.phase = key % SCALE;
    this.width = Math.max(6, String(Math.max(0, total - 1)).length);
    this.firstDuplicate = total - Math.min(Math.max(0, options.duplicateIds ?? 0), Math.floor(total / 2));
  }

  customId(index: number): string {
    const n = index >= this.firstDuplicate ? index - this.firstDuplicate : index;
    return `request-${toText(n).padStart(this.width, '0')}`;
  }

  modelOf(index: number): string {
    return this.models.length === 1 ? this.model : this.models[index % this.models.length]!;
  }

  fails(index: number): boolean {
    return this.failuresBefore(index + 1) > this.failuresBefore(index);
  }

  failuresBefore(count: number): number {
    return floor((count * this.rate + this.phase) / SCALE) - floor(this.phase / SCALE);
  }

  failureMessage(): { message: string; param: string | null; code: string | null } {
    return {
      message:
        "Invalid 'messages[0].content': string too long. Expected a string with maximum length 1048576.",
      param: 'messages[0].content',
      code: 'string_above_max_length',
    };
  }
}

export interface UploadedRequest {
  customId: string;
  /** A body without a string `model` is rejected per request, as OpenAI does. */
  hasModel: boolean;
}

export class UploadedRequests implements RequestSet {
  readonly fixedWidth = false;
  readonly total: number;
  private readonly failurePrefix: Uint32Array;

  constructor(
    private readonly requests: readonly UploadedRequest[],
    readonly endpoint: string,
    readonly model: string,
  ) {
    this.total = requests.length;
    this.failurePrefix = new Uint32Array(requests.length + 1);
    requests.forEach((request, i) => {
      this.failurePrefix[i + 1] = (this.failurePrefix[i] ?? 0) + (request.hasModel ? 0 : 1);
    });
  }

  customId(index: number): string {
    return this.requests[index]?.customId ?? `request-${index}`;
  }

  modelOf(): string {
    return this.model;
  }

  fails(index: number): boolean {
    return this.requests[index]?.hasModel === false;
  }

  failuresBefore(count: number): number {
    return this.failurePrefix[Math.min(Math.max(0, count), this.total)] ?? 0;
  }

  failureMessage(): { message: string; param: string | null; code: string | null } {
    return { message: 'you must provide a model parameter', param: null, code: null };
  }
}
