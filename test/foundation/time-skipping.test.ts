import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../helpers/temporal-env';
import * as activities from '../fixtures/smoke-activities';
import { greetWorkflow, sleepADayWorkflow } from '../fixtures/smoke-workflows';

describe('Java time-skipping test server (from Maven Central)', () => {
  let env: TestWorkflowEnvironment;
  const taskQueue = 'smoke-ts';
  // A worker runs once (runUntil shuts it down), so each test gets its own.
  const newWorker = () =>
    Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../fixtures/smoke-workflows'),
      activities,
    });

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow with an activity to completion', async () => {
    const worker = await newWorker();
    const result = await worker.runUntil(
      env.client.workflow.execute(greetWorkflow, { taskQueue, workflowId: 'smoke-ts-1', args: ['skipper'] }),
    );
    expect(result).toBe('hello, skipper');
  });

  it('sleeps one day of workflow time in seconds of wall time', async () => {
    const worker = await newWorker();
    const wallStart = Date.now();
    const sleptMs = await worker.runUntil(
      env.client.workflow.execute(sleepADayWorkflow, { taskQueue, workflowId: 'smoke-ts-day' }),
    );
    const wallMs = Date.now() - wallStart;
    expect(sleptMs).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
    expect(wallMs).toBeLessThan(30_000);
  });
});
