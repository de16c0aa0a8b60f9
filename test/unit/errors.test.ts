import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { retryAfterMs, toApplicationFailure } from '../../src/openai/errors';
import { FailureType } from '../../src/shared/failure-types';

const apiError = (status: number, headers: Record<string, string> = {}) =>
  OpenAI.APIError.generate(
    status,
    { error: { message: `status ${status}`, type: 'x', param: null, code: null } },
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

  it('honours Retry-After on 429 as the next retry delay', () => {
    const failure = toApplicationFailure(apiError(429, { 'retry-after': '7' }), { action: 'a' });
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(FailureType.RateLimited);
    expect(failure.nextRetryDelay).toBe(7000);
  });

  it('parses Retry-After as seconds, HTTP date or retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), now)).toBe(10_000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({}), now)).toBeUndefined();
  });
});
