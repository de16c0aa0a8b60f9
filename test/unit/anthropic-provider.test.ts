import Anthropic from '@anthropic-ai/sdk';
import { FailureType } from '../../src/contract/failure-types';
import { describeTokens } from '../../src/contract/salvage-report';
import { toApplicationFailure } from '../../src/providers/anthropic/errors';
import { recoverResult, resultLine } from '../../src/providers/anthropic/result-lines';
import { MessageBatchSchema, type MessageBatch } from '../../src/providers/anthropic/schemas';
import { meaningOfBatch, meaningOfWord } from '../../src/providers/anthropic/status';
import { UsageTally } from '../../src/results/usage-tally';

const apiError = (status: number, type: string, headers: Record<string, string> = {}) =>
  Anthropic.APIError.generate(
    status,
    { type: 'error', error: { type, message: `status ${status}` } },
    undefined,
    new Headers(headers),
  );

const batch = (over: Partial<MessageBatch> & { counts?: Partial<MessageBatch['request_counts']> }) =>
  MessageBatchSchema.parse({
    id: 'msgbatch_01abc',
    type: 'message_batch',
    processing_status: 'ended',
    created_at: '2026-12-04T10:00:00Z',
    expires_at: '2026-12-05T10:00:00Z',
    ended_at: '2026-12-04T10:05:00.123456+00:00',
    cancel_initiated_at: null,
    archived_at: null,
    results_url: 'https://api.anthropic.com/v1/messages/batches/msgbatch_01abc/results',
    ...over,
    request_counts: { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0, ...over.counts },
  });

describe('Anthropic error classification', () => {
  it.each([
    [400, 'invalid_request_error', FailureType.BadRequest],
    [401, 'authentication_error', FailureType.Authentication],
    [403, 'permission_error', FailureType.PermissionDenied],
    [404, 'not_found_error', FailureType.NotFound],
    [413, 'request_too_large', FailureType.BadRequest],
  ])('HTTP %i %s fails at once as %s, saying what to check', (status, type, failureType) => {
    const failure = toApplicationFailure(apiError(status, type), { action: 'cancel batch msgbatch_x' });
    expect(failure).toMatchObject({ nonRetryable: true, type: failureType });
    expect(failure.message).toMatch(/cancel batch msgbatch_x.*Check/);
  });

  it('backs off on 529 overloaded_error and on 500 api_error', () => {
    for (const [status, type] of [
      [529, 'overloaded_error'],
      [500, 'api_error'],
    ] as const) {
      expect(toApplicationFailure(apiError(status, type), { action: 'a' })).toMatchObject({
        nonRetryable: false,
        type: FailureType.Transient,
      });
    }
    expect(toApplicationFailure(apiError(529, 'overloaded_error'), { action: 'a' }).message).toMatch(
      /overloaded \(529\)/,
    );
  });

  it('waits for retry-after on 429', () => {
    const failure = toApplicationFailure(apiError(429, 'rate_limit_error', { 'retry-after': '7' }), {
      action: 'a',
    });
    expect(failure).toMatchObject({ nonRetryable: false, type: FailureType.RateLimited });
    expect(failure.nextRetryDelay).toBe(7000);
  });
});

describe('Anthropic statuses in the product’s words', () => {
  it('reads in_progress and canceling as running and cancelling', () => {
    expect(
      meaningOfBatch(batch({ processing_status: 'in_progress', ended_at: null, results_url: null })),
    ).toEqual({
      phase: 'running',
      outcome: null,
    });
    expect(meaningOfWord('canceling')).toEqual({ phase: 'cancelling', outcome: null });
    expect(meaningOfWord('cancelled')).toBeUndefined();
  });

  it('tells how an ended batch ended from its counts and cancel_initiated_at', () => {
    const cancelAsked = '2026-12-04T10:01:00Z';
    expect(
      meaningOfBatch(batch({ cancel_initiated_at: cancelAsked, counts: { succeeded: 3 } })).outcome,
    ).toBe('cancelled');
    expect(meaningOfBatch(batch({ counts: { succeeded: 1, canceled: 2 } })).outcome).toBe('cancelled');
    expect(meaningOfBatch(batch({ counts: { succeeded: 1, expired: 2 } })).outcome).toBe('expired');
    expect(meaningOfBatch(batch({ counts: { succeeded: 1, errored: 2 } }))).toEqual({
      phase: 'terminal',
      outcome: 'completed',
    });
  });
});

describe('Anthropic result lines', () => {
  const line = (result: unknown) => resultLine.parse({ custom_id: 'req-1', result });

  it('puts succeeded apart, errored by its error type, canceled and expired back to resubmit', () => {
    expect(
      line({
        type: 'succeeded',
        message: { model: 'claude-x', usage: { input_tokens: 1, output_tokens: 2 } },
      }),
    ).toMatchObject({ disposition: 'succeeded', model: 'claude-x', failureCode: null });
    const errored = (type: string) => ({
      type: 'errored',
      error: { type: 'error', error: { type, message: 'm' } },
    });
    expect(line(errored('overloaded_error'))).toMatchObject({
      disposition: 'retriable',
      failureCode: 'overloaded_error',
    });
    expect(line(errored('invalid_request_error'))).toMatchObject({ disposition: 'permanent' });
    expect(line({ type: 'canceled' })).toMatchObject({ disposition: 'retriable', failureCode: 'canceled' });
    expect(line({ type: 'expired' })).toMatchObject({ disposition: 'retriable', failureCode: 'expired' });
  });

  it('counts cache reads and writes into input tokens, as OpenAI counts cached prompt tokens', () => {
    const r = line({
      type: 'succeeded',
      message: {
        model: 'claude-x',
        usage: {
          input_tokens: 10,
          output_tokens: 5,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 20,
        },
      },
    });
    expect(r.tokens).toEqual({
      inputTokens: 130,
      cachedInputTokens: 100,
      cacheCreationInputTokens: 20,
      outputTokens: 5,
      reasoningTokens: 0,
    });
    const tally = new UsageTally();
    tally.add(r.model, r.tokens);
    tally.add(r.model, r.tokens);
    expect(tally.byModel()['claude-x']).toMatchObject({
      requests: 2,
      inputTokens: 260,
      cacheCreationInputTokens: 40,
    });
    expect(describeTokens(r.tokens!)).toBe('130 in (100 cached, 20 cache writes), 5 out');
  });

  it('recovers what a damaged line still says', () => {
    const raw = (s: string) => Buffer.from(s);
    expect(recoverResult(raw('{"custom_id":"a","result":{"type":"canceled"},"x":'))).toEqual({
      customId: 'a',
      disposition: 'retriable',
    });
    expect(
      recoverResult(
        raw(
          '{"custom_id":"b","result":{"type":"errored","error":{"type":"error","error":{"type":"invalid_request_error","message":',
        ),
      ),
    ).toEqual({ customId: 'b', disposition: 'permanent' });
    expect(recoverResult(raw('{"result":'))).toBeUndefined();
  });
});
