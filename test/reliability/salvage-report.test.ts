/**
 * The salvage report on a real dev server with the production workflow and activities: tokens per
 * model (chat completions with cached and reasoning details, embeddings) compared with the batch's
 * own usage; reconciliation of every input custom_id (a damaged result line whose custom_id is
 * recovered, duplicated input ids, a result for an id the input does not have); the report in the
 * CLI text, the UI's current details and summary.json; and `resubmit` on the simulator (one new
 * batch across two calls, a 60,000-line remainder split in two).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resultText } from '../../src/cli/format';
import { createOpenAIClient } from '../../src/providers/openai/client';
import { openaiProvider } from '../../src/providers/openai/provider';
import { resubmitRemaining, RESUBMIT_METADATA } from '../../src/client/resubmit';
import type { CancelBatchResult, ModelUsage, ResultsSummary } from '../../src/contract/results';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import { cleanEnv, runCli } from '../cli/run-cli';
import { fastPoll, printFigures } from './support';

jest.setTimeout(180_000);

const figures = {
  models: [] as string[],
  tokensMatchBatch: false,
  duplicatesReported: 0,
  strayIdsReported: [] as string[],
  resubmitBatchesAfterTwoCalls: 0,
  splitParts: [] as number[],
};

type Usage = ModelUsage;
interface ChatUsage {
  prompt_tokens?: number;
  input_tokens?: number;
  completion_tokens?: number;
  output_tokens?: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

/** What the output file says, summed independently of the product's code. */
function usageOfOutput(file: string): Record<string, Usage> {
  const byModel: Record<string, Usage> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const body = (JSON.parse(line) as { response: { body: { model: string; usage: ChatUsage } } }).response
      .body;
    const u = body.usage;
    const m = (byModel[body.model] ??= {
      requests: 0,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
    m.requests++;
    m.inputTokens += u.prompt_tokens ?? u.input_tokens ?? 0;
    m.outputTokens += u.completion_tokens ?? u.output_tokens ?? 0;
    m.cachedInputTokens += u.prompt_tokens_details?.cached_tokens ?? 0;
    m.reasoningTokens += u.completion_tokens_details?.reasoning_tokens ?? 0;
  }
  return byModel;
}

describe('the salvage report', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { cancelDelayMs: 300, perRequestMs: 10_000 } });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
    printFigures('salvage-report', figures);
  });
  afterEach(() => h?.sim.setFaults({}));

  const cancel = (batchId: string): Promise<CancelBatchResult> => h.cancel({ batchId, poll: fastPoll });

  function expectAddsUp(r: ResultsSummary) {
    const rec = r.reconciliation!;
    expect(rec.succeeded + rec.failedPermanent + rec.remaining + rec.quarantined + rec.duplicates).toBe(
      rec.inputLines,
    );
    return rec;
  }

  it('sums tokens per model (chat completions with cached and reasoning tokens) and compares with the batch usage', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 400,
      completedFraction: 0.5,
      content: { models: ['gpt-4o-mini', 'gpt-4.1-mini'], detailedUsage: true, reportUsage: true },
    });
    const result = await cancel(batch.id);
    const r = result.results!;
    const usage = r.usage!;
    expect(Object.keys(usage.byModel)).toEqual(['gpt-4.1-mini', 'gpt-4o-mini']);
    expect(usage.byModel).toEqual(usageOfOutput(r.output!.path));
    const sum = Object.values(usage.byModel).reduce(
      (a, m) => ({
        inputTokens: a.inputTokens + m.inputTokens,
        cachedInputTokens: a.cachedInputTokens + m.cachedInputTokens,
        outputTokens: a.outputTokens + m.outputTokens,
        reasoningTokens: a.reasoningTokens + m.reasoningTokens,
      }),
      { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    );
    expect(sum.cachedInputTokens).toBeGreaterThan(0);
    expect(sum.reasoningTokens).toBeGreaterThan(0);
    expect(usage.batchReported).toEqual(sum);
    expect(result.batch.usage).toEqual(sum);

    const rec = expectAddsUp(r);
    expect(rec).toMatchObject({ inputLines: 400, duplicates: 0, balanced: true, unbalancedIds: [] });
    expect(rec.succeeded).toBe(r.succeeded);
    expect(rec.remaining).toBe(r.remaining!.lines);
    expect(rec.failedPermanent).toBe(r.remaining!.failedPermanent?.lines ?? 0);

    const summary = JSON.parse(fs.readFileSync(r.summaryPath, 'utf8')) as ResultsSummary;
    expect(summary.reconciliation).toEqual(rec);
    expect(summary.usage).toEqual(usage);

    const text = resultText(result, {
      currency: 'USD',
      batchDiscount: 0.5,
      models: { 'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 } },
    });
    expect(text).toMatch(
      /reconciliation\s+balanced: \d+ succeeded, \d+ failed for good, \d+ remaining, 0 quarantined of 400 input lines/,
    );
    expect(text).toMatch(
      /tokens gpt-4o-mini\s+\d+ requests: [\d,]+ in \([\d,]+ cached\), [\d,]+ out \([\d,]+ reasoning\); cost \d+\.\d{4} USD/,
    );
    expect(text).toMatch(/tokens gpt-4\.1-mini .*no price for this model/);
    expect(text).toMatch(/batch usage\s+.* as the batch reports it, equal to the results/);
    expect(text).toMatch(
      new RegExp(`next step\\s+openai-batch-cancel resubmit ${batch.id} \\(${rec.remaining} requests`),
    );

    const handle = env.client.workflow.getHandle(`cancel-batch:${batch.id}`);
    const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/\*\*Reconciliation\*\* balanced: /);
    expect(meta.currentDetails).toMatch(/\*\*Tokens\*\* `gpt-4o-mini` \d+ requests/);
    expect(meta.currentDetails).toMatch(/\*\*Next step\*\* `openai-batch-cancel resubmit /);
    figures.models = Object.keys(usage.byModel);
    figures.tokensMatchBatch = true;
  });

  it('counts embeddings input tokens (no output tokens) against the batch usage', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 200,
      endpoint: '/v1/embeddings',
      content: { reportUsage: true },
    });
    const r = (await cancel(batch.id)).results!;
    const m = r.usage!.byModel['text-embedding-3-small']!;
    expect(m.requests).toBe(r.succeeded);
    expect(m.inputTokens).toBeGreaterThan(0);
    expect(m.outputTokens).toBe(0);
    expect(r.usage!.batchReported).toEqual({
      inputTokens: m.inputTokens,
      cachedInputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
    expect(expectAddsUp(r).balanced).toBe(true);
  });

  it('places a damaged result line by its recovered custom_id and stays balanced', async () => {
    h.sim.setFaults({ malformedLineRate: 0.05 });
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 600, completedFraction: 0.6 });
    const r = (await cancel(batch.id)).results!;
    expect(r.quarantined).toBeGreaterThan(0);
    expect(r.quarantineRecovered).toBe(r.quarantined);
    const rec = expectAddsUp(r);
    expect(rec.balanced).toBe(true);
    // A damaged success line still counts as succeeded (not resubmitted), so the reconciliation
    // has more successes than the valid output lines.
    const recoveredSuccesses = rec.succeeded - r.succeeded;
    expect(recoveredSuccesses).toBeGreaterThan(0);
    const remaining = fs.readFileSync(r.remaining!.path, 'utf8');
    const damaged = fs
      .readFileSync(r.quarantinePath!, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => /"custom_id":"([^"]+)"/.exec((JSON.parse(l) as { raw: string }).raw)?.[1]);
    for (const id of damaged) expect(remaining).not.toContain(`"${id}"`);
  });

  it('reports duplicated input custom_ids and is unbalanced', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 300,
      completedFraction: 0.5,
      content: { duplicateIds: 3 },
    });
    const result = await cancel(batch.id);
    const rec = expectAddsUp(result.results!);
    expect(rec.duplicates).toBe(3);
    expect(rec.balanced).toBe(false);
    expect(rec.unbalancedIds).toEqual(
      expect.arrayContaining(['request-000000', 'request-000001', 'request-000002']),
    );
    expect(resultText(result)).toMatch(
      /reconciliation\s+UNBALANCED: .*3 duplicated of 300 input lines; ids that do not add up: request-000000/,
    );
    figures.duplicatesReported = rec.duplicates;
  });

  it('flags a result for a custom_id the input does not have (unbalanced, not an error), in the CLI and the UI', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 200,
      completedFraction: 0.5,
      content: { strayResults: 2 },
    });
    const result = await cancel(batch.id);
    expect(result.finalStatus).toBe('cancelled');
    const rec = expectAddsUp(result.results!);
    expect(rec).toMatchObject({ inputLines: 200, duplicates: 0, balanced: false });
    expect(rec.unbalancedIds.sort()).toEqual(['stray-0', 'stray-1']);
    expect(resultText(result)).toMatch(
      /UNBALANCED: .*ids that do not add up: stray-0, stray-1|UNBALANCED: .*stray-1, stray-0/,
    );
    const handle = env.client.workflow.getHandle(`cancel-batch:${batch.id}`);
    const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/\*\*⚠ Reconciliation\*\* UNBALANCED/);
    figures.strayIdsReported = rec.unbalancedIds;
  });

  it('resubmits remaining.jsonl once across two calls, with the old endpoint and a resubmitted_from link', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 300,
      completedFraction: 0.4,
      endpoint: '/v1/responses',
    });
    const r = (await cancel(batch.id)).results!;
    const openai = createOpenAIClient({ apiKey: h.sim.apiKey, baseURL: h.sim.url });
    const dry = await resubmitRemaining(openaiProvider(openai), {
      batchId: batch.id,
      resultsDir: h.resultsDir,
      dryRun: true,
    });
    expect(dry.parts).toEqual([
      { part: 1, lines: r.remaining!.lines, bytes: expect.any(Number), outcome: 'planned', newBatchId: null },
    ]);
    const first = await resubmitRemaining(openaiProvider(openai), {
      batchId: batch.id,
      resultsDir: h.resultsDir,
      model: 'gpt-4.1-mini',
    });
    const second = await resubmitRemaining(openaiProvider(openai), {
      batchId: batch.id,
      resultsDir: h.resultsDir,
    });
    expect(first.parts.map((p) => p.outcome)).toEqual(['created']);
    expect(second.parts.map((p) => p.outcome)).toEqual(['found']);
    expect(second.parts[0]!.newBatchId).toBe(first.parts[0]!.newBatchId);
    const linked = (await openai.batches.list({ limit: 100 })).data.filter(
      (b) => b.metadata?.[RESUBMIT_METADATA.from] === batch.id,
    );
    expect(linked).toHaveLength(1);
    const created = linked[0]!;
    expect(created).toMatchObject({ endpoint: '/v1/responses', completion_window: '24h' });
    expect((await h.sim.expectedFile(created.input_file_id)).lines).toBe(r.remaining!.lines);
    const content = await (await openai.files.content(created.input_file_id)).text();
    expect(
      content
        .split('\n')
        .filter(Boolean)
        .every((l) => l.includes('"model":"gpt-4.1-mini"')),
    ).toBe(true);
    figures.resubmitBatchesAfterTwoCalls = linked.length;
  });

  it('shows the report at the end of `result` and `watch` (text and --json with cost), and `resubmit` runs from the CLI', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 120,
      completedFraction: 0.5,
      content: { reportUsage: true },
    });
    await cancel(batch.id);
    const prices = path.join(h.resultsDir, 'prices.json');
    fs.writeFileSync(
      prices,
      JSON.stringify({
        currency: 'EUR',
        batchDiscount: 0.5,
        models: { 'gpt-4o-mini': { input: 1, output: 2 } },
      }),
    );
    const cliEnv = cleanEnv({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      OPENAI_API_KEY: h.sim.apiKey,
      OPENAI_BASE_URL: h.sim.url,
      RESULTS_DIR: h.resultsDir,
    });
    const json = await runCli(['result', batch.id, '--json', '--prices', prices], cliEnv);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as CancelBatchResult & {
      cost: { currency: string; total: number };
    };
    const m = parsed.results!.usage!.byModel['gpt-4o-mini']!;
    expect(parsed.results!.reconciliation!.balanced).toBe(true);
    expect(parsed.cost.currency).toBe('EUR');
    expect(parsed.cost.total).toBeCloseTo(((m.inputTokens * 1 + m.outputTokens * 2) / 1e6) * 0.5, 10);

    const watched = await runCli(['watch', batch.id, '--prices', prices], cliEnv);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/reconciliation\s+balanced: .* of 120 input lines/);
    expect(watched.stdout).toMatch(/tokens gpt-4o-mini\s+\d+ requests: .*; cost \d+\.\d{4} EUR/);
    expect(watched.stdout).toMatch(/next step\s+openai-batch-cancel resubmit /);

    const bad = await runCli(
      ['result', batch.id, '--prices', path.join(h.resultsDir, 'missing.json')],
      cliEnv,
    );
    expect(bad.code).toBe(2);
    fs.writeFileSync(prices, JSON.stringify({ models: { x: { input: 1, output: 2 } } }));
    const invalid = await runCli(['result', batch.id, '--prices', prices], cliEnv);
    expect(invalid).toMatchObject({ code: 2 });
    expect(invalid.stderr).toMatch(/invalid price table .*: batchDiscount: /);

    const dry = await runCli(['resubmit', batch.id, '--dry-run'], cliEnv);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/part 1\/1: \d+ requests, \d+ bytes → \(dry run\) \(would create\)/);
    const made = await runCli(['resubmit', batch.id, '--json'], cliEnv);
    expect(made.code).toBe(0);
    const report = JSON.parse(made.stdout) as { parts: { outcome: string; newBatchId: string }[] };
    expect(report.parts.map((p) => p.outcome)).toEqual(['created']);
    const again = await runCli(['resubmit', batch.id], cliEnv);
    expect(again.stdout).toContain(`${report.parts[0]!.newBatchId} (already submitted)`);
  });

  it('splits a 60,000-line remainder into two batches (50,000 + 10,000) and finds both again', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 60_000, completedFraction: 0 });
    const r = (await cancel(batch.id)).results!;
    expect(r.remaining!.lines).toBe(60_000);
    const openai = createOpenAIClient({ apiKey: h.sim.apiKey, baseURL: h.sim.url, timeoutMs: 60_000 });
    const first = await resubmitRemaining(openaiProvider(openai), {
      batchId: batch.id,
      resultsDir: h.resultsDir,
    });
    expect(first.parts.map((p) => [p.part, p.lines, p.outcome])).toEqual([
      [1, 50_000, 'created'],
      [2, 10_000, 'created'],
    ]);
    const again = await resubmitRemaining(openaiProvider(openai), {
      batchId: batch.id,
      resultsDir: h.resultsDir,
    });
    expect(again.parts.map((p) => p.outcome)).toEqual(['found', 'found']);
    expect(again.parts.map((p) => p.newBatchId)).toEqual(first.parts.map((p) => p.newBatchId));
    for (const p of first.parts) {
      const b = h.sim.getBatch(p.newBatchId!)!;
      expect(b.metadata).toEqual({
        resubmitted_from: batch.id,
        resubmitted_part: String(p.part),
        resubmitted_parts: '2',
      });
      expect((await h.sim.expectedFile(b.input_file_id)).lines).toBe(p.lines);
    }
    figures.splitParts = first.parts.map((p) => p.lines);
  });
});
