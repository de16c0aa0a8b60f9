/**
 * cancelBatchWorkflow end to end on the Temporal CLI dev server, with the simulator on a real clock.
 * Also records histories for the replay test (RECORD_HISTORIES=1).
 */
import fs from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import {
  startBatchCancellation,
  listCancellations,
  getCancellationProgress,
} from '../../src/client/cancellations';
import { cancelWorkflowId } from '../../src/contract/constants';
import { OPENAI_BATCH_STATUS } from '../../src/contract/search-attributes';
import { createDevServerEnv } from '../helpers/temporal-env';
import { COUNTER_FLUSH_MS, scrapeServerCounters } from '../helpers/server-counters';
import { freePort } from '../../tools/devtools/ports';
import { recordHistory } from '../helpers/record-history';
import { createHarness, digestFile, type Harness } from '../helpers/cancel-harness';

describe('cancelBatchWorkflow (dev server, real time)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let metricsUrl: string;
  // The simulator's clock runs this far ahead of the wall clock: a test moves it on once it has
  // seen what it needs, instead of hoping the wall clock leaves room for it on a loaded machine.
  let skewMs = 0;

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    env = await createDevServerEnv({ metricsPort });
    h = await createHarness(env, {
      clock: () => Date.now() + skewMs,
      timing: { cancelDelayMs: 1_500, perRequestMs: 20 },
    });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  const fastPoll = { initialInterval: '200ms', backoffCoefficient: 1.5, maxInterval: '1s' } as const;

  /** Records the run's history as a new replay fixture of today's path (RECORD_HISTORIES=1). */
  const record = (name: string, batchId: string) => recordHistory(env, cancelWorkflowId(batchId), `${name}`);

  it('cancels, waits and collects output and error files byte for byte', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 300, completedFraction: 0.5 });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      { taskQueue: h.taskQueue },
    );
    const result = await handle.result();
    await record('cancel-in-progress', batch.id);

    expect(result.finalStatus).toBe('cancelled');
    const final = h.sim.getBatch(batch.id)!;
    const out = await h.sim.expectedFile(final.output_file_id!);
    const errs = await h.sim.expectedFile(final.error_file_id!);
    expect(await digestFile(result.results!.output!.path)).toEqual(out);
    expect(await digestFile(result.results!.errors!.path)).toEqual(errs);
    expect(out.lines + errs.lines).toBe(300);
    const summary = JSON.parse(fs.readFileSync(result.results!.summaryPath, 'utf8'));
    expect(summary).toMatchObject({ batchId: batch.id, succeeded: final.request_counts!.completed });
    const remaining = await digestFile(result.results!.remaining!.path);
    // The HTTP 400 failures would fail again: failed-permanent.jsonl, not remaining.jsonl.
    const failed = final.request_counts!.failed;
    expect(remaining.lines).toBe(300 - final.request_counts!.completed - failed);
    expect(result.results!.remaining!.failedPermanent?.lines ?? 0).toBe(failed);

    const progress = await getCancellationProgress(env.client, batch.id);
    expect(progress).toMatchObject({ phase: 'done', batch: { status: 'cancelled' } });
  });

  it('returns the running workflow when started twice, and does not re-run a finished one', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 20 });
    const a = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      { taskQueue: h.taskQueue },
    );
    const b = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      { taskQueue: h.taskQueue },
    );
    const runA = (await a.describe()).runId;
    expect((await b.describe()).runId).toBe(runA);
    await a.result();
    const c = await startBatchCancellation(env.client, { batchId: batch.id }, { taskQueue: h.taskQueue });
    expect((await c.describe()).runId).toBe(runA);
    expect(h.sim.stats().requests['batches.cancel']).toBeGreaterThan(0);
  });

  it('restarts a download cut mid-stream and still writes exactly what was served', async () => {
    const batch = h.sim.seedBatch({ status: 'cancelled', requests: 20_000, completedFraction: 0.6 });
    h.sim.injectFault('files.content', { kind: 'cut_body', afterBytes: 200_000 }, 2);
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id },
      { taskQueue: h.taskQueue },
    );
    const result = await handle.result();
    await record('collect-after-cut', batch.id);
    expect(result.cancelOutcome).toBe('already-terminal');
    const final = h.sim.getBatch(batch.id)!;
    expect(await digestFile(result.results!.output!.path)).toEqual(
      await h.sim.expectedFile(final.output_file_id!),
    );
    expect(await digestFile(result.results!.errors!.path)).toEqual(
      await h.sim.expectedFile(final.error_file_id!),
    );
    expect(h.sim.stats().faultsInjected.cut_body).toBeGreaterThanOrEqual(2);
    // No temporary file is left behind.
    expect(fs.readdirSync(result.results!.directory).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('makes cancellations findable by batch status through the search attribute', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 10 });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, poll: fastPoll },
      { taskQueue: h.taskQueue },
    );
    await handle.result();
    // Visibility is eventually consistent: poll briefly.
    let ids: string[] = [];
    for (let i = 0; i < 50 && !ids.includes(handle.workflowId); i++) {
      ids = [];
      for await (const wf of env.client.workflow.list({
        query: `${OPENAI_BATCH_STATUS.name} = 'cancelled'`,
      })) {
        ids.push(wf.workflowId);
      }
      if (!ids.includes(handle.workflowId)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids).toContain(handle.workflowId);
    const listed = await listCancellations(env.client, { batchStatus: 'cancelled' });
    expect(listed.map((l) => l.batchId)).toContain(batch.id);
  });

  it('costs the server no heartbeat for a quick cancellation whose reads change nothing', async () => {
    // The cancel answers `cancelling`; reads 300 ms apart find the same batch until the test has
    // seen four of them and moves the simulator's clock past the cancel delay; two small result
    // files are then committed within a second.
    // Earlier tests' last requests reach the counters within the flush interval.
    await new Promise((r) => setTimeout(r, COUNTER_FLUSH_MS));
    const before = await scrapeServerCounters(metricsUrl);
    const cancelDelayMs = 60_000;
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 50, cancelDelayMs });
    const reads = () => h.sim.stats().requests['batches.retrieve'];
    const readsBefore = reads();
    const handle = await startBatchCancellation(
      env.client,
      {
        batchId: batch.id,
        poll: { initialInterval: '300ms', backoffCoefficient: 1, maxInterval: '300ms' },
      },
      { taskQueue: h.taskQueue },
    );
    while (reads() - readsBefore < 4) await new Promise((r) => setTimeout(r, 50));
    skewMs += cancelDelayMs;
    const result = await handle.result();
    await new Promise((r) => setTimeout(r, COUNTER_FLUSH_MS));
    const after = await scrapeServerCounters(metricsUrl);
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(result.finalStatus).toBe('cancelled');
    expect(result.results).not.toBeNull();
    expect(result.polls).toBeGreaterThanOrEqual(4);
    // The counters see this run: the wait and the collection each completed once.
    expect(delta('frontend:RespondActivityTaskCompleted')).toBe(2);
    // Each heartbeat is a write on the server: none was needed (the first read matched what the
    // workflow knew, the collection finished within 5 s). It used to cost two.
    expect(delta('frontend:RecordActivityTaskHeartbeat')).toBe(0);
  }, 60_000);

  it("holds a wait's polls in one attempt and heartbeats none of the reads that changed nothing", async () => {
    // Counts do not move while cancelling (no drain): no read changes what the workflow knows, so
    // no heartbeat is due before the keep-alive, a minute into the attempt (half its timeout).
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 50, cancelDelayMs: 14_000 });
    const handle = await startBatchCancellation(
      env.client,
      {
        batchId: batch.id,
        poll: { initialInterval: '300ms', backoffCoefficient: 1, maxInterval: '300ms' },
        checkInInterval: '10m',
      },
      { taskQueue: h.taskQueue },
    );
    const beats = new Set<number>();
    const attempts = new Set<number>();
    const until = Date.now() + 12_000;
    while (Date.now() < until) {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      const wait = pending.find((a) => a.activityType?.name === 'awaitTerminal');
      const at = optionalTsToMs(wait?.lastHeartbeatTime);
      if (at) beats.add(at);
      if (wait?.attempt) attempts.add(wait.attempt);
      await new Promise((r) => setTimeout(r, 200));
    }
    const result = await handle.result();
    expect(result.finalStatus).toBe('cancelled');
    process.stdout.write(
      `held wait: ${beats.size} heartbeats in 12 s, ${result.polls} reads, attempts ${[...attempts]}\n`,
    );
    // About 40 reads 300 ms apart in those 12 s, all in the wait's first attempt: no retry (each
    // would cost the server two writes) and no heartbeat (one write each).
    expect(result.polls).toBeGreaterThanOrEqual(30);
    expect([...attempts]).toEqual([1]);
    expect(beats.size).toBe(0);
  }, 60_000);

  it('keeps history small for a long cancellation (scaled: 1 s = 100 s)', async () => {
    // 18 s of cancelling with 0.6 s max poll and 6 s check-ins is a 30-minute cancellation with the
    // defaults (60 s max poll, 10-minute check-ins), scaled down 100 times.
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 50, cancelDelayMs: 18_000 });
    const handle = await startBatchCancellation(
      env.client,
      {
        batchId: batch.id,
        poll: { initialInterval: '50ms', backoffCoefficient: 1.5, maxInterval: '600ms' },
        checkInInterval: '6s',
      },
      { taskQueue: h.taskQueue },
    );
    const result = await handle.result();
    await record('long-cancellation', batch.id);
    expect(result.finalStatus).toBe('cancelled');
    const history = await handle.fetchHistory();
    const events = history.events?.length ?? 0;
    expect(events).toBeLessThanOrEqual(50);
    // Many reads, few events: waiting does not grow the history.
    expect(result.polls).toBeGreaterThanOrEqual(15);
    expect(events).toBeLessThan(result.polls * 3);
    process.stdout.write(`long cancellation: ${events} history events for ${result.polls} reads\n`);
  }, 60_000);
});
