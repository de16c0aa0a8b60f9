import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { BOUNDED_ATTEMPTS, retryAfterMs, toApplicationFailure } from '../../src/providers/openai/errors';
import { MalformedResponseError } from '../../src/providers/malformed';
import { FailureType } from '../../src/contract/failure-types';

const apiError = (status: number, headers: Record<string, string> = {}, code: string | null = null) =>
  OpenAI.APIError.generate(
    status,
    { error: { message: `status ${status}`, type: code ?? 'x', param: null, code } },
    undefined,
    new Headers(headers),
  );

describe('OpenAI error classification', () => {
  it.each([
    [400, FailureType.BadRequest],
    [401, FailureType.Authentication],
    [403, FailureType.PermissionDenied],
    [404, FailureType.NotFound],
    [422, FailureType.BadRequest],
  ])('HTTP %i fails fast as %s with advice', (status, type) => {
    const failure = toApplicationFailure(apiError(status), { action: 'cancel batch batch_x' });
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe(type);
    expect(failure.message).toMatch(/cancel batch batch_x.*Check/);
  });

  it('retries 5xx and network errors', () => {
    expect(toApplicationFailure(apiError(503), { action: 'a' })).toMatchObject({
      nonRetryable: false,
      type: FailureType.Transient,
    });
    const conn = new OpenAI.APIConnectionError({ message: 'reset' });
    expect(toApplicationFailure(conn, { action: 'a' })).toMatchObject({
      nonRetryable: false,
      type: FailureType.Transient,
    });
  });

  it.each([408, 409, 425, 500, 502, 503, 504])('retries HTTP %i at any attempt: it heals', (status) => {
    expect(toApplicationFailure(apiError(status), { action: 'a', attempt: 50 })).toMatchObject({
      nonRetryable: false,
      type: FailureType.Transient,
    });
  });

  it.each([405, 406, 410, 413, 415, 418])(
    'retries HTTP %i a few attempts, then fails for good naming the status, the call and what to check',
    (status) => {
      const at = (attempt: number) =>
        toApplicationFailure(apiError(status), { action: 'download file file_x', attempt });
      for (let n = 1; n < BOUNDED_ATTEMPTS; n++)
        expect(at(n)).toMatchObject({ nonRetryable: false, type: FailureType.UnexpectedStatus });
      const last = at(BOUNDED_ATTEMPTS);
      expect(last).toMatchObject({ nonRetryable: true, type: FailureType.UnexpectedStatus });
      expect(last.message).toMatch(
        new RegExp(
          `download file file_x: unexpected HTTP ${status}.*attempt ${BOUNDED_ATTEMPTS} of ${BOUNDED_ATTEMPTS}.*OPENAI_BASE_URL`,
        ),
      );
    },
  );

  it('retries a download cut short at any attempt: it heals', async () => {
    const { TruncatedDownloadError } = await import('../../src/results/stream-lines');
    expect(
      toApplicationFailure(new TruncatedDownloadError(10, 20), { action: 'a', attempt: 50 }),
    ).toMatchObject({ nonRetryable: false, type: FailureType.Transient });
  });

  it('bounds an unknown error too, and leaves the bound to the caller where attempts are polls', () => {
    const err = new SyntaxError('Unexpected token');
    expect(toApplicationFailure(err, { action: 'a', attempt: BOUNDED_ATTEMPTS })).toMatchObject({
      nonRetryable: true,
      type: FailureType.UnexpectedError,
    });
    expect(toApplicationFailure(apiError(406), { action: 'a', attempt: null })).toMatchObject({
      nonRetryable: false,
      type: FailureType.UnexpectedStatus,
    });
  });

  it('honours Retry-After on 429 as the next retry delay', () => {
    const failure = toApplicationFailure(apiError(429, { 'retry-after': '7' }), { action: 'a' });
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(FailureType.RateLimited);
    expect(failure.nextRetryDelay).toBe(7000);
  });

  it('fails 429 insufficient_quota at once with billing advice, unlike a rate limit', () => {
    const failure = toApplicationFailure(apiError(429, {}, 'insufficient_quota'), {
      action: 'cancel batch batch_x',
    });
    expect(failure).toMatchObject({ nonRetryable: true, type: FailureType.QuotaExceeded });
    expect(failure.message).toMatch(/cancel batch batch_x.*insufficient_quota.*billing/);
    expect(toApplicationFailure(apiError(429, {}, 'rate_limit_exceeded'), { action: 'a' }).nonRetryable).toBe(
      false,
    );
  });

  it('fails an answer that is not the documented object at once, quoting its first bytes', () => {
    const err = new MalformedResponseError('a batch', '(input): expected object', '"<html>"');
    const failure = toApplicationFailure(err, { action: 'read batch batch_x' });
    expect(failure).toMatchObject({ nonRetryable: true, type: FailureType.UnexpectedResponse });
    expect(failure.message).toMatch(
      /read batch batch_x: .*not a batch.*First bytes: "<html>".*OPENAI_BASE_URL/,
    );
  });

  it('parses Retry-After as seconds, HTTP date or retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), now)).toBe(10_000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({}), now)).toBeUndefined();
  });
});
