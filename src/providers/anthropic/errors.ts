/**
 * The one classifier of Anthropic errors into the product's failure types. Transient (backoff):
 * 529 `overloaded_error`, 5xx, 408/409/425, the network. 429 retries after `retry-after`. Final,
 * saying what to check: 400 `invalid_request_error` (which is also how the API answers an account
 * without credit), 401, 403, 404, an answer that is not the documented object. Any other status is
 * retried a few times, then final (`bounded`), as for OpenAI.
 */
import Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../contract/failure-types';
import { MalformedResponseError } from '../malformed';
import { bounded, isNetworkError, retryAfterMs } from '../openai/errors';
import type { ErrorContext } from '../types';

/** The error's `error.type` from Anthropic's body (`{"type":"error","error":{"type":…}}`). */
export function errorTypeOf(err: InstanceType<typeof Anthropic.APIError>): string | undefined {
  const body = err.error as { error?: { type?: unknown } } | undefined;
  return typeof body?.error?.type === 'string' ? body.error.type : undefined;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof Anthropic.APIError && err.status === 404;
}

/** A 4xx that may mean "already ended" (undocumented for the cancel): the batch's status decides. */
export function isRefusal(err: unknown): boolean {
  return err instanceof Anthropic.APIError && (err.status === 400 || err.status === 409);
}

const CHECK_ENDPOINT =
  "check ANTHROPIC_BASE_URL (or the account's base_url) and any proxy between the worker and Anthropic";

export function toApplicationFailure(err: unknown, ctx: ErrorContext): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof MalformedResponseError)
    return ApplicationFailure.nonRetryable(
      `${ctx.action}: ${err.message}. Check ANTHROPIC_BASE_URL and any proxy between the worker and Anthropic, then start again.`,
      FailureType.UnexpectedResponse,
    );
  if (
    err instanceof Anthropic.APIConnectionError ||
    (!(err instanceof Anthropic.APIError) && isNetworkError(err))
  )
    return ApplicationFailure.retryable(
      `${ctx.action}: network error (${(err as Error).message}); retrying`,
      FailureType.Transient,
    );
  if (err instanceof Anthropic.APIError) {
    const { status } = err;
    const type = errorTypeOf(err) ?? `http_${status ?? 'none'}`;
    const detail = `${type}: ${err.message}`;
    switch (status) {
      case 400:
      case 413:
      case 422:
        return ApplicationFailure.nonRetryable(
          `${ctx.action}: Anthropic rejected the request (${status} ${detail}). Check the batch id, and the account's credit balance.`,
          FailureType.BadRequest,
        );
      case 401:
        return ApplicationFailure.nonRetryable(
          ctx.account
            ? `${ctx.action}: Anthropic rejected the key of account ${ctx.account} (401). Check the key its accounts-file entry names (\`openai-batch-cancel accounts check\`).`
            : `${ctx.action}: Anthropic rejected the API key (401). Check ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL).`,
          FailureType.Authentication,
        );
      case 403:
        return ApplicationFailure.nonRetryable(
          `${ctx.action}: permission denied (403 ${detail}). Check the key's workspace (workspace_id).`,
          FailureType.PermissionDenied,
        );
      case 404:
        return ApplicationFailure.nonRetryable(
          `${ctx.action}: not found (404). Check the id and that the key belongs to the batch's workspace.`,
          FailureType.NotFound,
        );
      case 429: {
        const delay = retryAfterMs(err.headers);
        return ApplicationFailure.create({
          message: `${ctx.action}: rate limited (429)${delay !== undefined ? `; retrying after ${delay} ms` : ''}`,
          type: FailureType.RateLimited,
          nonRetryable: false,
          ...(delay !== undefined ? { nextRetryDelay: Math.max(delay, 1) } : {}),
        });
      }
      case 408:
      case 409:
      case 425:
        return ApplicationFailure.retryable(
          `${ctx.action}: HTTP ${status} (${detail}); retrying`,
          FailureType.Transient,
        );
      default:
        // 529 overloaded_error and 500 api_error among them: Anthropic's own advice is to back off.
        if (status !== undefined && status >= 500)
          return ApplicationFailure.retryable(
            `${ctx.action}: Anthropic ${status === 529 ? 'is overloaded (529)' : `server error (${status})`}; retrying`,
            FailureType.Transient,
          );
        return bounded(
          ctx,
          FailureType.UnexpectedStatus,
          `unexpected HTTP ${status ?? '(no status)'}: ${detail}`,
          CHECK_ENDPOINT,
        );
    }
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return bounded(
    ctx,
    FailureType.UnexpectedError,
    `unexpected error (${message})`,
    'this is likely a bug: please report it with the worker log',
  );
}
