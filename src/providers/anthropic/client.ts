/** The one place an Anthropic SDK client is built: Temporal owns retries, so the SDK makes none. */
import Anthropic from '@anthropic-ai/sdk';

export interface AnthropicClientOptions {
  apiKey: string;
  /** The API's origin (the SDK appends /v1/messages/batches); Anthropic's own when absent. */
  baseURL?: string | undefined;
  /** For keys that reach several workspaces: sent as `anthropic-workspace-id` on every call. */
  workspaceId?: string | undefined;
  timeoutMs?: number | undefined;
}

export const DEFAULT_ANTHROPIC_TIMEOUT_MS = 60_000;

export function createAnthropicClient(o: AnthropicClientOptions): Anthropic {
  return new Anthropic({
    apiKey: o.apiKey,
    // Never a token or credentials file from the worker's environment: the key named is the key used.
    authToken: null,
    ...(o.baseURL ? { baseURL: o.baseURL } : {}),
    maxRetries: 0,
    timeout: o.timeoutMs ?? DEFAULT_ANTHROPIC_TIMEOUT_MS,
    ...(o.workspaceId ? { defaultHeaders: { 'anthropic-workspace-id': o.workspaceId } } : {}),
  });
}
