/**
 * The scheduled cleanup on the dev server, beyond its first pass: a child that failed is tried
 * again by the next run (not counted as processed forever), paging stops at the lookback window,
 * and children are started at a bounded rate without waiting for earlier results.
 * Each test tags its batches with metadata `suite=<name>` and filters on it.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CleanupPolicyInput, CleanupSummary } from '../../src/contract/cleanup-policy';
import { cancelWorkflowId } from '../../src/contract/constants';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';

const HOUR = 3600;
const fastPoll = { initialInterval: '200ms', maxInterval: '1s' };

describe('cleanupBatchesWorkflow: restarts, lookback and paced starts (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let runs = 0;

  beforeAll(async () => {
    env = await createDevServerEnv();
    // Nothing finishes by itself while the test runs; each test sets its own cancel delay.
    h = await createHarness(env, { timing: { perRequestMs: 3_600_000, finalizingMs: 3_600_000 } });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  const cleanup = (policy: CleanupPolicyInput): Promise<CleanupSummary> =>
    env.client.workflow.execute('cleanupBatchesWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: `cleanup-starts-${++runs}`,
      args: [policy],
    });
  const now = () => Math.floor(Date.now() / 1000);

  it('a child that failed is started again by the next run and counted once it succeeds', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 5,
      createdAt: now() - 3 * HOUR,
      cancelDelayMs: 20_000,
      metadata: { suite: 'restart' },
    });
    const policy: CleanupPolicyInput = { maxAge: '1h', metadataFilter: 'suite=restart' };

    const first = await cleanup({ ...policy, cancelOptions: { poll: fastPoll, maxWait: '1s' } });
    expect(first).toMatchObject({ cancelled: 0, errors: [{ batchId: batch.id }] });
    expect(first.errors[0]?.message).toMatch(/maxWait/);

    const second = await cleanup({ ...policy, cancelOptions: { poll: fastPoll } });
    expect(second).toMatchObject({ cancelled: 1, errors: [], skipped: {} });
    expect(h.sim.getBatch(batch.id)?.status).toBe('cancelled');
    const d = await env.client.workflow.getHandle(cancelWorkflowId(batch.id)).describe();
    expect(d.status.name).toBe('COMPLETED');

    // Completed now: a third run leaves it alone.
    const third = await cleanup({
      ...policy,
      collectStatuses: ['cancelled'],
      cancelOptions: { poll: fastPoll },
    });
    expect(third).toMatchObject({ cancelled: 0, collected: 0, skipped: { 'already-processed': 1 } });
  });

  it('stops paging at the first batch older than the lookback window', async () => {
    const old: string[] = [];
    for (let i = 0; i < 150; i++)
      old.push(
        h.sim.seedBatch({
          status: 'expired',
          requests: 2,
          createdAt: now() - 10 * 24 * HOUR,
          metadata: { suite: 'lookback' },
        }).id,
      );
    const recent = Array.from(
      { length: 5 },
      () =>
        h.sim.seedBatch({
          status: 'expired',
          requests: 2,
          createdAt: now() - 30 * HOUR,
          metadata: { suite: 'lookback' },
        }).id,
    );
    const listsBefore = h.sim.stats().requests['batches.list'];
    const summary = await cleanup({
      collectStatuses: ['expired'],
      metadataFilter: 'suite=lookback',
      lookback: '2d',
      pageSize: 20,
      cancelOptions: { poll: fastPoll },
    });
    // Newest first: the 5 recent ones, then the first old one ends the walk on page 1.
    expect(summary).toMatchObject({
      scanned: 20,
      collected: recent.length,
      skipped: { 'older-than-lookback': 15 },
      errors: [],
    });
    expect(h.sim.stats().requests['batches.list'] - listsBefore).toBe(1);
    for (const id of old.slice(0, 3))
      await expect(env.client.workflow.getHandle(cancelWorkflowId(id)).describe()).rejects.toThrow();
  });

  it('starts children at maxConcurrentChildren per second and never waits for a result to start the next', async () => {
    const cancelDelayMs = 15_000;
    const ids = Array.from(
      { length: 10 },
      () =>
        h.sim.seedBatch({
          status: 'in_progress',
          requests: 5,
          createdAt: now() - 3 * HOUR,
          cancelDelayMs,
          metadata: { suite: 'rate' },
        }).id,
    );
    const base = h.sim.stats().requests['batches.cancel'];
    const at: number[] = [];
    const t0 = Date.now();
    const timer = setInterval(() => {
      const n = h.sim.stats().requests['batches.cancel'] - base;
      while (at.length < n) at.push(Date.now() - t0);
    }, 10);
    const summary = await cleanup({
      maxAge: '1h',
      metadataFilter: 'suite=rate',
      maxConcurrentChildren: 2,
      cancelOptions: { poll: fastPoll },
    }).finally(() => clearInterval(timer));
    expect(summary).toMatchObject({ cancelled: ids.length, errors: [] });
    expect(at).toHaveLength(ids.length);
    const spread = at[ids.length - 1]! - at[0]!;
    process.stdout.write(`cleanup: 10 cancel requests at 2/s spread over ${spread} ms\n`);
    // Awaiting 2 children at a time would put 4 cancel delays (60 s) between the first and the
    // last request; 2 starts per second put about 4 s.
    expect(spread).toBeLessThan(cancelDelayMs);
    expect(spread).toBeGreaterThanOrEqual(3_000);
  }, 180_000);
});
