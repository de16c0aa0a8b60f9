/**
 * The scheduled cleanup's history on the dev server: each batch's outcome reaches the cleanup as a
 * few hundred bytes (the cancellation's full result stays in its own history), and a run continues
 * as new before MAX_CLEANUP_EVENTS_PER_RUN, whatever the page size and pages per run.
 */
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CleanupPolicyInput, CleanupSummary } from '../../src/contract/cleanup-policy';
import { cancelWorkflowId } from '../../src/contract/constants';
import { MAX_CLEANUP_EVENTS_PER_RUN } from '../../src/workflows/cleanup-batches';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { recordHistory } from '../helpers/record-history';
import { createDevServerEnv } from '../helpers/temporal-env';

const EventType = temporal.api.enums.v1.EventType;
const BATCHES = 320;

describe('cleanupBatchesWorkflow history per run (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { perRequestMs: 20 } });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('gets a small outcome per batch and continues as new before the event bound', async () => {
    const createdAt = Math.floor(Date.now() / 1000) - 3600;
    const ids = Array.from(
      { length: BATCHES },
      () => h.sim.seedBatch({ status: 'expired', requests: 4, createdAt, metadata: { suite: 'history' } }).id,
    );
    const policy: CleanupPolicyInput = {
      collectStatuses: ['expired'],
      metadataFilter: 'suite=history',
      pageSize: 100,
      // Only the event bound may end a run early.
      pagesPerRun: 1000,
      maxConcurrentChildren: 100,
    };
    const handle = await env.client.workflow.start('cleanupBatchesWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: 'cleanup-history',
      args: [policy],
    });
    const summary = (await handle.result()) as CleanupSummary;
    expect(summary).toMatchObject({ scanned: BATCHES, collected: BATCHES, errors: [] });

    const runs: { runId: string; events: number; biggestChildResult: number }[] = [];
    let runId: string | null | undefined = handle.firstExecutionRunId;
    while (runId) {
      const history: temporal.api.history.v1.IHistory = await env.client.workflow
        .getHandle(handle.workflowId, runId)
        .fetchHistory();
      const events = history.events ?? [];
      const sizes = events
        .map((e) => e.childWorkflowExecutionCompletedEventAttributes?.result?.payloads?.[0]?.data?.length)
        .filter((n): n is number => n !== undefined);
      runs.push({ runId, events: events.length, biggestChildResult: Math.max(0, ...sizes) });
      const last = events[events.length - 1];
      expect(EventType[last?.eventType ?? 0]).toMatch(/COMPLETED|CONTINUED_AS_NEW/);
      runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    }
    console.log(
      `cleanup of ${BATCHES} batches (pages of 100): ${runs.length} runs of ${runs.map((r) => r.events).join(', ')} events; ` +
        `largest child result in the cleanup's history ${Math.max(...runs.map((r) => r.biggestChildResult))} bytes`,
    );
    for (const run of runs) {
      expect(run.events).toBeLessThanOrEqual(MAX_CLEANUP_EVENTS_PER_RUN);
      expect(run.biggestChildResult).toBeLessThanOrEqual(300);
    }
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // The cancellation's own history keeps its full result.
    const full = await env.client.workflow.getHandle(cancelWorkflowId(ids[0]!)).result();
    expect(full).toMatchObject({ finalStatus: 'expired', results: { summaryPath: expect.any(String) } });
  }, 300_000);

  it('continues as new after pagesPerRun with the child outcomes carried in the totals', async () => {
    // Newer than the first test's batches, and a lookback that stops paging before those.
    const createdAt = Math.floor(Date.now() / 1000) - 60;
    for (let i = 0; i < 12; i++)
      h.sim.seedBatch({ status: 'expired', requests: 2, createdAt, metadata: { suite: 'small' } });
    const handle = await env.client.workflow.start('cleanupBatchesWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: 'cleanup-small',
      args: [
        {
          collectStatuses: ['expired'],
          metadataFilter: 'suite=small',
          lookback: '30m',
          pageSize: 5,
          pagesPerRun: 2,
        },
      ],
    });
    const summary = (await handle.result()) as CleanupSummary;
    expect(summary).toMatchObject({ runs: 2, collected: 12, errors: [] });
    const first = await env.client.workflow
      .getHandle(handle.workflowId, handle.firstExecutionRunId)
      .fetchHistory();
    const next = first.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    expect(next).toEqual(expect.any(String));
    await recordHistory(env, handle.workflowId, 'cleanup-continues-as-new', handle.firstExecutionRunId);
    await recordHistory(env, handle.workflowId, 'cleanup-continued-run', next!);
    const child = first.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
      ?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
    expect(child).toMatch(/^cleanup:/);
    await recordHistory(env, child!, 'cleanup-child-collects');
  });
});
