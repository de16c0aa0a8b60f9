/**
 * Scheduled cleanup on the dev server: a schedule (created idempotently, then triggered) starts
 * cleanupBatchesWorkflow, which walks 260 simulated batches over several pages (continuing as new)
 * and cancels exactly the stale ones, collects exactly the expired ones, never twice, changes
 * nothing in a dry run and survives a list page failing with 5xx.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { BatchStatus } from '../../src/providers/openai/schemas';
import {
  deleteCleanupSchedule,
  describeCleanupSchedule,
  triggerCleanupSchedule,
  upsertCleanupSchedule,
} from '../../src/client/schedules';
import type { CleanupPolicyInput, CleanupSummary } from '../../src/contract/cleanup-policy';
import { cancelWorkflowId } from '../../src/contract/constants';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';

const HOUR = 3600;
const SCHEDULE_ID = 'cleanup-test';

describe('cleanupBatchesWorkflow and its schedule (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let h: Harness;

  const toCancel: string[] = [];
  const toCollect: string[] = [];
  const untouched = new Map<string, BatchStatus>();

  const policy: CleanupPolicyInput = {
    maxAge: '1h',
    deadlineMetadataKey: 'deadline',
    pageSize: 100,
    pagesPerRun: 2, // 260 batches = 3 pages: the run continues as new once
    maxConcurrentChildren: 10,
    // The seeded expired batches are days old: look back further than the 24 h default.
    lookback: '72h',
    cancelOptions: { poll: { initialInterval: '200ms', maxInterval: '1s' } },
  };

  beforeAll(async () => {
    env = await createDevServerEnv();
    client = env.client;
    // Like a production namespace: retention (7 days) longer than the policy's lookback (72 h).
    await client.workflowService.updateNamespace({
      namespace: 'default',
      config: { workflowExecutionRetentionTtl: msToTs('7 days') },
    });
    // Hours per request and for finalizing: nothing finishes by itself while the test runs.
    h = await createHarness(env, {
      timing: { cancelDelayMs: 1000, perRequestMs: 3_600_000, finalizingMs: 3_600_000 },
    });
    await h.startWorker();

    const now = Math.floor(Date.now() / 1000);
    const seed = (
      status: BatchStatus,
      n: number,
      createdAt: number,
      into: 'cancel' | 'collect' | 'keep',
      extra = {},
    ) => {
      for (let i = 0; i < n; i++) {
        const b = h.sim.seedBatch({ status, requests: 5, createdAt, ...extra });
        if (into === 'cancel') toCancel.push(b.id);
        else if (into === 'collect') toCollect.push(b.id);
        else untouched.set(b.id, status);
      }
    };
    const stale = now - 3 * HOUR;
    const fresh = now - 10 * 60;
    seed('in_progress', 16, stale, 'cancel');
    seed('validating', 4, stale, 'cancel');
    seed('finalizing', 4, stale, 'cancel');
    seed('in_progress', 4, fresh, 'cancel', { metadata: { deadline: String(now - 60) } });
    seed('expired', 16, now - 25 * HOUR, 'collect');
    seed('in_progress', 60, fresh, 'keep');
    seed('finalizing', 10, fresh, 'keep');
    seed('cancelling', 4, fresh, 'keep', { cancelDelayMs: 3_600_000 });
    seed('in_progress', 6, fresh, 'keep', {
      metadata: { deadline: new Date((now + HOUR) * 1000).toISOString() },
    });
    seed('completed', 70, stale, 'keep');
    seed('failed', 33, stale, 'keep');
    seed('cancelled', 33, stale, 'keep');
  });

  afterAll(async () => {
    await deleteCleanupSchedule(client, SCHEDULE_ID).catch(() => undefined);
    await h?.close();
    await env?.teardown();
  });

  const total = () => toCancel.length + toCollect.length + untouched.size;
  const hasResults = (id: string) => fs.existsSync(path.join(h.resultsDir, id, 'summary.json'));

  async function awaitScheduledRun(count: number): Promise<CleanupSummary> {
    for (let i = 0; i < 100; i++) {
      const info = await describeCleanupSchedule(client, SCHEDULE_ID);
      const run = info.recentRuns[count - 1];
      if (run) return client.workflow.getHandle(run.workflowId).result();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`schedule ${SCHEDULE_ID} did not start run ${count}`);
  }

  it('creates the schedule idempotently: a second upsert updates the one schedule', async () => {
    const base = { scheduleId: SCHEDULE_ID, cron: '0 0 1 1 *', taskQueue: h.taskQueue };
    expect(await upsertCleanupSchedule(client, { ...base, policy: { ...policy, maxAge: '5h' } })).toEqual({
      scheduleId: SCHEDULE_ID,
      outcome: 'created',
    });
    expect(await upsertCleanupSchedule(client, { ...base, policy })).toEqual({
      scheduleId: SCHEDULE_ID,
      outcome: 'updated',
    });
    const info = await describeCleanupSchedule(client, SCHEDULE_ID);
    expect(info.policy).toEqual(policy);
    expect(info.taskQueue).toBe(h.taskQueue);
    expect(info.paused).toBe(false);
    // Schedule listing is eventually consistent; the id is unique, so at most one can exist.
    let ids: string[] = [];
    for (let i = 0; i < 50 && !ids.includes(SCHEDULE_ID); i++) {
      ids = [];
      for await (const s of client.schedule.list()) ids.push(s.scheduleId);
      if (!ids.includes(SCHEDULE_ID)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids.filter((id) => id === SCHEDULE_ID)).toHaveLength(1);
  });

  it('a triggered run cancels exactly the stale batches and collects exactly the expired ones', async () => {
    await triggerCleanupSchedule(client, SCHEDULE_ID);
    const summary = await awaitScheduledRun(1);
    expect(summary).toMatchObject({
      scanned: total(),
      cancelled: toCancel.length,
      collected: toCollect.length,
      skipped: { 'not-stale': 80, 'status-not-collected': 136 },
      errors: [],
      dryRun: false,
    });
    expect(summary.runs).toBeGreaterThanOrEqual(2); // continued as new after 2 pages
    for (const id of toCancel) {
      expect(h.sim.getBatch(id)?.status).toBe('cancelled');
      expect(hasResults(id)).toBe(true);
    }
    for (const id of toCollect) {
      expect(h.sim.getBatch(id)?.status).toBe('expired');
      expect(hasResults(id)).toBe(true);
    }
    for (const [id, seeded] of untouched) {
      const status = h.sim.getBatch(id)?.status;
      // Validating batches move on to in_progress by themselves; nothing else changes.
      expect(status === seeded || (seeded === 'validating' && status === 'in_progress')).toBe(true);
      expect(hasResults(id)).toBe(false);
    }
  });

  it('a second run does nothing new: every candidate is already processed', async () => {
    const cancelsBefore = h.sim.stats().requests['batches.cancel'];
    await triggerCleanupSchedule(client, SCHEDULE_ID);
    const summary = await awaitScheduledRun(2);
    expect(summary).toMatchObject({ scanned: total(), cancelled: 0, collected: 0, errors: [] });
    // The cancelled ones are now terminal 'cancelled' (not collected by this policy); the expired
    // ones are candidates again but their children already exist.
    expect(summary.skipped['already-processed']).toBe(toCollect.length);
    expect(h.sim.stats().requests['batches.cancel']).toBe(cancelsBefore);
  });

  const extraCancel: string[] = [];
  const extraCollect: string[] = [];

  it('a dry run reports and changes nothing: no status change, no child started', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++)
      extraCancel.push(h.sim.seedBatch({ status: 'in_progress', requests: 5, createdAt: now - 2 * HOUR }).id);
    for (let i = 0; i < 2; i++)
      extraCollect.push(h.sim.seedBatch({ status: 'expired', requests: 5, createdAt: now - 25 * HOUR }).id);
    const cancelsBefore = h.sim.stats().requests['batches.cancel'];

    const summary = await client.workflow.execute('cleanupBatchesWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: 'cleanup-dry-run',
      args: [{ ...policy, dryRun: true }],
    });
    // A dry run counts candidates; it cannot tell which ones an earlier run already processed.
    expect(summary).toMatchObject({
      scanned: total() + 5,
      cancelled: extraCancel.length,
      collected: toCollect.length + extraCollect.length,
      errors: [],
      dryRun: true,
    });
    expect(h.sim.stats().requests['batches.cancel']).toBe(cancelsBefore);
    for (const id of [...extraCancel, ...extraCollect]) {
      expect(h.sim.getBatch(id)?.status).toBe(extraCancel.includes(id) ? 'in_progress' : 'expired');
      expect(hasResults(id)).toBe(false);
      await expect(client.workflow.getHandle(cancelWorkflowId(id)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
    }
  });

  it('retries a list page that fails with 5xx, and deletes collected files when asked', async () => {
    const faultsBefore = h.sim.stats().faultsInjected.server_error;
    h.sim.injectFault('batches.list', { kind: 'server_error' }, 2);
    const summary = await client.workflow.execute('cleanupBatchesWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: 'cleanup-after-5xx',
      args: [{ ...policy, deleteFilesAfterCollect: true }],
    });
    expect(h.sim.stats().faultsInjected.server_error - faultsBefore).toBe(2);
    expect(summary).toMatchObject({
      scanned: total() + 5,
      cancelled: extraCancel.length,
      collected: extraCollect.length,
      errors: [],
    });
    expect(summary.skipped['already-processed']).toBe(toCollect.length);
    for (const id of extraCancel) expect(h.sim.getBatch(id)?.status).toBe('cancelled');
    const fileIds = [...extraCancel, ...extraCollect].flatMap((id) => {
      const b = h.sim.getBatch(id);
      return [b?.output_file_id, b?.error_file_id].filter((f): f is string => !!f);
    });
    // Every successful child collects, so both the cancelled and the expired batches lose their files.
    expect(summary.filesDeleted).toBe(fileIds.length);
    expect(h.sim.stats().requests['files.delete']).toBe(fileIds.length);
  });
});
