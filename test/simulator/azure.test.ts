/**
 * Azure mode, driven by the openai SDK's real AzureOpenAI client on the classic surface
 * (`/openai/…?api-version=`) and by the plain OpenAI client on the v1 surface (`/openai/v1/…`),
 * plus what Azure's gateway answers by itself: no api-version, a wrong key, OpenAI's own paths.
 */
import { type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import OpenAI, { AzureOpenAI, toFile } from 'openai';
import {
  BatchListPageSchema,
  BatchResultLineSchema,
  BatchSchema,
  FileObjectSchema,
} from '../../src/providers/openai/schemas';
import { type BatchSimulator, startSimulator } from '../../tools/simulator';
import { cleanEnv, runTsx, stderrLines } from '../cli/run-cli';
import { chatLine, contentText, jsonlLines, spawnSimulatorCommand, T0 } from './helpers';

const API_VERSION = '2024-10-21';
const NOT_FOUND = { error: { code: '404', message: 'Resource not found' } };
const DENIED = {
  error: {
    code: '401',
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  },
};
const BAD_TOKEN = {
  statusCode: 401,
  message:
    'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
};

interface Sent {
  url: URL;
  headers: Headers;
}

/** A fetch that records what the SDK sends, so tests assert the SDK's real requests. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    // The SDK probes its fetch's FormData support with a `data:` URL before an upload.
    if (url.protocol === 'http:') sent.push({ url, headers: request.headers });
    return fetch(input, init);
  };
}

function azureClient(
  sim: BatchSimulator,
  opts: { apiKey?: string; token?: string; sent?: Sent[] } = {},
): AzureOpenAI {
  return new AzureOpenAI({
    endpoint: sim.endpoint,
    ...(opts.token !== undefined
      ? { azureADTokenProvider: async () => opts.token ?? '' }
      : { apiKey: opts.apiKey ?? sim.apiKey }),
    apiVersion: API_VERSION,
    maxRetries: 0,
    timeout: 20_000,
    ...(opts.sent ? { fetch: recordingFetch(opts.sent) } : {}),
  });
}

function v1Client(sim: BatchSimulator, sent?: Sent[]): OpenAI {
  return new OpenAI({
    baseURL: `${sim.endpoint}/openai/v1`,
    apiKey: sim.apiKey,
    defaultHeaders: { 'api-key': sim.apiKey },
    maxRetries: 0,
    timeout: 20_000,
    ...(sent ? { fetch: recordingFetch(sent) } : {}),
  });
}

/** A raw request to the simulator's origin, with the key in `api-key` unless told otherwise. */
function azureFetch(
  sim: BatchSimulator,
  path: string,
  init: RequestInit & { apiKey?: string | null } = {},
): Promise<Response> {
  const { apiKey = sim.apiKey, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (apiKey !== null) headers.set('api-key', apiKey);
  return fetch(`${sim.endpoint}${path}`, { ...rest, headers });
}

describe('simulator in Azure mode', () => {
  let sim: BatchSimulator;
  let now: number;
  beforeEach(async () => {
    now = T0;
    sim = await startSimulator({ azure: true, clock: () => now, timing: { cancelDelayMs: 60_000 } });
  });
  afterEach(() => sim.close());

  it('reports the bare endpoint for AzureOpenAI and the v1 surface as its base URL', () => {
    expect(sim.endpoint).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.url).toBe(`${sim.endpoint}/openai/v1`);
  });

  it('retrieves, lists and cancels a seeded batch through AzureOpenAI on the classic surface', async () => {
    const sent: Sent[] = [];
    const client = azureClient(sim, { sent });
    const seeded = sim.seedBatch({ status: 'in_progress', requests: 40 });
    const other = sim.seedBatch({ status: 'completed', requests: 3 });

    const got = BatchSchema.parse(await client.batches.retrieve(seeded.id));
    expect(got).toEqual(seeded);
    expect(got.status).toBe('in_progress');

    const page = await client.batches.list();
    expect(page.data.map((b) => b.id)).toEqual([other.id, seeded.id]);
    expect(page.has_more).toBe(false);

    const cancelling = await client.batches.cancel(seeded.id);
    expect(cancelling).toMatchObject({ id: seeded.id, status: 'cancelling', cancelling_at: T0 / 1000 });
    now += 60_000;
    expect((await client.batches.retrieve(seeded.id)).status).toBe('cancelled');

    // What the SDK really sent: /openai paths, the pinned api-version, the key in `api-key` only.
    expect(sent.map((s) => s.url.pathname)).toEqual([
      `/openai/batches/${seeded.id}`,
      '/openai/batches',
      `/openai/batches/${seeded.id}/cancel`,
      `/openai/batches/${seeded.id}`,
    ]);
    for (const s of sent) {
      expect(s.url.searchParams.get('api-version')).toBe(API_VERSION);
      expect(s.headers.get('api-key')).toBe(sim.apiKey);
      expect(s.headers.get('authorization')).toBeNull();
    }
    expect(sim.stats().requests).toMatchObject({
      'batches.retrieve': 2,
      'batches.list': 1,
      'batches.cancel': 1,
    });
  });

  it('uploads a file and creates a batch through AzureOpenAI (POST /batches keeps its path)', async () => {
    const client = azureClient(sim);
    const lines = [chatLine('a'), chatLine('b')];
    const file = FileObjectSchema.parse(
      await client.files.create({
        file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'input.jsonl'),
        purpose: 'batch',
      }),
    );
    expect(await contentText(client, file.id)).toBe(lines.join('\n') + '\n');
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    expect(batch).toMatchObject({ status: 'validating', input_file_id: file.id });
    expect(sim.getBatch(batch.id)?.id).toBe(batch.id);
  });

  it('serves the output file, and an empty error file for a batch completed without failures', async () => {
    const client = azureClient(sim);
    const clean = sim.seedBatch({ status: 'completed', requests: 5, failedFraction: 0 });
    expect(clean.request_counts).toEqual({ total: 5, completed: 5, failed: 0 });

    const output = jsonlLines(await contentText(client, clean.output_file_id ?? ''));
    expect(output).toHaveLength(5);
    expect(output.map((l) => BatchResultLineSchema.parse(JSON.parse(l)).custom_id)).toEqual([
      'request-000000',
      'request-000001',
      'request-000002',
      'request-000003',
      'request-000004',
    ]);

    expect(clean.error_file_id).toEqual(expect.stringMatching(/^file-/));
    const errorFile = await client.files.retrieve(clean.error_file_id ?? '');
    expect(errorFile).toMatchObject({ bytes: 0, purpose: 'batch_output' });
    const empty = await client.files.content(clean.error_file_id ?? '');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');

    // With failures the error file carries them, as in OpenAI mode.
    const failing = sim.seedBatch({ status: 'completed', requests: 10, failedFraction: 0.5 });
    const errors = jsonlLines(await contentText(client, failing.error_file_id ?? ''));
    expect(errors).toHaveLength(failing.request_counts?.failed ?? -1);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('keeps OpenAI mode unchanged: no error file for a batch completed without failures', async () => {
    const openaiSim = await startSimulator({ clock: () => now });
    try {
      const clean = openaiSim.seedBatch({ status: 'completed', requests: 5, failedFraction: 0 });
      expect(clean.error_file_id).toBeNull();
      expect(clean.output_file_id).not.toBeNull();
      expect(openaiSim.url).toBe(`${openaiSim.endpoint}/v1`);
    } finally {
      await openaiSim.close();
    }
  });

  it('serves the v1 surface to the plain OpenAI client, without api-version', async () => {
    const sent: Sent[] = [];
    const client = v1Client(sim, sent);
    const seeded = sim.seedBatch({ status: 'in_progress', requests: 10 });
    expect(await client.batches.retrieve(seeded.id)).toEqual(seeded);
    expect((await client.batches.list()).data.map((b) => b.id)).toEqual([seeded.id]);
    expect(await client.batches.cancel(seeded.id)).toMatchObject({ status: 'cancelling' });
    const file = await client.files.create({
      file: await toFile(Buffer.from(chatLine('x') + '\n'), 'input.jsonl'),
      purpose: 'batch',
    });
    expect((await client.files.list()).data.map((f) => f.id)).toContain(file.id);

    expect(sent.map((s) => s.url.pathname)).toEqual([
      `/openai/v1/batches/${seeded.id}`,
      '/openai/v1/batches',
      `/openai/v1/batches/${seeded.id}/cancel`,
      '/openai/v1/files',
      '/openai/v1/files',
    ]);
    for (const s of sent) {
      expect(s.url.searchParams.has('api-version')).toBe(false);
      // The plain client sends its apiKey as a bearer token, next to the `api-key` default header.
      expect(s.headers.get('api-key')).toBe(sim.apiKey);
      expect(s.headers.get('authorization')).toBe(`Bearer ${sim.apiKey}`);
    }

    // The v1 reference's api-version takes `v1` or `preview` only; a dated one is refused.
    const raw = await azureFetch(sim, '/openai/v1/batches?api-version=preview');
    expect(BatchListPageSchema.parse(await raw.json()).data.map((b) => b.id)).toEqual([seeded.id]);
    expect((await azureFetch(sim, '/openai/v1/batches?api-version=v1')).status).toBe(200);
    const dated = await azureFetch(sim, `/openai/v1/batches?api-version=${API_VERSION}`);
    expect(dated.status).toBe(400);
    expect(await dated.json()).toEqual({
      error: { code: 'BadRequest', message: 'API version not supported' },
    });
  });

  it('answers 404 Resource not found on every classic path without api-version', async () => {
    const b = sim.seedBatch({ status: 'completed', requests: 2 });
    const paths: [string, string][] = [
      ['GET', '/openai/batches'],
      ['POST', '/openai/batches'],
      ['GET', `/openai/batches/${b.id}`],
      ['POST', `/openai/batches/${b.id}/cancel`],
      ['GET', '/openai/files'],
      ['GET', `/openai/files/${b.input_file_id}`],
      ['GET', `/openai/files/${b.input_file_id}/content`],
    ];
    for (const [method, path] of paths) {
      const res = await azureFetch(sim, path, { method });
      expect({ method, path, status: res.status, body: await res.json() }).toEqual({
        method,
        path,
        status: 404,
        body: NOT_FOUND,
      });
      // The same call with a version is served.
      const ok = await azureFetch(sim, `${path}?api-version=${API_VERSION}`, { method });
      expect({ path, ok: ok.status !== 404 }).toEqual({ path, ok: true });
    }
    expect(sim.stats().requests['batches.retrieve']).toBe(1);

    const unknownVersion = await azureFetch(sim, '/openai/batches?api-version=banana');
    expect(unknownVersion.status).toBe(400);
    expect(await unknownVersion.json()).toEqual({
      error: { code: 'BadRequest', message: 'API version not supported' },
    });
    const preview = await azureFetch(sim, '/openai/batches?api-version=2025-03-01-preview');
    expect(preview.status).toBe(200);
  });

  it('refuses a wrong or missing key with 401 and Azure’s body, through the SDK and raw', async () => {
    const b = sim.seedBatch({ status: 'in_progress', requests: 2 });
    const wrong = azureClient(sim, { apiKey: 'not-the-key' });
    await expect(wrong.batches.retrieve(b.id)).rejects.toMatchObject({
      status: 401,
      error: DENIED.error,
    });
    await expect(wrong.batches.retrieve(b.id)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    for (const apiKey of ['not-the-key', null]) {
      const res = await azureFetch(sim, `/openai/batches/${b.id}?api-version=${API_VERSION}`, { apiKey });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(DENIED);
    }
    const v1 = await azureFetch(sim, `/openai/v1/batches/${b.id}`, { apiKey: null });
    expect(v1.status).toBe(401);
    expect(await v1.json()).toEqual(DENIED);
  });

  it('accepts an Entra ID bearer token equal to the key, and refuses another with Entra’s body', async () => {
    const b = sim.seedBatch({ status: 'in_progress', requests: 2 });
    const sent: Sent[] = [];
    const entra = azureClient(sim, { token: sim.apiKey, sent });
    expect((await entra.batches.retrieve(b.id)).id).toBe(b.id);
    expect(sent[0]?.headers.get('authorization')).toBe(`Bearer ${sim.apiKey}`);
    expect(sent[0]?.headers.get('api-key')).toBeNull();

    const bad = azureClient(sim, { token: 'eyJ.not.a-token' });
    await expect(bad.batches.retrieve(b.id)).rejects.toMatchObject({ status: 401 });
    const raw = await azureFetch(sim, `/openai/batches/${b.id}?api-version=${API_VERSION}`, {
      apiKey: null,
      headers: { authorization: 'Bearer eyJ.not.a-token' },
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual(BAD_TOKEN);
  });

  it('answers 404 Resource not found on OpenAI’s own paths, even with the right key', async () => {
    const b = sim.seedBatch({ status: 'in_progress', requests: 2 });
    for (const path of ['/v1/batches', `/v1/batches/${b.id}`, '/v1/files', '/openai/deployments']) {
      const res = await fetch(`${sim.endpoint}${path}`, {
        headers: { authorization: `Bearer ${sim.apiKey}`, 'api-key': sim.apiKey },
      });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(await res.json()).toEqual(NOT_FOUND);
    }
    const openaiStyle = new OpenAI({ apiKey: sim.apiKey, baseURL: `${sim.endpoint}/v1`, maxRetries: 0 });
    await expect(openaiStyle.batches.retrieve(b.id)).rejects.toMatchObject({ status: 404 });
    expect(sim.stats().requests['batches.retrieve']).toBe(0);
  });

  it('seeds a batch under a given id on several simulators, and refuses that id twice', async () => {
    const id = 'batch_shared_by_three';
    const openaiSim = await startSimulator({ seed: 7 });
    const second = await startSimulator({ azure: true, seed: 9 });
    try {
      const seeded = [
        sim.seedBatch({ id, status: 'in_progress', requests: 4 }),
        openaiSim.seedBatch({ id, status: 'completed', requests: 4 }),
        second.seedBatch({ id, status: 'cancelled', requests: 4 }),
      ];
      expect(seeded.map((b) => [b.id, b.status])).toEqual([
        [id, 'in_progress'],
        [id, 'completed'],
        [id, 'cancelled'],
      ]);
      expect((await azureClient(sim).batches.retrieve(id)).status).toBe('in_progress');
      expect((await azureClient(second).batches.retrieve(id)).status).toBe('cancelled');
      const viaOpenAI = new OpenAI({ apiKey: openaiSim.apiKey, baseURL: openaiSim.url, maxRetries: 0 });
      expect((await viaOpenAI.batches.retrieve(id)).status).toBe('completed');

      expect(() => sim.seedBatch({ id, status: 'completed', requests: 1 })).toThrow(
        `seedBatch: a batch with id '${id}' already exists`,
      );
      // A generated id is refused too, and generated ids never land on a chosen one.
      const generated = sim.seedBatch({ status: 'validating', requests: 1 });
      expect(() => sim.seedBatch({ id: generated.id, status: 'completed', requests: 1 })).toThrow(
        /already exists/,
      );
      expect(() => sim.seedBatch({ id: '', status: 'completed', requests: 1 })).toThrow(RangeError);
      const page = await azureClient(sim).batches.list();
      expect(page.data.map((b) => b.id)).toEqual([generated.id, id]);
    } finally {
      await Promise.all([openaiSim.close(), second.close()]);
    }
  });

  it('never hands out a generated id that a chosen one already took', async () => {
    const probe = await startSimulator({ seed: 5 });
    const fresh = await startSimulator({ seed: 5, azure: true });
    try {
      // The id the seed gives the 2nd batch, taken by the 1st under a chosen id.
      probe.seedBatch({ status: 'completed', requests: 1 });
      const second = probe.seedBatch({ status: 'completed', requests: 1 }).id;
      fresh.seedBatch({ id: second, status: 'completed', requests: 1 });
      const next = fresh.seedBatch({ status: 'in_progress', requests: 1 });
      expect(next.id).not.toBe(second);
      expect(next.id).toMatch(/^batch_[0-9a-f]{32}$/);
      expect(fresh.getBatch(second)?.status).toBe('completed');
    } finally {
      await Promise.all([probe.close(), fresh.close()]);
    }
  });

  it('restricts the classic surface to `apiVersions`, and refuses options that cannot work', async () => {
    const pinned = await startSimulator({ azure: { apiVersions: [API_VERSION] } });
    try {
      expect((await azureFetch(pinned, `/openai/batches?api-version=${API_VERSION}`)).status).toBe(200);
      const other = await azureFetch(pinned, '/openai/batches?api-version=2025-03-01-preview');
      expect(other.status).toBe(400);
      expect(await other.json()).toEqual({
        error: { code: 'BadRequest', message: 'API version not supported' },
      });
    } finally {
      await pinned.close();
    }
    await expect(startSimulator({ azure: { apiVersions: [] } })).rejects.toThrow(/apiVersions.*empty/);
    await expect(
      startSimulator({
        azure: true,
        webhooks: { url: 'http://127.0.0.1:9/hooks', secret: `whsec_${Buffer.alloc(24).toString('base64')}` },
      }),
    ).rejects.toThrow('`webhooks` and `azure` do not mix');
  });
});

describe('simulator command with --azure', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the endpoint, key and api-version that AzureOpenAI needs, and serves them', async () => {
    const { proc, output } = await spawnSimulatorCommand(
      ['--azure', '--port', '0'],
      /v1 surface/,
      cleanEnv(),
    );
    child = proc;
    const endpoint = /AZURE_OPENAI_ENDPOINT=(\S+)/.exec(output)?.[1] ?? '';
    const apiKey = /AZURE_OPENAI_API_KEY=(\S+)/.exec(output)?.[1] ?? '';
    const apiVersion = /OPENAI_API_VERSION=(\S+)/.exec(output)?.[1] ?? '';
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain(`v1 surface (no api-version): ${endpoint}/openai/v1`);

    const client = new AzureOpenAI({ endpoint, apiKey, apiVersion, maxRetries: 0 });
    expect((await client.batches.list()).data).toEqual([]);
    expect((await fetch(`${endpoint}/v1/batches`)).status).toBe(404);

    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses --azure with --webhook-* flags: one line, exit 2', async () => {
    const run = await runTsx(
      'tools/simulator/main.ts',
      ['--azure', '--port', '0', '--webhook-url', 'http://127.0.0.1:9/hooks'],
      cleanEnv({ OPENAI_WEBHOOK_SECRET: `whsec_${Buffer.alloc(24).toString('base64')}` }),
    );
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual(['openai-batch-cancel: --webhook-* flags do not mix with --azure']);
  });
});
