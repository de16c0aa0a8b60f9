/**
 * The simulator speaks the Batch + Files API well enough for the official openai SDK: every endpoint
 * is driven through the SDK, and every object it returns satisfies our shared zod schemas.
 */
import { toFile } from 'openai';
import {
  BatchListPageSchema,
  BatchResultLineSchema,
  BatchSchema,
  FileObjectSchema,
  isSuccessfulResult,
} from '../../src/providers/openai/schemas';
import {
  chatLine,
  type ClockedSimulator,
  contentText,
  jsonlLines,
  rawFetch,
  startClocked,
  T0,
  uploadJsonl,
} from './helpers';

describe('simulator API through the openai SDK', () => {
  let t: ClockedSimulator;
  beforeEach(async () => {
    t = await startClocked({ timing: { validatingMs: 1000, perRequestMs: 100, cancelDelayMs: 60_000 } });
  });
  afterEach(() => t.sim.close());

  it('uploads a file, retrieves it, and serves its exact bytes back', async () => {
    const lines = [chatLine('a'), chatLine('b')];
    const file = await uploadJsonl(t.client, lines);
    expect(FileObjectSchema.parse(file)).toMatchObject({
      purpose: 'batch',
      filename: 'input.jsonl',
      object: 'file',
    });
    expect(file.bytes).toBe(Buffer.byteLength(lines.join('\n') + '\n'));
    expect(file.created_at).toBe(T0 / 1000);
    expect(await t.client.files.retrieve(file.id)).toEqual(file);
    expect(await contentText(t.client, file.id)).toBe(lines.join('\n') + '\n');
  });

  it('deletes a file, after which it is 404 everywhere', async () => {
    const file = await uploadJsonl(t.client, [chatLine('a')]);
    expect(await t.client.files.delete(file.id)).toEqual({ id: file.id, object: 'file', deleted: true });
    await expect(t.client.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
    await expect(t.client.files.content(file.id)).rejects.toMatchObject({ status: 404 });
  });

  it('rejects a batch upload that is not .jsonl, as OpenAI does', async () => {
    const file = await toFile(Buffer.from('{}'), 'input.txt');
    await expect(t.client.files.create({ file, purpose: 'batch' })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_file_format',
    });
  });

  it('runs upload → create → retrieve → cancel → cancelled → download of partial results', async () => {
    const lines = Array.from({ length: 10 }, (_, i) =>
      chatLine(`req-${i}`, i === 1 ? { messages: [] } : undefined),
    );
    const file = await uploadJsonl(t.client, lines);
    const created = await t.client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { owner: 'test' },
    });
    expect(BatchSchema.parse(created)).toMatchObject({ status: 'validating', metadata: { owner: 'test' } });
    expect(created.expires_at).toBe(T0 / 1000 + 24 * 3600);

    t.advance(1000 + 4 * 100); // validation, then four requests answered
    const running = await t.client.batches.retrieve(created.id);
    expect(running.status).toBe('in_progress');
    // Request 1 has no model, so it is answered with a 400: three successes, one failure.
    expect(running.request_counts).toEqual({ total: 10, completed: 3, failed: 1 });

    const cancelling = await t.client.batches.cancel(created.id);
    expect(cancelling).toMatchObject({ status: 'cancelling', cancelling_at: T0 / 1000 + 1 });
    t.advance(59_999);
    expect((await t.client.batches.retrieve(created.id)).status).toBe('cancelling');
    t.advance(1);
    const cancelled = BatchSchema.parse(await t.client.batches.retrieve(created.id));
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_at: T0 / 1000 + 61 });
    // Processing stopped at the cancel: counts are frozen at the four answered requests.
    expect(cancelled.request_counts).toEqual({ total: 10, completed: 3, failed: 1 });

    const output = jsonlLines(await contentText(t.client, cancelled.output_file_id ?? ''));
    const errors = jsonlLines(await contentText(t.client, cancelled.error_file_id ?? ''));
    const parsedOut = output.map((l) => BatchResultLineSchema.parse(JSON.parse(l)));
    const parsedErr = errors.map((l) => BatchResultLineSchema.parse(JSON.parse(l)));
    expect(parsedOut.map((l) => l.custom_id)).toEqual(['req-0', 'req-2', 'req-3']);
    expect(parsedOut.every(isSuccessfulResult)).toBe(true);
    expect(parsedErr.map((l) => l.custom_id)).toEqual([
      'req-1',
      'req-4',
      'req-5',
      'req-6',
      'req-7',
      'req-8',
      'req-9',
    ]);
    expect(parsedErr[0]?.response?.status_code).toBe(400);
    expect(parsedErr.slice(1).every((l) => l.response === null && l.error?.code === 'batch_cancelled')).toBe(
      true,
    );

    const outFile = await t.client.files.retrieve(cancelled.output_file_id ?? '');
    expect(outFile).toMatchObject({ purpose: 'batch_output', filename: `${created.id}_output.jsonl` });
    expect((await t.sim.expectedFile(outFile.id)).lines).toBe(3);
  });

  it('lists batches newest first, 20 per page by default, paginating over more than 100 with the SDK', async () => {
    const seeded = Array.from({ length: 130 }, (_, i) =>
      t.sim.seedBatch({ status: 'in_progress', requests: 10 + i }),
    );
    const firstPage = await t.client.batches.list();
    expect(firstPage.data).toHaveLength(20);
    expect(firstPage.has_more).toBe(true);
    expect(firstPage.data[0]?.id).toBe(seeded[129]?.id);

    const raw = BatchListPageSchema.parse(await (await rawFetch(t.sim, '/batches?limit=100')).json());
    expect(raw.data).toHaveLength(100);
    expect(raw).toMatchObject({
      object: 'list',
      has_more: true,
      first_id: seeded[129]?.id,
      last_id: seeded[30]?.id,
    });

    const all: string[] = [];
    for await (const batch of t.client.batches.list({ limit: 100 })) all.push(batch.id);
    expect(all).toEqual(seeded.map((b) => b.id).reverse());

    const lastPage = await (await rawFetch(t.sim, `/batches?limit=100&after=${seeded[30]?.id}`)).json();
    expect(lastPage).toMatchObject({ has_more: false, first_id: seeded[29]?.id, last_id: seeded[0]?.id });
    await expect(t.client.batches.list({ limit: 101 })).rejects.toMatchObject({
      status: 400,
      param: 'limit',
    });
  });

  it('lets a seeded batch input file be reused for a new batch', async () => {
    const seeded = t.sim.seedBatch({ status: 'completed', requests: 5 });
    const input = jsonlLines(await contentText(t.client, seeded.input_file_id));
    expect(input).toHaveLength(5);
    expect(JSON.parse(input[0] ?? '')).toMatchObject({
      custom_id: 'request-000000',
      url: '/v1/chat/completions',
    });
    const again = await t.client.batches.create({
      input_file_id: seeded.input_file_id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    t.advance(1000 + 5 * 100 + 1000);
    expect(await t.client.batches.retrieve(again.id)).toMatchObject({
      status: 'completed',
      request_counts: { total: 5 },
    });
  });

  it('validates create parameters like OpenAI (endpoint, completion_window, unknown file)', async () => {
    const file = await uploadJsonl(t.client, [chatLine('a')]);
    const create = (body: Record<string, unknown>) =>
      t.client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        ...body,
      } as never);
    await expect(create({ endpoint: '/v1/images' })).rejects.toMatchObject({
      status: 400,
      param: 'endpoint',
    });
    await expect(create({ completion_window: '48h' })).rejects.toMatchObject({
      status: 400,
      param: 'completion_window',
    });
    await expect(create({ input_file_id: 'file-nope' })).rejects.toMatchObject({ status: 404 });
  });
});
