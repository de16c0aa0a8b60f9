/** Error responses in OpenAI's shape, thrown by handlers and rendered in one place by the server. */

/** The body of every OpenAI error response. */
export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * What Azure's gateway answers before a request reaches the Batch API: the resource's own
 * `{error: {code, message}}` (code a string, even when it is the HTTP status), or Entra ID's
 * `{statusCode, message}` for a bearer token it does not accept.
 */
export type AzureErrorBody =
  { error: { code: string; message: string } } | { statusCode: number; message: string };

/**
 * Anthropic's error shape (anthropic.ts). `request_id` is filled in by the server from the
 * response's `request-id` header as it renders the body.
 */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id?: string | null;
}

/** Thrown by a handler to answer with an error body (OpenAI's shape, Azure's gateway's, or Anthropic's). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | AzureErrorBody | AnthropicErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super('error' in body ? body.error.message : body.message);
    this.name = 'ApiError';
  }
}

function apiError(
  status: number,
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
  headers?: Record<string, string>,
): ApiError {
  return new ApiError(status, { error: { message, type, param, code } }, headers);
}

export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): ApiError {
  return apiError(400, message, 'invalid_request_error', param, code);
}

/** Shows enough of a key to recognise it, never the whole key (as OpenAI does). */
export function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 40))}${key.slice(-4)}`;
}

export function missingApiKey(): ApiError {
  return apiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
  );
}

export function incorrectApiKey(key: string): ApiError {
  return apiError(
    401,
    `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

export function batchNotFound(id: string): ApiError {
  return apiError(404, `No batch found with id '${id}'.`, 'invalid_request_error', null, 'not_found');
}

export function fileNotFound(id: string): ApiError {
  return apiError(404, `No such File object: ${id}`, 'invalid_request_error', 'id', null);
}

export function invalidUrl(method: string, path: string): ApiError {
  return apiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');
}

export function cannotCancel(status: string): ApiError {
  return apiError(409, `Cannot cancel a batch with status '${status}'.`, 'invalid_request_error');
}

export function rateLimited(retryAfterSeconds: number): ApiError {
  return apiError(
    429,
    'Rate limit reached for requests. Please try again later.',
    'requests',
    null,
    'rate_limit_exceeded',
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** What OpenAI answers when the account is out of credit (a 429 that no wait fixes). */
export function insufficientQuota(): ApiError {
  return apiError(
    429,
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    'insufficient_quota',
    null,
    'insufficient_quota',
  );
}

export function serverError(status: 500 | 502 | 503): ApiError {
  if (status === 503) {
    return apiError(
      503,
      'The server is overloaded or not ready yet.',
      'server_error',
      null,
      'service_unavailable',
    );
  }
  if (status === 502) return apiError(502, 'Bad gateway.', 'server_error', null, 'bad_gateway');
  return apiError(
    500,
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
    null,
    'server_error',
  );
}

export function payloadTooLarge(limit: number): ApiError {
  return apiError(
    413,
    `Request body exceeds the simulator's limit of ${limit} bytes.`,
    'invalid_request_error',
  );
}
