/**
 * The batch state machine, driven by a test-controlled clock: every transition of the real service,
 * the timestamps it sets, how request_counts advance, and which result files exist afterwards.
 */
import type OpenAI from 'openai';
import {
  BATCH_STATUSES,
  BatchResultLineSchema,
  BatchSchema,
  isTerminalStatus,
} from '../../src/providers/openai/schemas';
import {
  chatLine,
  type ClockedSimulator,
  contentText,
  jsonlLines,
  startClocked,
  T0,
  createBatchFromLines,
} from './helpers';

const S = T0 / 1000;
const TIMING = { validatingMs: 2000, perRequestMs: 100, finalizingMs: 3000, cancelDelayMs: 10_000 };

describe('batch state machine', () => {
  let t: ClockedSimulator;
  beforeEach(async () => {
    t = await startClocked({ timing: TIMING });
  });
  afterEach(() => t.sim.close());

  const createBatch = (lines: string[]) => createBatchFromLines(t.client, lines);
  const retrieve = (id: string) => t.client.batches.retrieve(id);
  const lines = (n: number, failing: number[] = []) =>
    Array.from({ length: n }, (_, i) =>
      chatLine(`r${i}`, failing.includes(i) ? { messages: [] } : undefined),
    );

  it('goes validating → in_progress → finalizing → completed, advancing request_counts per request', async () => {
    const b = await createBatch(lines(10, [4]));
    expect(b).toMatchObject({
      status: 'validating',
      in_progress_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
    });
    t.advance(1999);
    expect((await retrieve(b.id)).status).toBe('validating');
    t.advance(1);
    expect(await retrieve(b.id)).toMatchObject({
      status: 'in_progress',
      in_progress_at: S + 2,
      request_counts: { total: 10, completed: 0 },
    });
    t.advance(500); // five requests, one of them (r4) failing
    expect((await retrieve(b.id)).request_counts).toEqual({ total: 10, completed: 4, failed: 1 });
    t.advance(500);
    const finalizing = await retrieve(b.id);
    expect(finalizing).toMatchObject({ status: 'finalizing', finalizing_at: S + 3, output_file_id: null });
    t.advance(3000);
    const done = BatchSchema.parse(await retrieve(b.id));
    expect(done).toMatchObject({
      status: 'completed',
      completed_at: S + 6,
      request_counts: { total: 10, completed: 9, failed: 1 },
    });
    expect(jsonlLines(await contentText(t.client, done.output_file_id ?? ''))).toHaveLength(9);
    const errors = jsonlLines(await contentText(t.client, done.error_file_id ?? '')).map((l) =>
      BatchResultLineSchema.parse(JSON.parse(l)),
    );
    expect(errors.map((e) => [e.custom_id, e.response?.status_code])).toEqual([['r4', 400]]);
  });

  it('reports error_file_id null without failures and output_file_id null without successes', async () => {
    const allGood = await createBatch(lines(3));
    const allBad = await createBatch(lines(2, [0, 1]));
    t.advance(10_000);
    expect(await retrieve(allGood.id)).toMatchObject({ status: 'completed', error_file_id: null });
    expect((await retrieve(allGood.id)).output_file_id).toEqual(expect.any(String));
    expect(await retrieve(allBad.id)).toMatchObject({
      status: 'completed',
      output_file_id: null,
      request_counts: { completed: 0, failed: 2 },
    });
  });

  it('fails a batch whose input file is invalid, with errors.data naming the lines', async () => {
    const b = await createBatch([
      chatLine('ok'),
      '{not json',
      JSON.stringify({ method: 'POST', url: '/v1/chat/completions', body: {} }),
      JSON.stringify({ custom_id: 'x', method: 'POST', url: '/v1/embeddings', body: {} }),
      chatLine('ok'),
    ]);
    expect(b.status).toBe('validating');
    t.advance(2000);
    const failed = BatchSchema.parse(await retrieve(b.id));
    expect(failed).toMatchObject({
      status: 'failed',
      failed_at: S + 2,
      in_progress_at: null,
      output_file_id: null,
      error_file_id: null,
    });
    expect(failed.errors?.object).toBe('list');
    expect(failed.errors?.data?.map((e) => [e.code, e.line])).toEqual([
      ['invalid_json_line', 2],
      ['missing_required_parameter', 3],
      ['url_mismatch', 4],
      ['duplicate_custom_id', 5],
    ]);
    expect(failed.errors?.data?.[0]?.message).toBe('This line is not parseable as valid JSON.');
  });

  it('expires a batch not finished within the completion window; unprocessed requests become batch_expired', async () => {
    await t.sim.close();
    t = await startClocked({ timing: { ...TIMING, completionWindowMs: 2500 } });
    const b = await createBatch(lines(20));
    t.advance(2499);
    expect((await retrieve(b.id)).status).toBe('in_progress');
    t.advance(10_000);
    const expired = await retrieve(b.id);
    expect(expired).toMatchObject({
      status: 'expired',
      expired_at: S + 2,
      expires_at: S + 2,
      request_counts: { total: 20, completed: 5, failed: 0 },
    });
    const errorLines = jsonlLines(await contentText(t.client, expired.error_file_id ?? ''));
    expect(errorLines).toHaveLength(15);
    expect(JSON.parse(errorLines[0] ?? '')).toMatchObject({
      custom_id: 'r5',
      response: null,
      error: { code: 'batch_expired' },
    });
    await expect(t.client.batches.cancel(b.id)).rejects.toMatchObject({
      status: 409,
      message: "409 Cannot cancel a batch with status 'expired'.",
    });
  });

  it('cancels from validating: never started, so nothing to salvage', async () => {
    const b = await createBatch(lines(5));
    await t.client.batches.cancel(b.id);
    t.advance(10_000);
    expect(await retrieve(b.id)).toMatchObject({
      status: 'cancelled',
      in_progress_at: null,
      cancelling_at: S,
      cancelled_at: S + 10,
      request_counts: { total: 0, completed: 0, failed: 0 },
      output_file_id: null,
      error_file_id: null,
    });
  });

  it('cancels from finalizing: every request was answered, so no batch_cancelled lines', async () => {
    const b = await createBatch(lines(4));
    t.advance(2000 + 400);
    expect((await t.client.batches.cancel(b.id)).status).toBe('cancelling');
    t.advance(10_000);
    expect(await retrieve(b.id)).toMatchObject({
      status: 'cancelled',
      finalizing_at: S + 2,
      error_file_id: null,
      request_counts: { completed: 4 },
    });
  });

  it('answers a cancel while cancelling with the batch unchanged, and 409 on terminal batches', async () => {
    const b = await createBatch(lines(50));
    t.advance(2300);
    const first = await t.client.batches.cancel(b.id);
    t.advance(5000); // time passes, but processing stopped at the cancel
    const second = await t.client.batches.cancel(b.id);
    expect(second).toEqual(first);
    expect(second.request_counts).toEqual({ total: 50, completed: 3, failed: 0 });
    t.advance(5000);
    expect((await retrieve(b.id)).status).toBe('cancelled');
    for (const status of ['cancelled', 'completed', 'failed'] as const) {
      const id = status === 'cancelled' ? b.id : t.sim.seedBatch({ status, requests: 3 }).id;
      await expect(t.client.batches.cancel(id)).rejects.toMatchObject({
        status: 409,
        error: { message: `Cannot cancel a batch with status '${status}'.` },
      });
    }
  });

  it('seeds a batch in each of the 8 statuses with consistent timestamps, counts and files', () => {
    for (const status of BATCH_STATUSES) {
      const b = BatchSchema.parse(
        t.sim.seedBatch({ status, requests: 100, completedFraction: 0.4, failedFraction: 0.25 }),
      );
      expect(b.status).toBe(status);
      const stamps = [
        b.created_at,
        b.in_progress_at,
        b.finalizing_at,
        b.cancelling_at,
        b.completed_at,
        b.failed_at,
        b.expired_at,
        b.cancelled_at,
      ];
      const set = stamps.filter((s): s is number => typeof s === 'number');
      expect(Math.max(...set)).toBeLessThanOrEqual(S);
      expect(b.in_progress_at ?? Infinity).toBeGreaterThanOrEqual(b.created_at);
      if (b.cancelled_at) expect(b.cancelled_at - (b.cancelling_at ?? 0)).toBe(10);
      const processed = {
        in_progress: 40,
        cancelling: 40,
        cancelled: 40,
        expired: 40,
        finalizing: 100,
        completed: 100,
      } as Record<string, number>;
      const n = processed[status] ?? 0;
      expect(b.request_counts?.completed).toBe(n - n * 0.25);
      expect(b.request_counts?.failed).toBe(n * 0.25);
      expect(b.output_file_id !== null).toBe(['completed', 'cancelled', 'expired'].includes(status));
      expect(b.errors !== null).toBe(status === 'failed');
      expect(isTerminalStatus(b.status)).toBe(
        ['completed', 'failed', 'expired', 'cancelled'].includes(status),
      );
    }
  });

  it('moves a seeded in_progress batch on with the clock, and honours per-batch cancelDelayMs and createdAt', async () => {
    const b = t.sim.seedBatch({
      status: 'in_progress',
      requests: 10,
      completedFraction: 0.5,
      createdAt: S - 60,
    });
    expect(b).toMatchObject({ created_at: S - 60, expires_at: S - 60 + 86_400 });
    t.advance(500 + 3000);
    expect(t.sim.getBatch(b.id)).toMatchObject({
      status: 'completed',
      request_counts: { total: 10, completed: 9, failed: 1 },
    });

    const slow = t.sim.seedBatch({ status: 'cancelling', requests: 10, cancelDelayMs: 60_000 });
    t.advance(59_999);
    expect(t.sim.getBatch(slow.id)?.status).toBe('cancelling');
    t.advance(1);
    expect(t.sim.getBatch(slow.id)?.status).toBe('cancelled');
    expect(t.sim.getBatch('batch_unknown')).toBeUndefined();
  });

  it('serves seeded cancelled results: successes in output, failures + batch_cancelled in error', async () => {
    const b = t.sim.seedBatch({
      status: 'cancelled',
      requests: 20,
      completedFraction: 0.5,
      failedFraction: 0.2,
    });
    const out = jsonlLines(await contentText(t.client, b.output_file_id ?? '')).map((l) =>
      BatchResultLineSchema.parse(JSON.parse(l)),
    );
    const err = jsonlLines(await contentText(t.client, b.error_file_id ?? '')).map((l) =>
      BatchResultLineSchema.parse(JSON.parse(l)),
    );
    expect(out).toHaveLength(8);
    expect(err.filter((e) => e.response?.status_code === 400)).toHaveLength(2);
    expect(err.filter((e) => e.error?.code === 'batch_cancelled')).toHaveLength(10);
    const ids = new Set([...out, ...err].map((l) => l.custom_id));
    expect(ids.size).toBe(20);
  });

  it('keeps answering in-flight requests while cancelling for cancelDrainMs, and the files match the final counts', async () => {
    const b = t.sim.seedBatch({
      status: 'in_progress',
      requests: 200,
      completedFraction: 0.2,
      cancelDelayMs: 5_000,
      cancelDrainMs: 1_000,
    });
    await t.client.batches.cancel(b.id);
    const processed = (x: OpenAI.Batch) => x.request_counts!.completed + x.request_counts!.failed;
    const atCancel = await retrieve(b.id);
    t.advance(500);
    const midDrain = await retrieve(b.id);
    expect(midDrain.status).toBe('cancelling');
    expect(processed(midDrain)).toBe(processed(atCancel) + 5);
    t.advance(2_000);
    const drained = await retrieve(b.id);
    expect(processed(drained)).toBe(processed(atCancel) + 10);
    t.advance(2_500);
    const done = await retrieve(b.id);
    expect(done).toMatchObject({ status: 'cancelled', request_counts: drained.request_counts });
    const out = jsonlLines(await contentText(t.client, done.output_file_id ?? ''));
    expect(out).toHaveLength(done.request_counts!.completed);
  });
});
