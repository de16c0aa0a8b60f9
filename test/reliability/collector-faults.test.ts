/**
 * Faults outside the happy path of collecting results, each on a real dev server with the
 * production workflow and activities: compressed downloads (gzip, br, and a cut compressed body),
 * a deleted input file, a failed batch's reason, remaining.jsonl that is safe to resubmit (damaged
 * result lines, 4xx failures, an input line over the line limit), and a retry that downloads only
 * the files not yet committed.
 */
import fs from 'node:fs';
import { createBatchFromLines } from '../simulator/helpers';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBatchCancellation } from '../../src/client/cancellations';
import { resultText } from '../../src/cli/format';
import { createOpenAIClient } from '../../src/providers/openai/client';
import type { CancelBatchResult } from '../../src/contract/results';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import { expectExactResults, fastPoll, printFigures, waitFor } from './support';

jest.setTimeout(120_000);

const figures = {
  gzipLinesExact: 0,
  brLinesExact: 0,
  cutCompressedRetried: 0,
  inputDeletedCompleted: false,
  failedReasonKept: '',
  remaining: {} as Record<string, number>,
  resumeContentCalls: { expected: 0, made: 0 },
  sourcesKeptForQuarantine: 0,
};

function lines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

function customIds(file: string): string[] {
  return lines(file).map((l) => /"custom_id"\s*:\s*"([^"]+)"/.exec(l)?.[1] ?? '?');
}

describe('collecting results when things go wrong', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { cancelDelayMs: 300, perRequestMs: 10_000 } });
    await h.startWorker({ maxLineBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
    printFigures('collector-faults', figures);
  });
  afterEach(() => h?.sim.setFaults({}));

  const cancel = (batchId: string): Promise<CancelBatchResult> => h.cancel({ batchId, poll: fastPoll });

  it.each(['gzip', 'br'] as const)('collects a %s-encoded download byte for byte', async (encoding) => {
    h.sim.setFaults({ contentEncoding: encoding });
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 1_500, completedFraction: 0.6 });
    const result = await cancel(batch.id);
    const check = await expectExactResults(h.sim, result);
    expect(h.sim.stats().faultsInjected.content_encoding).toBeGreaterThanOrEqual(3);
    const rem = result.results!.remaining!;
    expect(rem.lines + (rem.failedPermanent?.lines ?? 0)).toBe(
      result.requestCounts.total - result.results!.succeeded,
    );
    if (encoding === 'gzip') figures.gzipLinesExact = check.lines;
    else figures.brLinesExact = check.lines;
  });

  it('retries a gzip body cut short (the decoder notices) and then collects it exactly', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 800, completedFraction: 0.6 });
    h.sim.injectFault('files.content', { kind: 'content_encoding', encoding: 'gzip', afterBytes: 2_000 });
    const before = h.sim.stats().faultsInjected.cut_body;
    const result = await cancel(batch.id);
    await expectExactResults(h.sim, result);
    expect(h.sim.stats().faultsInjected.cut_body).toBe(before + 1);
    figures.cutCompressedRetried++;
  });

  it('completes with the results it could download when the input file was deleted', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 300, completedFraction: 0.5 });
    const openai = createOpenAIClient({ apiKey: h.sim.apiKey, baseURL: h.sim.url });
    await openai.files.delete(batch.input_file_id);
    const result = await cancel(batch.id);
    await expectExactResults(h.sim, result);
    const r = result.results!;
    expect(r.remaining).toBeNull();
    expect(r.remainingUnavailable).toEqual({
      inputRef: batch.input_file_id,
      reason: expect.stringMatching(/no longer exists \(404\)/),
    });
    const summary = JSON.parse(fs.readFileSync(r.summaryPath, 'utf8')) as typeof r;
    expect(summary.remaining).toBeNull();
    expect(summary.remainingUnavailable?.reason).toMatch(/404/);
    expect(resultText(result)).toMatch(/remaining\s+not written: input file .* no longer exists/);
    figures.inputDeletedCompleted = true;
  });

  it('keeps a failed batch its reason (result, summary.json, UI details, CLI) and remaining.jsonl is every input line', async () => {
    const openai = createOpenAIClient({ apiKey: h.sim.apiKey, baseURL: h.sim.url });
    const input = [
      '{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[]}}',
      '{"custom_id":"b","method":"GET","url":"/v1/chat/completions","body":{}}',
      'not json at all',
      '{"custom_id":"d","method":"POST","url":"/v1/embeddings","body":{"model":"x","input":"y"}}',
    ];
    const created = await createBatchFromLines(openai, input, 'broken.jsonl');
    await waitFor(
      'the batch to fail validation',
      () => h.sim.getBatch(created.id)?.status === 'failed',
      20_000,
    );
    const handle = await startBatchCancellation(
      env.client,
      { batchId: created.id, poll: fastPoll },
      { taskQueue: h.taskQueue },
    );
    const result = await handle.result();
    expect(result.finalStatus).toBe('failed');
    expect(result.batch.errors).toEqual({
      count: 3,
      data: [
        expect.objectContaining({ code: 'invalid_method', line: 2 }),
        expect.objectContaining({ code: 'invalid_json_line', line: 3 }),
        expect.objectContaining({ code: 'url_mismatch', line: 4 }),
      ],
    });
    const r = result.results!;
    const summary = JSON.parse(fs.readFileSync(r.summaryPath, 'utf8')) as typeof r;
    expect(summary.batchErrors).toEqual(result.batch.errors);
    expect(resultText(result)).toMatch(/failed because\s+invalid_method: .* \(line 2\)/);
    const meta = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/\*\*Failed because\*\* invalid_method: .*\(line 2\)/);
    // Nothing ran: every input line is still to do.
    expect(r.output).toBeNull();
    expect(r.errors).toBeNull();
    expect(lines(r.remaining!.path)).toEqual(input);
    figures.failedReasonKept = 'result, summary.json, UI details, CLI result';
  });

  it('writes a remaining.jsonl that is safe to resubmit despite damaged result lines and 4xx failures', async () => {
    h.sim.setFaults({ malformedLineRate: 0.05 });
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 2_000,
      completedFraction: 0.7,
      failedFraction: 0.2,
    });
    const result = await cancel(batch.id);
    const r = result.results!;
    expect(r.quarantined).toBeGreaterThan(0);
    expect(r.quarantineRecovered).toBe(r.quarantined);
    const rem = r.remaining!;
    // What the served result lines say, read independently: whole lines and damaged ones alike.
    const succeeded = new Set<string>();
    const failed4xx = new Set<string>();
    const served = [
      ...lines(r.output!.path),
      ...lines(r.errors!.path),
      ...lines(r.quarantinePath!).map((q) => (JSON.parse(q) as { raw: string }).raw),
    ];
    for (const l of served) {
      const id = /"custom_id":"([^"]+)"/.exec(l)![1]!;
      const status = /"status_code":(\d+)/.exec(l)?.[1];
      if (status === '200') succeeded.add(id);
      else if (status === '400') failed4xx.add(id);
    }
    const remaining = customIds(rem.path);
    const permanent = customIds(rem.failedPermanent!.path);
    expect(remaining.filter((id) => succeeded.has(id))).toEqual([]);
    expect(permanent.filter((id) => succeeded.has(id))).toEqual([]);
    // The simulator's failures are HTTP 400s: they would fail again.
    expect(new Set(permanent)).toEqual(failed4xx);
    expect(rem.lines + rem.failedPermanent!.lines + rem.succeededSkipped! + rem.unresolved!).toBe(
      result.requestCounts.total,
    );
    expect(rem.succeededSkipped).toBe(succeeded.size);
    figures.remaining = {
      inputLines: result.requestCounts.total,
      remaining: rem.lines,
      failedPermanent: rem.failedPermanent!.lines,
      succeededLeftOut: rem.succeededSkipped!,
      quarantined: r.quarantined,
      quarantineRecovered: r.quarantineRecovered!,
      succeededResubmitted: remaining.filter((id) => succeeded.has(id)).length,
    };
  });

  it('streams an input line over the line limit whole into remaining.jsonl', async () => {
    const openai = createOpenAIClient({ apiKey: h.sim.apiKey, baseURL: h.sim.url });
    const big = 'x'.repeat(200 * 1024);
    const input = ['a', 'b', 'c'].map(
      (id) =>
        `{"custom_id":"${id}","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"${id === 'b' ? big : id}"}]}}`,
    );
    const created = await createBatchFromLines(openai, input, 'big.jsonl');
    const result = await cancel(created.id);
    expect(result.finalStatus).toBe('cancelled');
    const rem = result.results!.remaining!;
    // The worker's line limit is 64 KiB; the 200 KiB line is copied, not blanked.
    expect(lines(rem.path)).toEqual(input);
    expect(rem.lines).toBe(3);
  });

  it('downloads only the files not yet committed when one download fails', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 1_000, completedFraction: 0.6 });
    // The 1st content call (output) succeeds, the 2nd (errors) is cut short.
    h.sim.injectFault('files.content', { kind: 'latency', ms: 0 });
    h.sim.injectFault('files.content', { kind: 'cut_body', afterBytes: 500 });
    const before = h.sim.stats().requests['files.content'];
    const result = await cancel(batch.id);
    await expectExactResults(h.sim, result);
    const made = h.sim.stats().requests['files.content'] - before;
    // output once, errors twice (cut, then whole), input once: the output is not downloaded again.
    expect(made).toBe(4);
    figures.resumeContentCalls = { expected: 4, made };
  });

  it('never deletes (deleteFilesAfterCollect) a source file that produced quarantined lines', async () => {
    h.sim.setFaults({ malformedLineRate: 0.01 });
    const batch = h.sim.seedBatch({
      status: 'expired',
      requests: 600,
      completedFraction: 0.6,
      createdAt: Math.floor(Date.now() / 1000) - 25 * 3600,
      metadata: { suite: 'keep-quarantined' },
    });
    const summary = await env.client.workflow.execute('cleanupBatchesWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: `cleanup-keep-quarantined-${process.pid}`,
      args: [{ metadataFilter: 'suite=keep-quarantined', deleteFilesAfterCollect: true }],
    });
    expect(summary).toMatchObject({ collected: 1, errors: [] });
    const written = JSON.parse(
      fs.readFileSync(h.store.pathOf(batch.id, 'summary'), 'utf8'),
    ) as CancelBatchResult['results'] & object;
    const openai = createOpenAIClient({ apiKey: h.sim.apiKey, baseURL: h.sim.url });
    const exists = (id: string) =>
      openai.files.retrieve(id).then(
        () => true,
        () => false,
      );
    const kept: string[] = [];
    for (const file of [written.output!, written.errors!]) {
      // Deleted exactly when nothing was quarantined from it.
      expect({ file: file.ref, exists: await exists(file.ref) }).toEqual({
        file: file.ref,
        exists: file.quarantined > 0,
      });
      if (file.quarantined > 0) kept.push(file.ref);
    }
    expect(kept.length).toBeGreaterThan(0);
    figures.sourcesKeptForQuarantine = kept.length;
  });
});
