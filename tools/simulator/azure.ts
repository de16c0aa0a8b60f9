/**
 * Azure OpenAI's front of the same Batch + Files API. Azure serves it twice: the classic surface
 * (`/openai/batches…`, `/openai/files…`, every call with `?api-version=`, authoring spec 2024-10-21)
 * and the v1 surface (`/openai/v1/…`, no dated version). Both authenticate with an `api-key` header
 * or an Entra ID bearer token. Requests are rewritten to the OpenAI paths so one route table and one
 * set of handlers serve all three; only what Azure's gateway answers on its own lives here.
 */
import { type IncomingMessage } from 'node:http';
import { ApiError } from './errors';

export interface AzureMode {
  /** The classic surface's accepted api-versions; null accepts any dated one. */
  readonly apiVersions: readonly string[] | null;
}

/** What Azure's own versions look like: `2024-10-21`, `2025-03-01-preview`. */
const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
/** The v1 reference's optional api-version has exactly these values (`v1` when absent). */
const V1_VERSIONS: readonly string[] = ['v1', 'preview'];

/**
 * Azure's answer to a path it does not serve, and also to a classic path without `api-version`: the
 * gateway cannot route a request that names no version, so it is "not found" rather than a 400.
 */
export function resourceNotFound(): ApiError {
  return new ApiError(404, { error: { code: '404', message: 'Resource not found' } });
}

/** A version the resource does not serve, e.g. a dated one on the v1 surface. */
export function apiVersionNotSupported(): ApiError {
  return new ApiError(400, { error: { code: 'BadRequest', message: 'API version not supported' } });
}

export function invalidSubscriptionKey(): ApiError {
  return new ApiError(401, {
    error: {
      code: '401',
      message:
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    },
  });
}

/** Entra ID, not the resource, refuses a bearer token, hence its other body shape. */
export function invalidBearerToken(): ApiError {
  return new ApiError(401, {
    statusCode: 401,
    message:
      'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
  });
}

/** The OpenAI path (`/v1/…`) an Azure request stands for; throws what Azure answers instead. */
export function azurePath(url: URL, mode: AzureMode): string {
  const version = url.searchParams.get('api-version');
  const v1 = /^\/openai(\/v1\/.*)$/.exec(url.pathname);
  if (v1?.[1]) {
    if (version !== null && !V1_VERSIONS.includes(version)) throw apiVersionNotSupported();
    return v1[1];
  }
  // Everything else an Azure resource has lives under /openai: there is no /v1 at the root.
  const classic = /^\/openai(\/.+)$/.exec(url.pathname);
  if (!classic?.[1] || version === null) throw resourceNotFound();
  const supported = mode.apiVersions ? mode.apiVersions.includes(version) : DATED_VERSION.test(version);
  if (!supported) throw apiVersionNotSupported();
  return `/v1${classic[1]}`;
}

/**
 * Accepts the resource key in `api-key`, or the same string as an Entra ID bearer token (a stand-in
 * for a real token, which the simulator cannot verify). Which one Azure prefers when both come is
 * not documented; the key is checked first, as the SDK's AzureOpenAI sends only it.
 */
export function authenticateAzure(req: IncomingMessage, apiKey: string): void {
  const key = req.headers['api-key'];
  if (key !== undefined) {
    if (key !== apiKey) throw invalidSubscriptionKey();
    return;
  }
  const header = req.headers.authorization;
  const bearer = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!bearer?.[1]) throw invalidSubscriptionKey();
  if (bearer[1] !== apiKey) throw invalidBearerToken();
}
