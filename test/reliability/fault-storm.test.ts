/**
 * A fault storm loses nothing: 100 cancellations run while the API answers 30 % of calls on every
 * route with a 5xx, rate-limits with Retry-After 1 s, resets connections, and cuts file downloads
 * mid-body. Every workflow completes and every output and error file is byte-identical to what
 * the API serves.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBatchCancellation } from '../../src/client/cancellations';
import type { FaultPlan } from '../../tools/simulator';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import { expectExactResults, printFigures } from './support';

jest.setTimeout(200_000);

const WORKFLOWS = 100;

/**
 * 30 % 5xx, 10 % 429 and 5 % resets on the control routes (cancel, retrieve). File downloads get a
 * lighter mix (5xx, 429, resets and cut bodies, about one download in seven fails): collectResults
 * restarts all its downloads on any failure with a 2 s doubling backoff, so a 30 % rate there
 * would make the slowest of 100 workflows wait minutes (see RELIABILITY.md).
 */
const STORM: FaultPlan = {
  routes: {
    '*': { serverErrorRate: 0.3, rateLimitRate: 0.1, retryAfterSeconds: 1, resetRate: 0.05 },
    'files.content': { serverErrorRate: 0.05, rateLimitRate: 0.03, resetRate: 0.02, cutBodyRate: 0.05 },
  },
};

describe('fault storm over 100 cancellations', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, {
      seed: 42,
      // A minute per request: on a loaded machine no batch may complete before its cancel lands.
      timing: { cancelDelayMs: 1_000, perRequestMs: 60_000 },
      faults: STORM,
    });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('completes every cancellation with exact results', async () => {
    const started = Date.now();
    const batches = Array.from({ length: WORKFLOWS }, (_, i) =>
      h.sim.seedBatch({ status: 'in_progress', requests: 20 + (i % 5) * 20, completedFraction: 0.5 }),
    );
    const handles = await Promise.all(
      batches.map((b) =>
        startBatchCancellation(
          env.client,
          {
            batchId: b.id,
            poll: { initialInterval: '200ms', backoffCoefficient: 1.5, maxInterval: '1s' },
            writeRemaining: false,
          },
          { taskQueue: h.taskQueue },
        ),
      ),
    );
    const all = Promise.all(handles.map((handle) => handle.result()));
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), 150_000).unref());
    if ((await Promise.race([all, timer])) === 'late') {
      // Say where the stragglers are before failing.
      for (const handle of handles) {
        const d = await handle.describe();
        if (d.status.name === 'RUNNING')
          process.stdout.write(
            `straggler ${handle.workflowId}: ${exportPending(d.raw.pendingActivities ?? [])}\n`,
          );
      }
      throw new Error('fault storm: not every cancellation finished within 150 s');
    }
    const results = await all;
    const elapsedMs = Date.now() - started;

    let lines = 0;
    let bytes = 0;
    let files = 0;
    for (const result of results) {
      expect(result.finalStatus).toBe('cancelled');
      const exact = await expectExactResults(h.sim, result);
      lines += exact.lines;
      bytes += exact.bytes;
      files += (result.results?.output ? 1 : 0) + (result.results?.errors ? 1 : 0);
    }
    const stats = h.sim.stats();
    const faults = Object.values(stats.faultsInjected).reduce((a, b) => a + b, 0);
    const requests = Object.values(stats.requests).reduce((a, b) => a + b, 0);
    expect(stats.faultsInjected.server_error).toBeGreaterThan(0);
    expect(stats.faultsInjected.rate_limit).toBeGreaterThan(0);
    expect(stats.faultsInjected.reset).toBeGreaterThan(0);
    expect(stats.faultsInjected.cut_body).toBeGreaterThan(0);
    printFigures('fault-storm', {
      workflows: results.length,
      apiCalls: requests,
      faultsInjected: faults,
      faultsByKind: stats.faultsInjected,
      filesChecked: files,
      linesChecked: lines,
      bytesChecked: bytes,
      linesLost: 0,
      seconds: Math.round(elapsedMs / 1000),
    });
  });
});

function exportPending(
  pending: Array<{
    activityType?: { name?: string | null } | null;
    attempt?: number | null;
    lastFailure?: { message?: string | null } | null;
  }>,
): string {
  return pending
    .map((p) => `${p.activityType?.name} attempt ${p.attempt}: ${p.lastFailure?.message ?? ''}`)
    .join(' | ');
}
