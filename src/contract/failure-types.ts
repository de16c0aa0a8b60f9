import { ApplicationFailure } from '@temporalio/common';

/**
 * Stable `ApplicationFailure.type` strings. Clients and the CLI switch on these; never rename one.
 */
export const FailureType = {
  /** The workflow input failed validation. Fix the named field and start again. */
  InvalidInput: 'InvalidInput',
  /** OpenAI answered 404: the batch or file does not exist for this API key's project. */
  NotFound: 'OpenAINotFound',
  /** OpenAI answered 401: the API key is missing, wrong or revoked. */
  Authentication: 'OpenAIAuthenticationError',
  /** OpenAI answered 403: the key may not act on this resource. */
  PermissionDenied: 'OpenAIPermissionDenied',
  /** OpenAI answered 400 or 422: the request itself is wrong. */
  BadRequest: 'OpenAIBadRequest',
  /** OpenAI answered 429: retried after `Retry-After`. */
  RateLimited: 'OpenAIRateLimited',
  /** OpenAI answered 429 `insufficient_quota`: the account is out of credit. Fix billing, then start again. */
  QuotaExceeded: 'OpenAIQuotaExceeded',
  /** OpenAI answered 5xx, or the network failed: retried with backoff. */
  Transient: 'OpenAITransientError',
  /**
   * A response was not the documented object (an HTML page from a proxy, a JSON string, a batch the
   * spec does not allow) on every read of one attempt: fails at once, the message quotes its first bytes.
   */
  UnexpectedResponse: 'OpenAIUnexpectedResponse',
  /**
   * An HTTP status OpenAI's API does not answer for the call (405, 406, 410, 413, 415, ...): a
   * proxy, a mock server or a wrong `OPENAI_BASE_URL`. Retried a few times, then final (non-retryable),
   * naming the status, the call and what to check.
   */
  UnexpectedStatus: 'OpenAIUnexpectedStatus',
  /** An error that is none of the known kinds: retried a few times, then final, quoting it. */
  UnexpectedError: 'UnexpectedError',
  /** The batch is not terminal yet: the poll activity retries on the poll schedule. */
  NotTerminalYet: 'BatchNotTerminalYet',
  /** The batch did not reach a terminal status within `maxWait`. Details carry the last status seen. */
  MaxWaitExceeded: 'MaxWaitExceeded',
  /** The results store could not be written. */
  ResultsStore: 'ResultsStoreError',
  /**
   * The cancellation names an account the worker does not have: the message names it and the
   * configured ones. Add it to the worker's accounts file (ACCOUNTS_FILE), or start with one of those.
   * Final at the cancellation's first step; later (the cancel was already sent, a rolling rollout
   * of the file) retried by the step's own policy, so another worker that has it can go on.
   */
  UnknownAccount: 'UnknownAccount',
} as const;
/** One of the `FailureType` strings. */
export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/** Failure types that retrying cannot fix. */
export const NON_RETRYABLE_FAILURE_TYPES: readonly string[] = [
  FailureType.InvalidInput,
  FailureType.NotFound,
  FailureType.Authentication,
  FailureType.PermissionDenied,
  FailureType.BadRequest,
  FailureType.QuotaExceeded,
  FailureType.MaxWaitExceeded,
];

/** A workflow input that failed validation: `invalid <subject>: <what is wrong, by field>`. */
export function invalidInputFailure(subject: string, detail: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`invalid ${subject}: ${detail}`, FailureType.InvalidInput);
}
