/** Exact error bodies, read with raw fetch: clients classify errors by these, so they must match OpenAI's. */
import OpenAI from 'openai';
import { type BatchSimulator } from '../../tools/simulator';
import { clientFor, rawFetch, startSimulator } from './helpers';

describe('simulator error responses', () => {
  let sim: BatchSimulator;
  beforeEach(async () => {
    sim = await startSimulator({ apiKey: 'sk-test-correct-key-0000' });
  });
  afterEach(() => sim.close());

  it('answers a wrong key with 401 invalid_api_key without echoing the key', async () => {
    const wrongKey = 'sk-proj-wrongwrongwrongwrong1234';
    const res = await rawFetch(sim, '/batches', {}, wrongKey);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { message: string } };
    expect(body).toEqual({
      error: {
        message: expect.stringMatching(
          /^Incorrect API key provided: sk-\*+1234\. You can find your API key at /,
        ),
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    expect(body.error.message).not.toContain(wrongKey);
    const viaSdk = new OpenAI({ apiKey: wrongKey, baseURL: sim.url, maxRetries: 0 });
    await expect(viaSdk.batches.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('answers a missing Authorization header with 401, as OpenAI does', async () => {
    const res = await rawFetch(sim, '/files/file-x', {}, null);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining("You didn't provide an API key."),
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('answers unknown batch and file ids with 404 in the error shape', async () => {
    const batch = await rawFetch(sim, '/batches/batch_x');
    expect(batch.status).toBe(404);
    expect(await batch.json()).toEqual({
      error: {
        message: "No batch found with id 'batch_x'.",
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
    const file = await rawFetch(sim, '/files/file-x/content');
    expect(file.status).toBe(404);
    expect(await file.json()).toEqual({
      error: {
        message: 'No such File object: file-x',
        type: 'invalid_request_error',
        param: 'id',
        code: null,
      },
    });
    await expect(clientFor(sim).batches.cancel('batch_x')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers a cancel of a terminal batch with 409 and the exact message', async () => {
    const done = sim.seedBatch({ status: 'completed', requests: 2 });
    const res = await rawFetch(sim, `/batches/${done.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: {
        message: "Cannot cancel a batch with status 'completed'.",
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    await expect(clientFor(sim).batches.cancel(done.id)).rejects.toBeInstanceOf(OpenAI.ConflictError);
  });

  it('answers an unknown URL with 404 Invalid URL and an unparseable body with 400', async () => {
    const res = await rawFetch(sim, '/nothing-here', { method: 'PATCH' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        message: 'Invalid URL (PATCH /v1/nothing-here)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const bad = await rawFetch(sim, '/batches', {
      method: 'POST',
      body: '{oops',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('tags every response with an x-request-id like OpenAI', async () => {
    const res = await rawFetch(sim, '/batches');
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
