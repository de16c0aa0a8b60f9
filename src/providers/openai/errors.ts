/**
 * The one classifier of OpenAI errors into Temporal failures: retryable with backoff (408, 409,
 * 425, 5xx, network), retryable after Retry-After (429), non-retryable with what to check (400,
 * 401, 403, 404, 422, 429 `insufficient_quota`, an answer that is not the documented object), and
 * bounded: any other status (405, 406, 410, 413, 415, ...: a proxy, a mock server or a wrong base
 * URL) and any error that is none of these is retried {@link BOUNDED_ATTEMPTS} times, then fails
 * for good naming the status, the call and what to check; retrying it forever would hang the
 * cancellation with no outcome. Every activity passes its errors through `toApplicationFailure`.
 */
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { FailureType } from '../../contract/failure-types';
import { MalformedResponseError } from '../malformed';
import type { ErrorContext } from '../types';

/** Parses `retry-after-ms` or `Retry-After` (seconds or an HTTP date) into ms. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Attempts at an error that retrying is not known to fix (an unexpected status, an unknown error). */
export const BOUNDED_ATTEMPTS = 3;

/** What to check for a status OpenAI's API does not answer for these calls. */
function unexpectedStatusHint(status: number | undefined): string {
  const where = 'check OPENAI_BASE_URL and any proxy between the worker and OpenAI';
  switch (status) {
    case 406:
      return `the server would not serve the type the SDK asks for (file content is requested as application/binary; a mock server built from the spec offers JSON only): ${where}`;
    case 405:
    case 415:
      return `the server does not take this call as OpenAI's API does: ${where}`;
    case 410:
      return `the server says the resource is gone for good: check the id, then ${where}`;
    case 413:
      return `something between the worker and OpenAI limits the size of the request or answer: ${where}`;
    default:
      return where;
  }
}

/**
 * A failure retried until `attempt` reaches {@link BOUNDED_ATTEMPTS}, then final; `what` says
 * what happened, `hint` what to check.
 */
export function bounded(ctx: ErrorContext, type: string, what: string, hint: string): ApplicationFailure {
  const attempt = ctx.attempt ?? undefined;
  if (attempt === undefined || attempt < BOUNDED_ATTEMPTS) {
    const of = attempt !== undefined ? ` (attempt ${attempt} of ${BOUNDED_ATTEMPTS})` : '';
    return ApplicationFailure.retryable(`${ctx.action}: ${what}; retrying${of}`, type);
  }
  return ApplicationFailure.nonRetryable(
    `${ctx.action}: ${what} (attempt ${attempt} of ${BOUNDED_ATTEMPTS}); not retried further: ${hint}, then start again.`,
    type,
  );
}

/** A 404 from the API: the batch or file does not exist (or not in this key's project). */
export function isNotFound(err: unknown): boolean {
  return err instanceof OpenAI.APIError && err.status === 404;
}

/** True for the HTTP 409 the cancel endpoint answers for a batch that is already finished. */
export function isConflict(err: unknown): boolean {
  return err instanceof OpenAI.APIError && err.status === 409;
}

/** A 429 that is about money, not rate: the account is out of credit or over its spending limit. */
export function isInsufficientQuota(err: InstanceType<typeof OpenAI.APIError>): boolean {
  return err.code === 'insufficient_quota' || err.type === 'insufficient_quota';
}

/** Maps any error thrown while talking to OpenAI to an ApplicationFailure Temporal can act on. */
export function toApplicationFailure(err: unknown, ctx: ErrorContext): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof MalformedResponseError) {
    return ApplicationFailure.nonRetryable(
      `${ctx.action}: ${err.message}. Check OPENAI_BASE_URL and any proxy between the worker and OpenAI, then start again.`,
      FailureType.UnexpectedResponse,
    );
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return ApplicationFailure.retryable(
      `${ctx.action}: network error (${err.message}); retrying`,
      FailureType.Transient,
    );
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const detail = err.message;
    switch (status) {
      case 400:
      case 422:
        return ApplicationFailure.nonRetryable(
          `${ctx.action}: OpenAI rejected the request (${status}): ${detail}. Check the batch id and the request.`,
          FailureType.BadRequest,
        );
      case 401:
        return ApplicationFailure.nonRetryable(
          ctx.account
            ? `${ctx.action}: the API rejected the key of account ${ctx.account} (401). Check the key its accounts-file entry names, and its endpoint (\`openai-batch-cancel accounts check\`).`
            : `${ctx.action}: OpenAI rejected the API key (401). Check OPENAI_API_KEY (and OPENAI_BASE_URL).`,
          FailureType.Authentication,
        );
      case 403:
        return ApplicationFailure.nonRetryable(
          `${ctx.action}: permission denied (403): ${detail}. Check the key's project and organization.`,
          FailureType.PermissionDenied,
        );
      case 404:
        return ApplicationFailure.nonRetryable(
          `${ctx.action}: not found (404). Check the id and that the API key belongs to the batch's project.`,
          FailureType.NotFound,
        );
      case 429: {
        if (isInsufficientQuota(err)) {
          return ApplicationFailure.nonRetryable(
            `${ctx.action}: OpenAI refused for lack of quota (429 insufficient_quota): ${detail}. ` +
              "Waiting will not help: check the plan, billing and spending limits of the key's organization and project, then start again.",
            FailureType.QuotaExceeded,
          );
        }
        const delay = retryAfterMs(err.headers);
        return ApplicationFailure.create({
          message: `${ctx.action}: rate limited (429)${delay !== undefined ? `; retrying after ${delay} ms` : ''}`,
          type: FailureType.RateLimited,
          nonRetryable: false,
          ...(delay !== undefined ? { nextRetryDelay: Math.max(delay, 1) } : {}),
        });
      }
      // Timeout, conflict (the cancel's own 409 is handled before this), too early: they heal.
      case 408:
      case 409:
      case 425:
        return ApplicationFailure.retryable(
          `${ctx.action}: HTTP ${status} (${detail}); retrying`,
          FailureType.Transient,
        );
      default:
        if (status !== undefined && status >= 500) {
          return ApplicationFailure.retryable(
            `${ctx.action}: OpenAI server error (${status}); retrying`,
            FailureType.Transient,
          );
        }
        return bounded(
          ctx,
          FailureType.UnexpectedStatus,
          `unexpected HTTP ${status ?? '(no status)'}: ${detail}`,
          unexpectedStatusHint(status),
        );
    }
  }
  if (isNetworkError(err)) {
    return ApplicationFailure.retryable(
      `${ctx.action}: network error (${(err as Error).message}); retrying`,
      FailureType.Transient,
    );
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return bounded(
    ctx,
    FailureType.UnexpectedError,
    `unexpected error (${message})`,
    'this is likely a bug: please report it with the worker log',
  );
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  // A body that ended early: short of its Content-Length (TruncatedDownloadError), or a
  // compressed one the decoder found cut. Another download heals it.
  'ERR_TRUNCATED_DOWNLOAD',
  'Z_BUF_ERROR',
]);

/** Socket-level failures surfaced while streaming a body, after the SDK handed us the response. */
export function isNetworkError(err: unknown): boolean {
  // Not `instanceof Error`: fetch's errors come from Node's own realm, which is not the caller's
  // under a vm (jest), and a cut body ("terminated") was then taken for an unknown error.
  for (let e = asErrorLike(err); e; e = asErrorLike(e.cause)) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
    if (e.name === 'AbortError' || /terminated|socket|premature/i.test(e.message)) return true;
  }
  return false;
}

interface ErrorLike {
  name: string;
  message: string;
  code?: unknown;
  cause?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  const v = value as Partial<ErrorLike> | null | undefined;
  return typeof v === 'object' && v !== null && typeof v.message === 'string'
    ? {
        name: typeof v.name === 'string' ? v.name : 'Error',
        message: v.message,
        code: v.code,
        cause: v.cause,
      }
    : undefined;
}
