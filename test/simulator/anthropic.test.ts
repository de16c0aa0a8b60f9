/**
 * Anthropic mode, driven by the real `@anthropic-ai/sdk` client: create, retrieve, list, cancel,
 * results (the SDK's JSONL decoder), delete; Anthropic's error shape and statuses; seeded batches;
 * fault injection on the Message Batches routes; and the `--anthropic` command-line flag.
 */
import { type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import Anthropic, {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { type MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import {
  ARCHIVE_AFTER_MS,
  type BatchSimulator,
  InvalidFaultError,
  type SimulatorOptions,
  startSimulator,
} from '../../tools/simulator';
import { cleanEnv, runTsx, stderrLines } from '../cli/run-cli';
import { spawnSimulatorCommand, T0 } from './helpers';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const iso = (ms: number): string => new Date(ms).toISOString();

interface Clocked {
  sim: BatchSimulator;
  client: Anthropic;
  advance(ms: number): void;
  now(): number;
}

const open: BatchSimulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
});

async function start(opts: SimulatorOptions = {}): Promise<Clocked> {
  let now = T0;
  const sim = await startSimulator({ anthropic: true, clock: () => now, ...opts });
  open.push(sim);
  return {
    sim,
    client: new Anthropic({ apiKey: sim.apiKey, baseURL: sim.url, maxRetries: 0, timeout: 20_000 }),
    advance: (ms) => {
      now += ms;
    },
    now: () => now,
  };
}

/** A well-formed request; `maxTokens` above 64,000 makes it an errored result. */
function request(customId: string, maxTokens = 256): Anthropic.Messages.BatchCreateParams.Request {
  return {
    custom_id: customId,
    params: {
      model: 'claude-sonnet-4-5',
      max_tokens: maxTokens,
      messages: [{ role: 'user', content: `Question ${customId}` }],
    },
  };
}

async function results(client: Anthropic, id: string): Promise<MessageBatchIndividualResponse[]> {
  const lines: MessageBatchIndividualResponse[] = [];
  for await (const line of await client.messages.batches.results(id)) lines.push(line);
  return lines;
}

function countTypes(lines: MessageBatchIndividualResponse[]): Record<string, number> {
  const counts: Record<string, number> = { succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  for (const line of lines) counts[line.result.type] = (counts[line.result.type] ?? 0) + 1;
  return counts;
}

/** What an SDK call rejected with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

function raw(sim: BatchSimulator, path: string, headers: Record<string, string>, init: RequestInit = {}) {
  return fetch(`${sim.url}${path}`, { ...init, headers });
}

describe('Anthropic mode: the Message Batches API through @anthropic-ai/sdk', () => {
  it('creates a batch that reports only processing until it ends, then succeeded and errored', async () => {
    const t = await start({ timing: { perRequestMs: 1000 } });
    const created = await t.client.messages.batches.create({
      requests: [request('first'), request('too-long', 100_000), request('third')],
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^msgbatch_01[A-Za-z0-9]{22}$/),
      type: 'message_batch',
      processing_status: 'in_progress',
      request_counts: { processing: 3, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      ended_at: null,
      created_at: iso(T0),
      expires_at: iso(T0 + DAY),
      cancel_initiated_at: null,
      archived_at: null,
      results_url: null,
    });

    // Two of three answered: the counts still say nothing until the whole batch ends.
    t.advance(2500);
    const midway = await t.client.messages.batches.retrieve(created.id);
    expect(midway.processing_status).toBe('in_progress');
    expect(midway.request_counts).toEqual({
      processing: 3,
      succeeded: 0,
      errored: 0,
      canceled: 0,
      expired: 0,
    });
    await expect(t.client.messages.batches.results(created.id)).rejects.toThrow(/results_url/);

    t.advance(500);
    const ended = await t.client.messages.batches.retrieve(created.id);
    expect(ended).toMatchObject({
      processing_status: 'ended',
      request_counts: { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 },
      ended_at: iso(T0 + 3000),
      results_url: `${t.sim.url}/v1/messages/batches/${created.id}/results`,
    });
    expect(t.sim.getMessageBatch(created.id)).toEqual(ended);

    const lines = await results(t.client, created.id);
    expect(lines.map((l) => l.custom_id).sort()).toEqual(['first', 'third', 'too-long']);
    const errored = lines.find((l) => l.custom_id === 'too-long')?.result;
    // An errored result's `error` is a whole ErrorResponse: error.error.type is the error's type.
    expect(errored).toEqual({
      type: 'errored',
      error: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: expect.stringContaining('max_tokens: 100000 > 64000'),
        },
        request_id: null,
      },
    });
    const succeeded = lines.find((l) => l.custom_id === 'first')?.result;
    expect(succeeded?.type).toBe('succeeded');
    if (succeeded?.type !== 'succeeded') throw new Error('unreachable');
    expect(succeeded.message).toMatchObject({
      id: expect.stringMatching(/^msg_01/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: expect.stringContaining('first') }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: expect.any(Number),
        output_tokens: expect.any(Number),
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    expect(succeeded.message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('lists newest first with limit, after_id and before_id, and the SDK pages through all', async () => {
    const t = await start();
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      ids.push((await t.client.messages.batches.create({ requests: [request(name)] })).id);
      t.advance(1000);
    }
    const newestFirst = [...ids].reverse();
    const first = await t.client.messages.batches.list({ limit: 2 });
    expect(first.data.map((b) => b.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.has_more).toBe(true);
    expect(first.first_id).toBe(newestFirst[0]);
    expect(first.last_id).toBe(newestFirst[1]);

    const second = await t.client.messages.batches.list({ limit: 2, after_id: first.last_id! });
    expect(second.data.map((b) => b.id)).toEqual([newestFirst[2]]);
    expect(second.has_more).toBe(false);

    const previous = await t.client.messages.batches.list({ limit: 2, before_id: newestFirst[2]! });
    expect(previous.data.map((b) => b.id)).toEqual(newestFirst.slice(0, 2));
    expect(previous.has_more).toBe(false);

    const all: string[] = [];
    for await (const batch of t.client.messages.batches.list({ limit: 1 })) all.push(batch.id);
    expect(all).toEqual(newestFirst);

    const tooMany = await failure(t.client.messages.batches.list({ limit: 1001 }));
    expect(tooMany).toBeInstanceOf(BadRequestError);
  });

  it('cancels: canceling with cancel_initiated_at, then ended; in-flight requests drain, the rest are canceled', async () => {
    const t = await start({ timing: { perRequestMs: 1000, cancelDelayMs: 60_000 } });
    const names = Array.from({ length: 10 }, (_, i) => `req-${i}`);
    const created = await t.client.messages.batches.create({
      requests: names.map((name, i) => request(name, i === 1 ? 100_000 : 256)),
    });
    t.advance(3500); // three answered when the cancel arrives
    const canceling = await t.client.messages.batches.cancel(created.id);
    expect(canceling).toMatchObject({
      processing_status: 'canceling',
      cancel_initiated_at: iso(T0 + 3500),
      ended_at: null,
      results_url: null,
      request_counts: { processing: 10, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
    });
    // A second cancel while canceling changes nothing.
    t.advance(1000);
    expect(await t.client.messages.batches.cancel(created.id)).toEqual({ ...canceling });

    t.advance(59_000);
    const ended = await t.client.messages.batches.retrieve(created.id);
    // Two requests were in flight (the drain) and still finished: 5 answered, one of them errored.
    expect(ended).toMatchObject({
      processing_status: 'ended',
      ended_at: iso(T0 + 3500 + 60_000),
      cancel_initiated_at: iso(T0 + 3500),
      request_counts: { processing: 0, succeeded: 4, errored: 1, canceled: 5, expired: 0 },
    });

    const lines = await results(t.client, created.id);
    expect(lines).toHaveLength(10);
    expect(new Set(lines.map((l) => l.custom_id))).toEqual(new Set(names));
    const counts = countTypes(lines);
    expect(counts).toEqual({ succeeded: 4, errored: 1, canceled: 5, expired: 0 });
    expect(lines.filter((l) => l.result.type === 'canceled').map((l) => l.result)).toEqual(
      Array.from({ length: 5 }, () => ({ type: 'canceled' })),
    );
    // "Not guaranteed to be in the same order as requests": shuffled, but the same on every read.
    expect(lines.map((l) => l.custom_id)).not.toEqual(names);
    expect((await results(t.client, created.id)).map((l) => l.custom_id)).toEqual(
      lines.map((l) => l.custom_id),
    );

    // An ended batch cannot be canceled: 400 invalid_request_error (see MessageBatchRegistry.cancel).
    const again = await failure(t.client.messages.batches.cancel(created.id));
    expect(again).toBeInstanceOf(BadRequestError);
    const error = again as BadRequestError;
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('already ended') },
      request_id: error.requestID,
    });
    expect(error.requestID).toMatch(/^req_01/);
  });

  it('expires what is unfinished after 24 h; with a cancel elsewhere all four result types appear', async () => {
    const t = await start({ timing: { perRequestMs: 10 * HOUR } });
    const created = await t.client.messages.batches.create({
      requests: [request('e0'), request('e1', 70_000), request('e2'), request('e3')],
    });
    t.advance(DAY - 1);
    expect((await t.client.messages.batches.retrieve(created.id)).processing_status).toBe('in_progress');
    t.advance(1);
    const ended = await t.client.messages.batches.retrieve(created.id);
    expect(ended).toMatchObject({
      processing_status: 'ended',
      ended_at: ended.expires_at,
      cancel_initiated_at: null,
      request_counts: { processing: 0, succeeded: 1, errored: 1, canceled: 0, expired: 2 },
    });
    const expired = await results(t.client, created.id);
    const seeded = t.sim.seedMessageBatch({ status: 'ended', requests: 8, completedFraction: 0.5 });
    const canceled = await results(t.client, seeded.id);
    const counts = countTypes([...expired, ...canceled]);
    for (const type of ['succeeded', 'errored', 'canceled', 'expired'])
      expect(counts[type]).toBeGreaterThan(0);
    // Each batch's lines reconcile with its request_counts.
    for (const [batch, lines] of [
      [ended, expired],
      [seeded, canceled],
    ] as const) {
      const { processing, ...rest } = batch.request_counts;
      expect(processing).toBe(0);
      expect(countTypes(lines)).toEqual(rest);
    }
  });

  it('deletes only ended batches, and a deleted batch is gone', async () => {
    const t = await start({ timing: { perRequestMs: 1000 } });
    const created = await t.client.messages.batches.create({ requests: [request('only')] });
    const early = await failure(t.client.messages.batches.delete(created.id));
    expect(early).toBeInstanceOf(BadRequestError);
    t.advance(1000);
    expect(await t.client.messages.batches.delete(created.id)).toEqual({
      id: created.id,
      type: 'message_batch_deleted',
    });
    expect(await failure(t.client.messages.batches.retrieve(created.id))).toBeInstanceOf(NotFoundError);
    expect((await t.client.messages.batches.list()).data).toEqual([]);
  });

  it('stops serving results once archived, 29 days after creation', async () => {
    const t = await start();
    const batch = t.sim.seedMessageBatch({ status: 'ended', requests: 4, completedFraction: 1 });
    expect(batch.request_counts.succeeded + batch.request_counts.errored).toBe(4);
    expect(await results(t.client, batch.id)).toHaveLength(4);
    const archiveAt = Date.parse(batch.created_at) + ARCHIVE_AFTER_MS;
    t.advance(archiveAt - t.now() - 1);
    expect((await t.client.messages.batches.retrieve(batch.id)).archived_at).toBeNull();
    t.advance(1);
    const archived = await t.client.messages.batches.retrieve(batch.id);
    expect(archived.archived_at).toBe(iso(archiveAt));
    const gone = await failure(results(t.client, batch.id));
    expect(gone).toBeInstanceOf(NotFoundError);
    expect((gone as NotFoundError).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });
  });
});

describe('Anthropic mode: errors and authentication', () => {
  it('answers an unknown id with not_found_error, which the SDK raises as NotFoundError', async () => {
    const t = await start();
    const error = await failure(t.client.messages.batches.retrieve('msgbatch_01nope'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
    expect((error as NotFoundError).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining('msgbatch_01nope') },
    });
  });

  it('refuses a wrong or missing x-api-key with 401 authentication_error', async () => {
    const t = await start();
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: t.sim.url, maxRetries: 0 });
    const error = await failure(wrong.messages.batches.list());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as AuthenticationError).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
    const missing = await raw(t.sim, '/v1/messages/batches', { 'anthropic-version': '2023-06-01' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { type: 'authentication_error' } });
  });

  it('requires anthropic-version: 400 invalid_request_error with a request-id', async () => {
    const t = await start();
    const response = await raw(t.sim, '/v1/messages/batches', { 'x-api-key': t.sim.apiKey });
    expect(response.status).toBe(400);
    const requestId = response.headers.get('request-id');
    expect(requestId).toMatch(/^req_01[A-Za-z0-9]{22}$/);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
      request_id: requestId,
    });
    const unknown = await raw(t.sim, '/v1/messages/batches', {
      'x-api-key': t.sim.apiKey,
      'anthropic-version': '1999-01-01',
    });
    expect(unknown.status).toBe(400);
    const ok = await raw(t.sim, '/v1/messages/batches', {
      'x-api-key': t.sim.apiKey,
      'anthropic-version': '2023-06-01',
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: [], has_more: false, first_id: null, last_id: null });
  });

  it("validates a create body with 400s, and serves none of OpenAI's routes", async () => {
    const t = await start();
    const badId = await failure(
      t.client.messages.batches.create({ requests: [request('no spaces allowed')] }),
    );
    expect(badId).toBeInstanceOf(BadRequestError);
    expect((badId as BadRequestError).message).toContain('requests.0.custom_id');
    const duplicate = await failure(
      t.client.messages.batches.create({ requests: [request('x'), request('x')] }),
    );
    expect(duplicate).toBeInstanceOf(BadRequestError);
    const empty = await failure(t.client.messages.batches.create({ requests: [] }));
    expect(empty).toBeInstanceOf(BadRequestError);
    expect((await t.client.messages.batches.list()).data).toEqual([]);

    const headers = { 'x-api-key': t.sim.apiKey, 'anthropic-version': '2023-06-01' };
    const openai = await raw(t.sim, '/v1/batches', headers);
    expect(openai.status).toBe(404);
    expect(await openai.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('refuses anthropic with azure or webhooks, and the OpenAI-only calls', async () => {
    await expect(startSimulator({ anthropic: true, azure: true })).rejects.toThrow(
      '`anthropic` and `azure` do not mix',
    );
    await expect(
      startSimulator({ anthropic: true, webhooks: { url: 'http://127.0.0.1:9/hooks', secret: 'whsec_x' } }),
    ).rejects.toThrow('`webhooks` and `anthropic` do not mix');
    const t = await start();
    expect(() => t.sim.seedBatch({ status: 'in_progress', requests: 1 })).toThrow('seedMessageBatch');
    expect(() => t.sim.seedMessageBatch({ status: 'failed', requests: 1 })).toThrow(RangeError);

    const openai = await startSimulator();
    open.push(openai);
    expect(openai.url).toBe(`${openai.endpoint}/v1`);
    expect(() => openai.seedMessageBatch({ status: 'ended', requests: 1 })).toThrow('anthropic: true');
    expect(() => openai.injectFault('batches.list', { kind: 'overloaded' })).toThrow(InvalidFaultError);
  });
});

describe('Anthropic mode: seeded batches', () => {
  it('maps in_progress, canceling and ended (a mix), and moves them on with the clock', async () => {
    const t = await start({ timing: { cancelDelayMs: 10_000 } });
    const running = t.sim.seedMessageBatch({ status: 'in_progress', requests: 20, id: 'msgbatch_01chosen' });
    expect(running).toMatchObject({
      id: 'msgbatch_01chosen',
      processing_status: 'in_progress',
      request_counts: { processing: 20, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      results_url: null,
    });
    const canceling = t.sim.seedMessageBatch({ status: 'canceling', requests: 10, completedFraction: 0.3 });
    expect(canceling).toMatchObject({ processing_status: 'canceling', cancel_initiated_at: iso(T0) });
    const ended = t.sim.seedMessageBatch({
      status: 'ended',
      requests: 10,
      completedFraction: 0.6,
      failedFraction: 0.5,
    });
    expect(ended).toMatchObject({
      processing_status: 'ended',
      ended_at: iso(T0),
      request_counts: { processing: 0, succeeded: 3, errored: 3, canceled: 4, expired: 0 },
    });
    const expired = t.sim.seedMessageBatch({ status: 'expired', requests: 10, completedFraction: 0.2 });
    expect(expired).toMatchObject({
      processing_status: 'ended',
      ended_at: expired.expires_at,
      request_counts: { expired: 8 },
    });

    t.advance(10_000);
    const canceled = await t.client.messages.batches.retrieve(canceling.id);
    expect(canceled).toMatchObject({
      processing_status: 'ended',
      ended_at: iso(T0 + 10_000),
      request_counts: { processing: 0, canceled: 7 },
    });
    expect(canceled.request_counts.succeeded + canceled.request_counts.errored).toBe(3);
    const lines = await results(t.client, ended.id);
    expect(lines.every((l) => /^request-\d{6}$/.test(l.custom_id))).toBe(true);
    expect(countTypes(lines)).toEqual({ succeeded: 3, errored: 3, canceled: 4, expired: 0 });
  });
});

describe('Anthropic mode: fault injection on the Message Batches routes', () => {
  it('raises a 529 overloaded_error that the SDK sees as an APIError with status 529', async () => {
    const t = await start();
    const batch = t.sim.seedMessageBatch({ status: 'in_progress', requests: 3 });
    t.sim.injectFault('messages_batches.retrieve', { kind: 'overloaded' });
    const error = await failure(t.client.messages.batches.retrieve(batch.id));
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as APIError).status).toBe(529);
    expect((error as APIError).error).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect((await t.client.messages.batches.retrieve(batch.id)).id).toBe(batch.id);
    expect(t.sim.stats().faultsInjected.overloaded).toBe(1);
    expect(t.sim.stats().requests['messages_batches.retrieve']).toBe(2);
  });

  it('rate limits with retry-after, fails with api_error, resets, and cuts the results body', async () => {
    const t = await start();
    t.sim.injectFault('messages_batches.list', { kind: 'rate_limit', retryAfterSeconds: 7 });
    const limited = await failure(t.client.messages.batches.list());
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers?.get('retry-after')).toBe('7');
    expect((limited as RateLimitError).error).toMatchObject({ error: { type: 'rate_limit_error' } });

    t.sim.injectFault('messages_batches.create', { kind: 'server_error' });
    const broken = await failure(t.client.messages.batches.create({ requests: [request('a')] }));
    expect(broken).toBeInstanceOf(InternalServerError);
    expect((broken as InternalServerError).status).toBe(500);
    expect((broken as InternalServerError).error).toMatchObject({ error: { type: 'api_error' } });

    t.sim.injectFault('messages_batches.cancel', { kind: 'reset' });
    const seeded = t.sim.seedMessageBatch({ status: 'in_progress', requests: 2 });
    expect(await failure(t.client.messages.batches.cancel(seeded.id))).toBeInstanceOf(APIConnectionError);
    expect(t.sim.getMessageBatch(seeded.id)?.processing_status).toBe('in_progress');

    const ended = t.sim.seedMessageBatch({ status: 'ended', requests: 50, completedFraction: 1 });
    t.sim.injectFault('messages_batches.results', { kind: 'cut_body', afterBytes: 300 });
    await expect(results(t.client, ended.id)).rejects.toThrow();
    expect(await results(t.client, ended.id)).toHaveLength(50);
    expect(t.sim.stats().faultsInjected).toMatchObject({
      rate_limit: 1,
      server_error: 1,
      reset: 1,
      cut_body: 1,
    });
    expect(() => t.sim.injectFault('messages_batches.list', { kind: 'cut_body', afterBytes: 1 })).toThrow(
      InvalidFaultError,
    );
  });
});

describe('simulator command with --anthropic', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY, and serves them to the SDK', async () => {
    const { proc, output } = await spawnSimulatorCommand(
      ['--anthropic', '--port', '0'],
      /canceling takes/,
      cleanEnv(),
    );
    child = proc;
    const baseURL = /ANTHROPIC_BASE_URL=(\S+)/.exec(output)?.[1] ?? '';
    const apiKey = /ANTHROPIC_API_KEY=(\S+)/.exec(output)?.[1] ?? '';
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(apiKey).toBe('sk-simulator');

    const client = new Anthropic({ apiKey, baseURL, maxRetries: 0 });
    const batch = await client.messages.batches.create({ requests: [request('cli')] });
    expect(batch.processing_status).toBe('in_progress');
    expect((await client.messages.batches.list()).data.map((b) => b.id)).toEqual([batch.id]);

    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses --anthropic with --azure: one line, exit 2', async () => {
    const run = await runTsx(
      'tools/simulator/main.ts',
      ['--anthropic', '--azure', '--port', '0'],
      cleanEnv(),
    );
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual([
      'openai-batch-cancel: --anthropic and --azure do not mix: run two simulators',
    ]);
  });
});
