/**
 * `GET /v1/files` (`files.list` of the official SDKs) as OpenAI's spec has it: newest first by
 * default, `order`, `purpose`, `limit` (1..10,000) and the `after` cursor, in the list shape.
 */
import { FileObjectSchema } from '../../src/providers/openai/schemas';
import { chatLine, type ClockedSimulator, rawFetch, startClocked, uploadJsonl } from './helpers';

describe('simulator files.list', () => {
  let t: ClockedSimulator;
  beforeEach(async () => {
    t = await startClocked();
  });
  afterEach(() => t.sim.close());

  it('lists live files newest first, filters by purpose, pages with after and limit, and honours order', async () => {
    const a = await uploadJsonl(t.client, [chatLine('a')]);
    t.advance(1_000);
    const b = await uploadJsonl(t.client, [chatLine('b')]);
    t.advance(1_000);
    const c = await uploadJsonl(t.client, [chatLine('c')]);
    await t.client.files.delete(b.id);

    const all = await t.client.files.list();
    expect(all.data.map((f) => f.id)).toEqual([c.id, a.id]);
    for (const f of all.data) FileObjectSchema.parse(f);

    const asc = await t.client.files.list({ order: 'asc', limit: 1 });
    expect(asc.data.map((f) => f.id)).toEqual([a.id]);
    expect(asc.has_more).toBe(true);
    const next = await t.client.files.list({ order: 'asc', limit: 1, after: a.id });
    expect(next.data.map((f) => f.id)).toEqual([c.id]);
    expect(next.has_more).toBe(false);

    // The SDK's auto-pagination walks every page through `after`.
    const walked: string[] = [];
    for await (const f of t.client.files.list({ limit: 1 })) walked.push(f.id);
    expect(walked).toEqual([c.id, a.id]);

    expect((await t.client.files.list({ purpose: 'batch' })).data).toHaveLength(2);
    expect((await t.client.files.list({ purpose: 'fine-tune' })).data).toEqual([]);
  });

  it('answers the list shape, and 400 for a limit or order OpenAI refuses', async () => {
    const file = await uploadJsonl(t.client, [chatLine('a')]);
    const res = await rawFetch(t.sim, '/files');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      object: 'list',
      data: [expect.objectContaining({ id: file.id, object: 'file' })],
      first_id: file.id,
      last_id: file.id,
      has_more: false,
    });
    for (const query of ['limit=0', 'limit=10001', 'order=newest']) {
      const bad = await rawFetch(t.sim, `/files?${query}`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    }
  });
});
