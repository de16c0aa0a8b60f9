/**
 * Answers outside the simulator's happy script, on the time-skipping server with the project's
 * workflows and activities: a 429 `insufficient_quota` fails at once with billing advice, and an
 * answer that is not a batch at all (an HTML page from a proxy, a bare JSON string) is re-read a
 * bounded number of times and then fails the workflow quoting its first bytes, instead of waiting
 * with no outcome.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { cancelBatchWorkflow, cleanupBatchesWorkflow } from '../../src/workflows';
import { cancelWorkflowId } from '../../src/contract/constants';
import { FailureType } from '../../src/contract/failure-types';
import type { CancelBatchInput } from '../../src/contract/cancel-input';
import { MALFORMED_READS_PER_ATTEMPT } from '../../src/activities/malformed-response';
import { applicationFailureOf } from '../helpers/failures';
import { createTimeSkippingHarness, type Harness, type serverTimeClock } from '../helpers/cancel-harness';
import { printFigures } from './support';

jest.setTimeout(120_000);

const figures = { quotaAttempts: 0, htmlReads: 0, jsonStringReads: 0 };

describe('answers outside the script (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let clock: ReturnType<typeof serverTimeClock>;
  let attempts: string[];

  const recorder: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        attempts.push(ctx.info.activityType);
        return next(input);
      },
    },
  });

  beforeAll(async () => {
    ({ env, h, clock } = await createTimeSkippingHarness());
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
    printFigures('api-boundary', figures);
  });
  beforeEach(() => {
    attempts = [];
  });

  async function seed() {
    clock.advanceTo(await env.currentTimeMs());
    return h.sim.seedBatch({ status: 'in_progress', requests: 50, completedFraction: 0.2 });
  }

  /** One worker per run, as the time-skipping server needs a worker it can wait on. */
  async function execute(input: CancelBatchInput) {
    const worker = await h.newWorker({ interceptors: [clock.interceptor, recorder] });
    return worker.runUntil(
      env.client.workflow.execute(cancelBatchWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: cancelWorkflowId(input.batchId),
        args: [input],
      }),
    );
  }
  const run = (input: CancelBatchInput) => applicationFailureOf(execute(input));

  it('fails at once on 429 insufficient_quota, saying to fix billing, with one cancel attempt', async () => {
    const batch = await seed();
    h.sim.injectFault('batches.cancel', { kind: 'quota_exceeded' });
    const failure = await run({ batchId: batch.id, maxWait: '30 minutes' });
    expect(failure.type).toBe(FailureType.QuotaExceeded);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(new RegExp(`cancel batch ${batch.id}`));
    expect(failure.message).toMatch(/quota.*billing/i);
    figures.quotaAttempts = attempts.filter((a) => a === 'beginCancellation').length;
    expect(figures.quotaAttempts).toBe(1);
    expect(h.sim.getBatch(batch.id)?.status).toBe('in_progress');
  });

  it.each([
    ['html', /<!DOCTYPE html><html><head><title>Sign in/, 'htmlReads'],
    ['json-string', /"upstream unavailable, try later"/, 'jsonStringReads'],
  ] as const)(
    'fails the workflow quoting the first bytes when every read answers %s',
    async (shape, firstBytes, figure) => {
      const batch = await seed();
      const before = h.sim.stats().requests['batches.retrieve'];
      h.sim.injectFault('batches.retrieve', { kind: 'malformed_body', shape }, MALFORMED_READS_PER_ATTEMPT);
      const failure = await run({ batchId: batch.id, maxWait: '30 minutes' });
      expect(failure.type).toBe(FailureType.UnexpectedResponse);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toMatch(new RegExp(`read batch ${batch.id}`));
      expect(failure.message).toMatch(firstBytes);
      expect(failure.message).toMatch(/OPENAI_BASE_URL/);
      const reads = h.sim.stats().requests['batches.retrieve'] - before;
      figures[figure] = reads;
      expect(reads).toBe(MALFORMED_READS_PER_ATTEMPT);
      // The cancel itself went through before the reads went wrong.
      expect(h.sim.getBatch(batch.id)?.status).toBe('cancelling');
    },
  );

  it('rides out a malformed answer that clears within the attempt, and finishes the cancellation', async () => {
    const batch = await seed();
    h.sim.injectFault(
      'batches.retrieve',
      { kind: 'malformed_body', shape: 'html' },
      MALFORMED_READS_PER_ATTEMPT - 1,
    );
    const before = h.sim.stats().requests['batches.retrieve'];
    const result = await execute({ batchId: batch.id, collectResults: 'never' });
    expect(result.finalStatus).toBe('cancelled');
    expect(h.sim.stats().faultsInjected.malformed_body).toBeGreaterThanOrEqual(
      MALFORMED_READS_PER_ATTEMPT - 1,
    );
    expect(h.sim.stats().requests['batches.retrieve'] - before).toBeGreaterThan(MALFORMED_READS_PER_ATTEMPT);
  });

  it('fails the cleanup on a list page that is an HTML page, instead of reading it as an empty last page', async () => {
    await seed();
    h.sim.injectFault('batches.list', { kind: 'malformed_body', shape: 'html' }, MALFORMED_READS_PER_ATTEMPT);
    const worker = await h.newWorker({ interceptors: [clock.interceptor, recorder] });
    const failure = await applicationFailureOf(
      worker.runUntil(
        env.client.workflow.execute(cleanupBatchesWorkflow, {
          taskQueue: h.taskQueue,
          workflowId: `cleanup-html-${Date.now()}`,
          args: [{ maxAge: '1h', dryRun: true }],
        }),
      ),
    );
    expect(failure.type).toBe(FailureType.UnexpectedResponse);
    expect(failure.message).toMatch(
      /list batches after \(start\): .*not a list of batches.*First bytes: "<!DOCTYPE html>/,
    );
  });
});
