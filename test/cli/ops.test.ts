/**
 * What the person on call sees while a cancellation waits, on a real dev server with the simulator:
 * `watch` and the client's progress move with every poll (not only at check-ins), a cancellation
 * left `cancelling` past the threshold is marked stuck and found by `list --stuck`, and the request
 * counts are numeric search attributes.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  getCancellationProgress,
  listCancellations,
  startBatchCancellation,
} from '../../src/client/cancellations';
import {
  OPENAI_BATCH_REQUESTS_COMPLETED,
  OPENAI_BATCH_STATUS,
  OPENAI_BATCH_STUCK,
} from '../../src/contract/search-attributes';
import type { CancellationListing } from '../../src/client/cancellations';
import { recordHistory } from '../helpers/record-history';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import { cleanEnv, runCli } from './run-cli';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value, or fails with what was last seen. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('ops: live progress and stuck cancellations', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let cliEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await createDevServerEnv();
    // One request answered every 100 ms: counts move while requests in flight drain.
    h = await createHarness(env, { timing: { perRequestMs: 100 } });
    await h.startWorker();
    cliEnv = cleanEnv({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: h.taskQueue });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  // Reads every 300 ms; check-ins every 10 minutes, so the workflow itself hears nothing meanwhile.
  const fastPoll = { initialInterval: '300ms', backoffCoefficient: 1, maxInterval: '300ms' } as const;

  it('watch shows reads and request counts advancing with every poll between check-ins', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 3_000,
      completedFraction: 0.2,
      // Long enough for the CLI process to start on a busy machine and still see several polls.
      cancelDelayMs: 20_000,
      cancelDrainMs: 20_000,
    });
    await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll, checkInInterval: '10m' },
      { taskQueue: h.taskQueue },
    );
    const watch = await runCli(['watch', batch.id, '--interval', '400'], cliEnv, 60_000);
    expect(watch.code).toBe(0);
    const waiting = watch.stdout
      .split('\n')
      .filter((l) => l.includes('cancelling') && l.includes('waiting'))
      .map((l) => ({
        reads: Number(/reads (\d+)/.exec(l)?.[1]),
        completed: Number(/ (\d+)\/\d+\/\d+ succeeded/.exec(l)?.[1]),
        lastRead: /last (\S+) ago/.exec(l)?.[1],
      }));
    process.stdout.write(
      `watch printed ${waiting.length} lines while cancelling: reads ${waiting.map((w) => w.reads).join(',')}\n`,
    );
    expect(waiting.length).toBeGreaterThanOrEqual(5);
    // Every printed line is a new read: the read count strictly increases from line to line...
    for (let i = 1; i < waiting.length; i++) expect(waiting[i]!.reads).toBeGreaterThan(waiting[i - 1]!.reads);
    // ...the counts move with it, and the last read is recent, not the start of the wait.
    expect(new Set(waiting.map((w) => w.completed)).size).toBeGreaterThanOrEqual(3);
    expect(waiting.map((w) => w.lastRead).filter((ago) => !/^(\d+ms|[0-2]s)$/.test(ago ?? ''))).toEqual([]);
  }, 90_000);

  it('getCancellationProgress merges the pending read: polls and lastReadAt are current to the last poll', async () => {
    const batch = h.sim.seedBatch({
      status: 'in_progress',
      requests: 3_000,
      completedFraction: 0.2,
      cancelDelayMs: 60_000,
      cancelDrainMs: 60_000,
    });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll, checkInInterval: '10m' },
      { taskQueue: h.taskQueue },
    );
    const first = await eventually('the wait to read', async () => {
      const p = await getCancellationProgress(env.client, batch.id);
      return p.phase === 'waiting' && p.polls >= 3 ? p : undefined;
    });
    // Reads go on 300 ms apart inside the attempt: a few seconds make several.
    await sleep(3_500);
    const later = await getCancellationProgress(env.client, batch.id);
    expect(later.polls).toBeGreaterThan(first.polls + 2);
    expect(later.lastReadAt!).toBeGreaterThan(first.lastReadAt!);
    expect(Date.now() - later.lastReadAt!).toBeLessThan(2_000);
    expect(later.batch!.requestCounts.succeeded).toBeGreaterThan(first.batch!.requestCounts.succeeded);
    // It came from the pending wait's heartbeat (describe), sent as the counts moved, all within
    // the wait's first attempt (its polls are held, not retried).
    expect(later.live?.attempt).toBe(1);
    expect(Date.now() - later.live!.lastHeartbeatAt!).toBeLessThan(2_500);
    // History holds none of this: the workflow has not checked in yet.
    const events = (await handle.fetchHistory()).events?.length ?? 0;
    expect(events).toBeLessThan(20);
    await handle.terminate('test done');
  }, 60_000);

  it('marks a cancellation left cancelling past the threshold as stuck; list --stuck and --older-than find it', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 500, cancelDelayMs: 120_000 });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll, checkInInterval: '10m', stuckAfter: '2s' },
      { taskQueue: h.taskQueue },
    );
    const progress = await eventually('the stuck marker', async () => {
      const p = await getCancellationProgress(env.client, batch.id);
      return p.stuck ? p : undefined;
    });
    expect(progress.batch?.status).toBe('cancelling');

    // The marker is a search attribute, set at the check-in held at the threshold.
    const listed = await eventually('list --stuck to find it', async () => {
      const rows = await listCancellations(env.client, { stuck: true });
      return rows.find((r) => r.batchId === batch.id);
    });
    expect(listed).toMatchObject({ stuck: true, batchStatus: 'cancelling', workflowStatus: 'RUNNING' });
    expect(listed.requestCounts).toEqual({
      succeeded: progress.batch!.requestCounts.succeeded,
      failed: progress.batch!.requestCounts.failed,
      total: 500,
      processing: progress.batch!.requestCounts.processing,
    });
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(OPENAI_BATCH_STUCK)).toBe(true);
    expect(attrs.get(OPENAI_BATCH_STATUS)).toBe('cancelling');
    expect(attrs.get(OPENAI_BATCH_REQUESTS_COMPLETED)).toBe(progress.batch!.requestCounts.succeeded);

    // Current details say so, for the UI.
    const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/Stuck.*still cancelling/);

    const stuckCli = await runCli(['list', '--stuck', '--json'], cliEnv);
    expect(stuckCli.code).toBe(0);
    const stuckRows = JSON.parse(stuckCli.stdout) as CancellationListing[];
    expect(stuckRows.map((r) => r.batchId)).toContain(batch.id);
    const human = await runCli(['list', '--stuck'], cliEnv);
    expect(human.stdout).toMatch(new RegExp(`${batch.id}\\s+cancelling \\(STUCK\\)`));

    const old = await runCli(['list', '--status', 'cancelling', '--older-than', '1s', '--json'], cliEnv);
    expect((JSON.parse(old.stdout) as CancellationListing[]).map((r) => r.batchId)).toContain(batch.id);
    const young = await runCli(['list', '--status', 'cancelling', '--older-than', '30m', '--json'], cliEnv);
    expect((JSON.parse(young.stdout) as CancellationListing[]).map((r) => r.batchId)).not.toContain(batch.id);
    await handle.terminate('test done');
  }, 90_000);

  it('a cancellation that ends clears the stuck marker and leaves its final counts as numbers', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 200, cancelDelayMs: 4_000 });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll, checkInInterval: '10m', stuckAfter: '1s' },
      { taskQueue: h.taskQueue },
    );
    const result = await handle.result();
    // A run with the stuck marker and numeric counts, for the replay test.
    await recordHistory(env, handle.workflowId, 'stuck-then-cancelled');
    expect(result.finalStatus).toBe('cancelled');
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(OPENAI_BATCH_STUCK)).toBe(false);
    expect(attrs.get(OPENAI_BATCH_REQUESTS_COMPLETED)).toBe(result.requestCounts.succeeded);
    // Filterable as numbers: "cancelled with more than N completed".
    const rows = await eventually('a numeric filter to find it', async () => {
      const found: string[] = [];
      for await (const wf of env.client.workflow.list({
        query: `${OPENAI_BATCH_STATUS.name} = 'cancelled' AND ${OPENAI_BATCH_REQUESTS_COMPLETED.name} >= ${result.requestCounts.succeeded}`,
      }))
        found.push(wf.workflowId);
      return found.includes(handle.workflowId) ? found : undefined;
    });
    expect(rows).toContain(handle.workflowId);
  }, 60_000);
});
