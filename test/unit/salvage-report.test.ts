/**
 * The pieces of the salvage report that need no server: token usage of each API's body shape,
 * reconciliation edge cases, the user's price table, and cutting remaining.jsonl into batch-sized
 * parts. (The whole report runs against the simulator in test/reliability/salvage-report.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { costOf, loadPriceTable } from '../../src/cli/prices';
import { recoverResult, resultLine } from '../../src/providers/openai/result-lines';
import { tokensOfBody } from '../../src/providers/openai/usage';
import { Reconciler } from '../../src/results/reconcile';
import { ResultTally } from '../../src/results/result-tally';
import { splitRemaining, UnsplittableLineError } from '../../src/results/split-remaining';
import { describeReconciliation } from '../../src/contract/salvage-report';

const ok = (customId: string, body: unknown) =>
  resultLine.parse({
    id: `r-${customId}`,
    custom_id: customId,
    response: { status_code: 200, request_id: 'x', body },
    error: null,
  });

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-salvage-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('token usage of one response body', () => {
  it('reads the responses API shape with its details', () => {
    expect(
      tokensOfBody({
        usage: {
          input_tokens: 120,
          input_tokens_details: { cached_tokens: 20 },
          output_tokens: 50,
          output_tokens_details: { reasoning_tokens: 30 },
          total_tokens: 170,
        },
      }),
    ).toEqual({ inputTokens: 120, cachedInputTokens: 20, outputTokens: 50, reasoningTokens: 30 });
  });

  it('reads embeddings (prompt tokens only) and ignores a body without usage or with bad numbers', () => {
    expect(tokensOfBody({ usage: { prompt_tokens: 8, total_tokens: 8 } })).toEqual({
      inputTokens: 8,
      cachedInputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
    expect(tokensOfBody({ id: 'x' }).inputTokens).toBe(0);
    expect(tokensOfBody({ usage: { prompt_tokens: -3, completion_tokens: 'many' } }).inputTokens).toBe(0);
  });

  it('sums per model, and a body naming no model under (unknown)', () => {
    const tally = new ResultTally();
    tally.add(ok('a', { model: 'm1', usage: { prompt_tokens: 10, completion_tokens: 5 } }));
    tally.add(ok('b', { model: 'm1', usage: { prompt_tokens: 1, completion_tokens: 1 } }));
    tally.add(ok('c', {}));
    expect(tally.usage.byModel()).toEqual({
      '(unknown)': { requests: 1, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 },
      m1: { requests: 2, inputTokens: 11, cachedInputTokens: 0, outputTokens: 6, reasoningTokens: 0 },
    });
  });
});

describe('reconciliation', () => {
  it('is unbalanced when a damaged result line names no readable custom_id', () => {
    const tally = new ResultTally();
    tally.add(ok('a', {}));
    tally.addQuarantined(recoverResult(Buffer.from('garbage without an id')));
    const rec = new Reconciler(tally);
    rec.input('a', 'succeeded');
    rec.input('b', 'remaining');
    const result = rec.result();
    expect(result).toMatchObject({ inputLines: 2, succeeded: 1, remaining: 1, balanced: false });
    expect(describeReconciliation(result)).toMatch(
      /^UNBALANCED: 1 succeeded, 0 failed for good, 1 remaining/,
    );
  });

  it('flags an id with two results, and lists at most 100 ids', () => {
    const tally = new ResultTally();
    tally.add(ok('twice', {}));
    tally.add(ok('twice', {}));
    for (let i = 0; i < 150; i++) tally.add(ok(`stray-${i}`, {}));
    const rec = new Reconciler(tally);
    rec.input('twice', 'succeeded');
    const result = rec.result();
    expect(result.balanced).toBe(false);
    expect(result.unbalancedIds).toHaveLength(100);
    expect(result.unbalancedIds).toContain('twice');
  });
});

describe('the price table', () => {
  const write = (value: unknown) => {
    const file = path.join(dir, 'prices.json');
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it('prices a dated model by its prefix, cached tokens at the cached price, with the batch discount', () => {
    const table = loadPriceTable(
      write({ batchDiscount: 0.5, models: { 'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 } } }),
    );
    const cost = costOf(
      'gpt-4o-2024-08-06',
      {
        requests: 1,
        inputTokens: 1_000_000,
        cachedInputTokens: 200_000,
        outputTokens: 100_000,
        reasoningTokens: 0,
      },
      table,
    );
    expect(cost).toEqual({
      currency: 'USD',
      amount: ((800_000 * 2.5 + 200_000 * 1.25 + 100_000 * 10) / 1e6) * 0.5,
      priceOf: 'gpt-4o',
    });
    expect(
      costOf(
        'o3',
        { requests: 1, inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0 },
        table,
      ).amount,
    ).toBeNull();
  });

  it('names the bad field', () => {
    expect(() => loadPriceTable(write({ batchDiscount: 2, models: {} }))).toThrow(/batchDiscount: /);
    expect(() => loadPriceTable(write({ batchDiscount: 0.5, models: { m: { input: 1 } } }))).toThrow(
      /models\.m\.output: /,
    );
  });
});

describe('cutting remaining.jsonl into batches', () => {
  const line = (i: number) =>
    JSON.stringify({
      custom_id: `r-${i}`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'a', messages: [] },
    });

  it('cuts at the request limit and at the byte limit, and rewrites the model', async () => {
    const source = path.join(dir, 'remaining.jsonl');
    fs.writeFileSync(source, Array.from({ length: 25 }, (_, i) => line(i)).join('\n') + '\n');
    const byCount = await splitRemaining(source, path.join(dir, 'count'), { maxRequests: 10 });
    expect(byCount.map((p) => p.lines)).toEqual([10, 10, 5]);
    const size = Buffer.byteLength(`${line(10)}\n`);
    const bySize = await splitRemaining(source, path.join(dir, 'size'), { maxBytes: size * 7 });
    expect(bySize.map((p) => p.lines)).toEqual([7, 7, 7, 4]);
    for (const p of bySize) expect(fs.statSync(p.path).size).toBe(p.bytes);
    const rewritten = await splitRemaining(source, path.join(dir, 'model'), { model: 'gpt-4.1-mini' });
    const text = fs.readFileSync(rewritten[0]!.path, 'utf8');
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { body: { model: string } }).body.model),
    ).toEqual(Array(25).fill('gpt-4.1-mini'));
  });

  it('refuses a line it cannot rewrite, naming the line', async () => {
    const source = path.join(dir, 'remaining.jsonl');
    fs.writeFileSync(source, `${line(0)}\nnot json\n`);
    await expect(splitRemaining(source, path.join(dir, 'x'), { model: 'm' })).rejects.toThrow(
      UnsplittableLineError,
    );
    await expect(splitRemaining(source, path.join(dir, 'y'), { model: 'm' })).rejects.toThrow(
      /line 2: not JSON/,
    );
  });
});
