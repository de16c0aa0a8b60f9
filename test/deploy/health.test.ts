/** The health check orchestrators run: Temporal reachable, and a worker polling the task queue. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/worker/config';
import { checkHealth } from '../../src/worker/health';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';

describe('health check', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env);
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  const config = () => loadConfig({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: h.taskQueue });

  it('is unhealthy when Temporal cannot be reached, and says where it tried', async () => {
    const health = await checkHealth(loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:1' }));
    expect(health).toMatchObject({ ok: false, temporalReachable: false });
    expect(health.message).toMatch(/cannot reach Temporal at 127\.0\.0\.1:1/);
  });

  it('is unhealthy while no worker polls the task queue, healthy once one does', async () => {
    expect(await checkHealth(config())).toMatchObject({
      ok: false,
      temporalReachable: true,
      taskQueuePollers: 0,
    });
    const worker = await h.newWorker();
    await worker.runUntil(async () => {
      let health = await checkHealth(config());
      for (let i = 0; i < 40 && !health.ok; i++) {
        await new Promise((r) => setTimeout(r, 250));
        health = await checkHealth(config());
      }
      expect(health).toMatchObject({ ok: true, temporalReachable: true });
      expect(health.taskQueuePollers).toBeGreaterThan(0);
    });
  });
});
