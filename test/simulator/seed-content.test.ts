/**
 * Seeded content for salvage-report tests: several models, detailed usage, the batch object's own
 * usage, duplicated input ids and answers for ids the input lacks, each served consistently
 * (what `expectedFile` predicts is what the API serves).
 */
import { clientFor, contentText, jsonlLines } from './helpers';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';

describe('simulator seeded content', () => {
  let sim: BatchSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());

  it('serves answers of two models with cached and reasoning tokens, and the batch usage is their sum', async () => {
    const batch = sim.seedBatch({
      status: 'completed',
      requests: 40,
      failedFraction: 0.1,
      content: { models: ['gpt-4o-mini', 'gpt-4.1'], detailedUsage: true, reportUsage: true },
    });
    const client = clientFor(sim);
    const text = await contentText(client, batch.output_file_id!);
    expect(Buffer.byteLength(text)).toBe((await sim.expectedFile(batch.output_file_id!)).bytes);
    const input = await contentText(client, batch.input_file_id);
    expect(Buffer.byteLength(input)).toBe((await sim.expectedFile(batch.input_file_id)).bytes);
    const bodies = jsonlLines(text).map(
      (l) =>
        (
          JSON.parse(l) as {
            response: {
              body: {
                model: string;
                usage: {
                  prompt_tokens: number;
                  completion_tokens: number;
                  prompt_tokens_details: { cached_tokens: number };
                  completion_tokens_details: { reasoning_tokens: number };
                };
              };
            };
          }
        ).response.body,
    );
    expect(new Set(bodies.map((b) => b.model))).toEqual(new Set(['gpt-4o-mini', 'gpt-4.1']));
    const sum = (f: (u: (typeof bodies)[number]['usage']) => number) =>
      bodies.reduce((a, b) => a + f(b.usage), 0);
    expect(sim.getBatch(batch.id)?.usage).toEqual({
      input_tokens: sum((u) => u.prompt_tokens),
      input_tokens_details: { cached_tokens: sum((u) => u.prompt_tokens_details.cached_tokens) },
      output_tokens: sum((u) => u.completion_tokens),
      output_tokens_details: { reasoning_tokens: sum((u) => u.completion_tokens_details.reasoning_tokens) },
      total_tokens: sum((u) => u.prompt_tokens + u.completion_tokens),
    });
  });

  it('repeats custom_ids at the end of the input and appends answers for ids the input lacks', async () => {
    const batch = sim.seedBatch({
      status: 'completed',
      requests: 10,
      failedFraction: 0,
      content: { duplicateIds: 2, strayResults: 3 },
    });
    const client = clientFor(sim);
    const ids = (text: string) =>
      jsonlLines(text).map((l) => (JSON.parse(l) as { custom_id: string }).custom_id);
    const input = ids(await contentText(client, batch.input_file_id));
    expect(input.slice(-2)).toEqual(['request-000000', 'request-000001']);
    const output = ids(await contentText(client, batch.output_file_id!));
    expect(output).toHaveLength(13);
    expect(output.slice(-3)).toEqual(['stray-0', 'stray-1', 'stray-2']);
    expect(sim.getBatch(batch.id)?.usage).toBeUndefined();
  });
});
