/**
 * cancelBatchWorkflow under concurrency on the dev server (real time): a `refresh` update racing
 * the wait loop and the collection, and a cancellation arriving while an event's read runs. A
 * worker interceptor holds a refresh's answer back after the read was made, so the read is older
 * than the loop's reads when it arrives (what a slow network or a busy worker does).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import {
  getCancellationProgress,
  refreshCancellation,
  startBatchCancellation,
} from '../../src/client/cancellations';
import { batchEventSignal } from '../../src/contract/batch-event';
import type { CancelBatchInput } from '../../src/contract/cancel-input';
import { cancelWorkflowId } from '../../src/contract/constants';
import { OPENAI_BATCH_STATUS } from '../../src/contract/search-attributes';
import { createDevServerEnv } from '../helpers/temporal-env';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { recordHistory } from '../helpers/record-history';

const fastPoll = { initialInterval: '200ms', backoffCoefficient: 1.5, maxInterval: '1s' } as const;

describe('cancelBatchWorkflow under concurrency (dev server, real time)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  /** How long a refresh's read is held back after it was made (0: not at all). */
  let refreshHoldMs = 0;
  const holdRefresh: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const result = await next(input);
        const type = ctx.info.activityType;
        if (!ctx.info.isLocal && (type === 'readBatch' || type === 'readBatchAt') && refreshHoldMs > 0)
          await new Promise((r) => setTimeout(r, refreshHoldMs));
        return result;
      },
    },
  });

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { cancelDelayMs: 1_500, perRequestMs: 20 } });
    await h.startWorker({ interceptors: [holdRefresh] });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });
  afterEach(() => {
    refreshHoldMs = 0;
  });

  const start = (input: CancelBatchInput) =>
    startBatchCancellation(env.client, input, { taskQueue: h.taskQueue });
  const statusAttribute = async (batchId: string) =>
    (await env.client.workflow.getHandle(cancelWorkflowId(batchId)).describe()).typedSearchAttributes.get(
      OPENAI_BATCH_STATUS,
    );

  it('keeps the newest read: a refresh read before the terminal read but answered during collection changes nothing', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 40, completedFraction: 0.5 });
    // The collection takes 4 s or more; the refresh's answer arrives 3 s after its read, inside it.
    h.sim.injectFault('files.content', { kind: 'latency', ms: 4_000 }, 2);
    refreshHoldMs = 3_000;
    const handle = await start({ batchId: batch.id, poll: fastPoll });
    const refreshed = refreshCancellation(env.client, batch.id);
    const result = await handle.result();
    const seen = await refreshed;

    expect(result.finalStatus).toBe('cancelled');
    // The refresh answers with what the run holds: the terminal read, not its own older one.
    expect(seen.status).toBe('cancelled');
    const progress = await getCancellationProgress(env.client, batch.id);
    expect(progress.batch?.status).toBe('cancelled');
    expect(progress.lastReadAt).toBeLessThanOrEqual(result.timings.terminalSeenAt);
    expect(await statusAttribute(batch.id)).toBe('cancelled');
    await recordHistory(env, cancelWorkflowId(batch.id), 'refresh-older-read-during-collection');
  });

  it('answers a refresh sent just before the run ends instead of abandoning it', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 10 });
    refreshHoldMs = 2_500;
    const handle = await start({ batchId: batch.id, poll: fastPoll, collectResults: 'never' });
    const refreshed = refreshCancellation(env.client, batch.id);
    const result = await handle.result();
    expect(result.finalStatus).toBe('cancelled');
    await expect(refreshed).resolves.toMatchObject({ id: batch.id });
  });

  it('ends the wait when a refresh reads the terminal status, not at the next (15-minute) poll', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 10 });
    const handle = await start({ batchId: batch.id, webhooks: true, collectResults: 'never' });
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await refreshCancellation(env.client, batch.id)).status).toBe('cancelled');
    const result = await Promise.race([
      handle.result(),
      new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 10_000)),
    ]);
    expect(result).toMatchObject({ finalStatus: 'cancelled' });
    expect((await getCancellationProgress(env.client, batch.id)).detectedBy).toBe('refresh');
    await recordHistory(env, cancelWorkflowId(batch.id), 'refresh-ends-wait');
  });

  it('ends cancelled when cancelled during an event’s read past the deadline, not MaxWaitExceeded', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: 60_000 });
    const handle = await start({
      batchId: batch.id,
      webhooks: true,
      poll: { initialInterval: '1m' },
      maxWait: '3s',
      collectResults: 'never',
    });
    await new Promise((r) => setTimeout(r, 800));
    // The event's confirming read takes 8 s; the deadline (3 s) passes while it runs.
    h.sim.injectFault('batches.retrieve', { kind: 'latency', ms: 8_000 }, 1);
    await handle.signal(batchEventSignal, { eventId: `evt_${batch.id}`, type: 'batch.cancelled' });
    await new Promise((r) => setTimeout(r, 3_000));
    await handle.cancel();
    const err = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });
});
