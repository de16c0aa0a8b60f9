import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv, uiPortOf } from '../helpers/temporal-env';
import * as activities from '../fixtures/smoke-activities';
import { greetWorkflow } from '../fixtures/smoke-workflows';
import { OPENAI_BATCH_STATUS } from '../../src/contract/search-attributes';

describe('Temporal dev server (built from source)', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createDevServerEnv({ ui: true });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow with an activity to completion', async () => {
    const taskQueue = 'smoke-dev';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../fixtures/smoke-workflows'),
      activities,
    });
    const result = await worker.runUntil(
      env.client.workflow.execute(greetWorkflow, {
        taskQueue,
        workflowId: 'smoke-dev-1',
        args: ['temporal'],
      }),
    );
    expect(result).toBe('hello, temporal');
  });

  it('registers the project search attributes', async () => {
    const res = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(res.customAttributes)).toEqual(
      expect.arrayContaining([OPENAI_BATCH_STATUS.name, 'OpenAIBatchId']),
    );
  });

  it('serves the Web UI over HTTP', async () => {
    const res = await fetch(`http://127.0.0.1:${uiPortOf(env)}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });
});
