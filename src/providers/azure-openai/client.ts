/**
 * The only place an SDK client for Azure OpenAI is built: the `openai` SDK's own Azure support
 * (`AzureOpenAI`) for the classic surface, its plain client for the v1 surface.
 */
import OpenAI, { AzureOpenAI } from 'openai';

/** The scope of an Entra ID token for Azure OpenAI (Cognitive Services). */
export const AZURE_OPENAI_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** How a client authenticates: the resource's key, or Microsoft Entra ID tokens. */
export type AzureCredential = { apiKey: string } | { tokenProvider: () => Promise<string> };

/** Options of `createAzureOpenAIClient`: the resource, its surface and how to authenticate. */
export interface AzureOpenAIClientOptions {
  /** The resource's endpoint, e.g. `https://my-resource.openai.azure.com` (no path). */
  endpoint: string;
  /** `classic`: `/openai/batches?api-version=…`; `v1`: `/openai/v1/batches`. */
  api: 'classic' | 'v1';
  /** Required on the classic surface. */
  apiVersion?: string | undefined;
  credential: AzureCredential;
  /** Per-request timeout. @default 60s */
  timeoutMs?: number | undefined;
}

/**
 * `maxRetries: 0`: Temporal owns every retry. Everything the SDK would otherwise read from the
 * environment is given (null where unused): the worker's OPENAI_BASE_URL, OPENAI_ORG_ID or
 * AZURE_OPENAI_API_KEY belong to other accounts, and the SDK refuses `endpoint` beside a baseURL.
 * No `deployment`: it would reroute `POST /batches` to `/deployments/{name}/batches`.
 */
export function createAzureOpenAIClient(opts: AzureOpenAIClientOptions): OpenAI {
  const endpoint = opts.endpoint.replace(/\/+$/, '');
  const common = {
    organization: null,
    project: null,
    // At OPENAI_LOG=debug the SDK logs request headers, masking only `authorization`: the
    // classic surface's `api-key` header would be printed whole.
    logLevel: 'warn' as const,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 60_000,
  };
  const { credential } = opts;
  if (opts.api === 'v1') {
    return new OpenAI({
      ...common,
      baseURL: `${endpoint}/openai/v1`,
      apiKey: 'apiKey' in credential ? credential.apiKey : credential.tokenProvider,
    });
  }
  if (!opts.apiVersion) throw new Error('api_version: required on the classic surface of Azure OpenAI');
  return new AzureOpenAI({
    ...common,
    baseURL: `${endpoint}/openai`,
    apiVersion: opts.apiVersion,
    // '' rather than undefined: undefined would make the SDK read AZURE_OPENAI_API_KEY beside the token.
    ...('apiKey' in credential
      ? { apiKey: credential.apiKey }
      : { apiKey: '', azureADTokenProvider: credential.tokenProvider }),
  });
}

/**
 * Entra ID tokens from `DefaultAzureCredential` (managed identity, workload identity, Azure CLI,
 * environment), refreshed by @azure/identity. Loaded on first use, so workers without an Entra ID
 * account never load it.
 */
export function entraIdTokens(): () => Promise<string> {
  let tokens: Promise<() => Promise<string>> | undefined;
  return async () => {
    tokens ??= import('@azure/identity').then(({ DefaultAzureCredential, getBearerTokenProvider }) =>
      getBearerTokenProvider(new DefaultAzureCredential(), AZURE_OPENAI_SCOPE),
    );
    return (await tokens)();
  };
}
