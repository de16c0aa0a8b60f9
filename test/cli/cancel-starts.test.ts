/**
 * What `cancel` does when a cancellation exists already, and how fast a bulk cancel requests every
 * cancel: the CLI as a child process on a real dev server, a harness worker against the simulator.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cancelWorkflowId } from '../../src/contract/constants';
import type { CancelBatchResult } from '../../src/contract/results';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import { cleanEnv, runCli } from './run-cli';

interface Outcome {
  batchId: string;
  workflowId: string;
  ok: boolean;
  start?: string;
  runId?: string;
  previous?: { runId: string; status: string; failure?: string };
  result?: CancelBatchResult;
  error?: string;
}

const parse = (stdout: string) => (JSON.parse(stdout) as { cancellations: Outcome[] }).cancellations;

/** Times (ms since `t0`) at which the simulator saw its 1st, 2nd, ... cancel request. */
function watchCancelRequests(h: Harness, t0: number) {
  const base = h.sim.stats().requests['batches.cancel'];
  const at: number[] = [];
  const timer = setInterval(() => {
    const n = h.sim.stats().requests['batches.cancel'] - base;
    while (at.length < n) at.push(Date.now() - t0);
  }, 10);
  return {
    at,
    stop: () => clearInterval(timer),
  };
}

describe('cancel: restarts, finished runs and bulk starts (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let cliEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await createDevServerEnv();
    // Batches never finish by themselves while the test runs; a cancel lands after 1.5 s.
    h = await createHarness(env, { timing: { cancelDelayMs: 1_500, perRequestMs: 3_600_000 } });
    await h.startWorker();
    cliEnv = cleanEnv({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: h.taskQueue });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('after a run failed with MaxWaitExceeded, a plain cancel restarts it and it runs to the end', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 20, cancelDelayMs: 4_000 });
    const first = await runCli(
      ['cancel', batch.id, '--wait', '--json', '--max-wait', '1s', '--poll-interval', '200ms'],
      cliEnv,
    );
    expect(first.code).toBe(1);
    expect(parse(first.stdout)[0]?.error).toMatch(/start again to keep waiting/);
    const failedRun = (await env.client.workflow.getHandle(cancelWorkflowId(batch.id)).describe()).runId;

    const again = await runCli(['cancel', batch.id, '--wait', '--json', '--poll-interval', '200ms'], cliEnv);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    const [o] = parse(again.stdout);
    expect(o).toMatchObject({
      batchId: batch.id,
      ok: true,
      start: 'restarted-after-failure',
      previous: { runId: failedRun, status: 'FAILED' },
      result: { finalStatus: 'cancelled' },
    });
    expect(o?.previous?.failure).toMatch(/maxWait/);
    expect(o?.runId).not.toBe(failedRun);
  });

  it('after a run failed with 404, a plain cancel says so and really starts a new run', async () => {
    const id = 'batch_doesnotexist404';
    const first = await runCli(['cancel', id, '--wait', '--json'], cliEnv);
    expect(first.code).toBe(1);
    const firstRun = (await env.client.workflow.getHandle(cancelWorkflowId(id)).describe()).runId;
    const cancelsBefore = h.sim.stats().requests['batches.cancel'];

    const again = await runCli(['cancel', id], cliEnv);
    // The new run's cancel request fails with 404 again, and cancel says so (exit 1).
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`${id}: cancellation restarted after the previous run FAILED`);
    expect(again.stderr).toMatch(new RegExp(`cancellation of ${id} failed: OpenAINotFound: `));
    const handle = env.client.workflow.getHandle(cancelWorkflowId(id));
    await expect(handle.result()).rejects.toThrow();
    const secondRun = (await handle.describe()).runId;
    expect(secondRun).not.toBe(firstRun);
    expect(h.sim.stats().requests['batches.cancel']).toBeGreaterThan(cancelsBefore);
  });

  it('a finished cancellation is reported as already-finished with its outcome; nothing is started', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 10 });
    const done = await runCli(['cancel', batch.id, '--wait', '--json', '--poll-interval', '200ms'], cliEnv);
    expect(done.code).toBe(0);
    expect(parse(done.stdout)[0]).toMatchObject({ start: 'started', result: { finalStatus: 'cancelled' } });
    const runId = (await env.client.workflow.getHandle(cancelWorkflowId(batch.id)).describe()).runId;

    const json = await runCli(['cancel', batch.id, '--json'], cliEnv);
    expect(json.code).toBe(0);
    expect(parse(json.stdout)[0]).toMatchObject({
      start: 'already-finished',
      runId,
      result: { finalStatus: 'cancelled', cancelOutcome: 'cancel-requested' },
    });
    const human = await runCli(['cancel', batch.id], cliEnv);
    expect(human.stdout).toContain(`${batch.id}: already finished: cancelled (cancel-requested)`);
    expect((await env.client.workflow.getHandle(cancelWorkflowId(batch.id)).describe()).runId).toBe(runId);
  });

  it('a running cancellation is reported as already-running', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: 60_000 });
    const first = await runCli(['cancel', batch.id, '--json'], cliEnv);
    expect(parse(first.stdout)[0]).toMatchObject({ start: 'started' });
    const second = await runCli(['cancel', batch.id, '--json'], cliEnv);
    expect(parse(second.stdout)[0]).toMatchObject({
      start: 'already-running',
      runId: parse(first.stdout)[0]?.runId,
    });
    await env.client.workflow.getHandle(cancelWorkflowId(batch.id)).terminate('test done');
  });

  it('bulk cancel --wait --concurrency 2 requests every cancel before the first wait can finish', async () => {
    const cancelDelayMs = 8_000;
    const ids = Array.from(
      { length: 12 },
      () => h.sim.seedBatch({ status: 'in_progress', requests: 5, cancelDelayMs }).id,
    );
    const t0 = Date.now();
    const watch = watchCancelRequests(h, t0);
    const run = await runCli(
      ['cancel', ...ids, '--wait', '--json', '--concurrency', '2', '--poll-interval', '200ms'],
      cliEnv,
      180_000,
    );
    watch.stop();
    expect(run.code).toBe(0);
    expect(parse(run.stdout).map((o) => o.result?.finalStatus)).toEqual(ids.map(() => 'cancelled'));
    expect(watch.at).toHaveLength(ids.length);
    // A wait ends no sooner than cancelDelayMs after its batch's cancel request.
    const first = watch.at[0]!;
    const last = watch.at[ids.length - 1]!;
    expect(last - first).toBeLessThan(cancelDelayMs);
  }, 200_000);

  it('bulk cancel of 100 batches (--wait --concurrency 8): time from command to the last cancel request', async () => {
    const cancelDelayMs = 5_000;
    const ids = Array.from(
      { length: 100 },
      () => h.sim.seedBatch({ status: 'in_progress', requests: 2, cancelDelayMs }).id,
    );
    const t0 = Date.now();
    const watch = watchCancelRequests(h, t0);
    const run = await runCli(
      ['cancel', ...ids, '--wait', '--json', '--concurrency', '8', '--poll-interval', '200ms'],
      cliEnv,
      400_000,
    );
    const wall = Date.now() - t0;
    watch.stop();
    const first = watch.at[0] ?? NaN;
    const last = watch.at[ids.length - 1] ?? NaN;
    process.stdout.write(
      `RELIABILITY ${JSON.stringify({
        test: 'bulk-cancel',
        batches: ids.length,
        concurrency: 8,
        cancelDelayMs,
        firstCancelRequestMs: first,
        lastCancelRequestMs: last,
        commandWallMs: wall,
      })}\n`,
    );
    expect(run.code).toBe(0);
    expect(watch.at).toHaveLength(ids.length);
    // Starting in rounds of 8 that each wait for their results needs at least 12 cancel delays
    // (60 s) between the first and the last request; starting them all first needs no delay at all.
    // Half of that bound leaves room for a loaded machine.
    expect(last - first).toBeLessThan(((Math.ceil(ids.length / 8) - 1) * cancelDelayMs) / 2);
  }, 420_000);
});
