/**
 * Fault injection: each kind reaches the SDK as the failure a real network or OpenAI outage would
 * produce, scripted faults come first, and random faults are a pure function of the seed.
 */
import OpenAI from 'openai';
import { type BatchSimulator, InvalidFaultError, type RouteName } from '../../tools/simulator';
import { clientFor, jsonlLines, measureResponse, rawFetch, startSimulator } from './helpers';

describe('fault injection', () => {
  let sim: BatchSimulator;
  let client: OpenAI;
  beforeEach(async () => {
    sim = await startSimulator({ seed: 7 });
    client = clientFor(sim);
  });
  afterEach(() => sim.close());

  it('injects a 5xx in OpenAI error shape, then answers normally', async () => {
    const b = sim.seedBatch({ status: 'in_progress', requests: 5 });
    sim.injectFault('batches.retrieve', { kind: 'server_error', status: 503 });
    const error = await client.batches.retrieve(b.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 503, type: 'server_error', code: 'service_unavailable' });
    expect((await client.batches.retrieve(b.id)).id).toBe(b.id);
    expect(sim.stats().faultsInjected.server_error).toBe(1);
    expect(sim.stats().requests['batches.retrieve']).toBe(2);
  });

  it('injects a 429 with a Retry-After header and code rate_limit_exceeded', async () => {
    sim.injectFault('batches.list', { kind: 'rate_limit', retryAfterSeconds: 7 }, 2);
    for (let i = 0; i < 2; i++) {
      const error = await client.batches.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
      expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    }
    await expect(client.batches.list()).resolves.toBeTruthy();
    expect(sim.stats().faultsInjected.rate_limit).toBe(2);
  });

  it('delays a response by the injected latency', async () => {
    sim.injectFault('batches.list', { kind: 'latency', ms: 300 });
    const started = Date.now();
    await client.batches.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const quick = Date.now();
    await client.batches.list();
    expect(Date.now() - quick).toBeLessThan(250);
    expect(sim.stats().faultsInjected.latency).toBe(1);
  });

  it('resets the connection, which the SDK reports as APIConnectionError', async () => {
    sim.injectFault('batches.cancel', { kind: 'reset' });
    const b = sim.seedBatch({ status: 'in_progress', requests: 5 });
    await expect(client.batches.cancel(b.id)).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    // The reset happened before the handler: the batch was not cancelled.
    expect(sim.getBatch(b.id)?.status).toBe('in_progress');
    expect(sim.stats().faultsInjected.reset).toBe(1);
  });

  it('cuts a file body after N bytes: headers promise more, the stream errors after exactly N', async () => {
    const b = sim.seedBatch({ status: 'completed', requests: 500 });
    const expected = await sim.expectedFile(b.output_file_id ?? '');
    sim.injectFault('files.content', { kind: 'cut_body', afterBytes: 100_000 });
    const response = await client.files.content(b.output_file_id ?? '');
    expect(Number(response.headers.get('content-length'))).toBe(expected.bytes);
    const cut = await measureResponse(response);
    expect(cut.error).toBeDefined();
    expect(cut.bytes).toBe(100_000);
    const whole = await measureResponse(await client.files.content(b.output_file_id ?? ''));
    expect(whole).toEqual({ bytes: expected.bytes, lines: expected.lines, sha256: expected.sha256 });
    expect(sim.stats().faultsInjected.cut_body).toBe(1);
  });

  it.each(['gzip', 'br'] as const)(
    'serves a %s-encoded body whose Content-Length counts the compressed bytes; fetch decodes it exactly',
    async (encoding) => {
      const b = sim.seedBatch({ status: 'completed', requests: 300 });
      const expected = await sim.expectedFile(b.output_file_id ?? '');
      sim.injectFault('files.content', { kind: 'content_encoding', encoding });
      const response = await client.files.content(b.output_file_id ?? '');
      expect(response.headers.get('content-encoding')).toBe(encoding);
      expect(Number(response.headers.get('content-length'))).toBeLessThan(expected.bytes);
      const decoded = await measureResponse(response);
      expect(decoded).toEqual({ bytes: expected.bytes, lines: expected.lines, sha256: expected.sha256 });
      expect(sim.stats().faultsInjected.content_encoding).toBe(1);
    },
  );

  it('refuses content_encoding on a route that serves no file', () => {
    expect(() => sim.injectFault('batches.retrieve', { kind: 'content_encoding', encoding: 'gzip' })).toThrow(
      InvalidFaultError,
    );
  });

  it('refuses cut_body on a route without a body to cut', () => {
    expect(() => sim.injectFault('batches.list', { kind: 'cut_body', afterBytes: 1 })).toThrow(
      InvalidFaultError,
    );
  });

  it('answers 429 insufficient_quota in OpenAI error shape, with no Retry-After', async () => {
    sim.injectFault('batches.cancel', { kind: 'quota_exceeded' });
    const error = await client.batches.cancel('batch_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBeNull();
    expect(sim.stats().faultsInjected.quota_exceeded).toBe(1);
  });

  it('answers 200 with an HTML page or a bare JSON string where a batch was due', async () => {
    const b = sim.seedBatch({ status: 'in_progress', requests: 5 });
    sim.injectFault('batches.retrieve', { kind: 'malformed_body', shape: 'html' });
    sim.injectFault('batches.retrieve', { kind: 'malformed_body', shape: 'json-string' });
    const html = await rawFetch(sim, `/batches/${b.id}`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/);
    // Through the SDK: the JSON string comes back as a string, not as a batch.
    expect(typeof (await client.batches.retrieve(b.id))).toBe('string');
    expect((await client.batches.retrieve(b.id)).id).toBe(b.id);
    expect(sim.stats().faultsInjected.malformed_body).toBe(2);
    expect(() => sim.injectFault('files.content', { kind: 'malformed_body', shape: 'html' })).toThrow(
      InvalidFaultError,
    );
  });

  it('serves malformed result lines at the configured rate, and expectedFile matches what is served', async () => {
    const b = sim.seedBatch({ status: 'completed', requests: 2000, failedFraction: 0 });
    const clean = await sim.expectedFile(b.output_file_id ?? '');
    sim.setFaults({ malformedLineRate: 0.1 });
    const expected = await sim.expectedFile(b.output_file_id ?? '');
    expect(expected.bytes).toBe(clean.bytes); // corrupted lines keep their length
    expect(expected.sha256).not.toBe(clean.sha256);
    const text = await (await client.files.content(b.output_file_id ?? '')).text();
    const bad = jsonlLines(text).filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(bad.length).toBeGreaterThan(150);
    expect(bad.length).toBeLessThan(250);
    expect(bad[0]).toMatch(/^\{"id":"batch_req_.* TRUNCATED$/);
    expect(sim.stats().faultsInjected.malformed_line).toBe(bad.length);
    const again = await measureResponse(await client.files.content(b.output_file_id ?? ''));
    expect(again.sha256).toBe(expected.sha256);
    // Input files are never corrupted.
    expect(
      jsonlLines(await (await client.files.content(b.input_file_id)).text()).every((l) => JSON.parse(l)),
    ).toBeTruthy();
  });

  it("applies '*' rates to every route and lets a route's own entry override them", async () => {
    sim.setFaults({ routes: { '*': { serverErrorRate: 1 }, 'batches.list': { serverErrorRate: 0 } } });
    await expect(client.batches.list()).resolves.toBeTruthy();
    await expect(client.batches.retrieve('batch_x')).rejects.toMatchObject({ status: 500 });
    await expect(client.files.retrieve('file-x')).rejects.toMatchObject({ status: 500 });
    sim.setFaults({ routes: { 'batches.list': { rateLimitRate: 1, retryAfterSeconds: 3 } } });
    const res = await rawFetch(sim, '/batches');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('cuts downloads at random with cutBodyRate, short of the announced length', async () => {
    const b = sim.seedBatch({ status: 'completed', requests: 300 });
    sim.setFaults({ routes: { 'files.content': { cutBodyRate: 1 } } });
    const response = await client.files.content(b.output_file_id ?? '');
    const result = await measureResponse(response);
    expect(result.error).toBeDefined();
    expect(result.bytes).toBeLessThan(Number(response.headers.get('content-length')));
  });

  it('adds latency from the plan to every call of the route', async () => {
    sim.setFaults({ routes: { 'batches.list': { latencyMs: 150 } } });
    const started = Date.now();
    await client.batches.list();
    await client.batches.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sim.stats().faultsInjected.latency).toBe(2);
  });
});

describe('fault determinism', () => {
  /** Outcome per call: 'ok', the HTTP status, or 'reset'. */
  async function outcomes(seed: number, route: RouteName = 'batches.list', calls = 40): Promise<string[]> {
    const sim = await startSimulator({
      seed,
      faults: { routes: { [route]: { serverErrorRate: 0.2, rateLimitRate: 0.2, resetRate: 0.1 } } },
    });
    const client = clientFor(sim);
    const seen: string[] = [];
    try {
      for (let i = 0; i < calls; i++) {
        seen.push(
          await client.batches.list().then(
            () => 'ok',
            (e: unknown) =>
              e instanceof OpenAI.APIConnectionError ? 'reset' : String((e as { status?: number }).status),
          ),
        );
      }
    } finally {
      await sim.close();
    }
    return seen;
  }

  it('fails the same calls for the same seed, and different ones for another seed', async () => {
    const a = await outcomes(42);
    const b = await outcomes(42);
    const c = await outcomes(43);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a)).toEqual(new Set(['ok', '500', '429', 'reset']));
  });

  it('hands out the same ids and the same file bytes for the same seed', async () => {
    const run = async (seed: number) => {
      // Result lines carry timestamps, so the clock is fixed too.
      const sim = await startSimulator({
        seed,
        clock: () => 1_750_000_000_000,
        faults: { malformedLineRate: 0.05 },
      });
      try {
        const b = sim.seedBatch({ status: 'cancelled', requests: 300 });
        return {
          id: b.id,
          out: await sim.expectedFile(b.output_file_id ?? ''),
          err: await sim.expectedFile(b.error_file_id ?? ''),
        };
      } finally {
        await sim.close();
      }
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(a).toEqual(b);
    expect(c.id).not.toBe(a.id);
    expect(c.out.sha256).not.toBe(a.out.sha256);
  });
});
