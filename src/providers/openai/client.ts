/** The only place an OpenAI SDK client is built. */
import OpenAI from 'openai';

/** Options of `createOpenAIClient`. */
export interface OpenAIClientOptions {
  apiKey: string;
  /** API base URL, e.g. the simulator's `http://127.0.0.1:8787/v1`. @default OpenAI's */
  baseURL?: string;
  organization?: string;
  project?: string;
  /** Per-request timeout. @default 60s */
  timeoutMs?: number;
}

/**
 * `maxRetries: 0`: Temporal owns every retry, so a retry is visible, classified and durable
 * rather than hidden inside one activity attempt.
 */
export function createOpenAIClient(opts: OpenAIClientOptions): OpenAI {
  return new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL ?? null,
    organization: opts.organization ?? null,
    project: opts.project ?? null,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 60_000,
  });
}
