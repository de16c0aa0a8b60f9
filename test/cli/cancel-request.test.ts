/**
 * `cancel` reports what its cancel request found (known within the workflow's first task), not
 * just that a workflow started: a 404 is a failure with exit 1, an unanswered request (no worker)
 * is exit 3 within the timeout, `--no-wait-for-request` is fire-and-forget. `list` says why a
 * failed run failed.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cancelWorkflowId } from '../../src/contract/constants';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import { cleanEnv, runCli, stderrLines } from './run-cli';

describe('cancel waits for the cancel request', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let cliEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { cancelDelayMs: 60_000, perRequestMs: 60_000 } });
    await h.startWorker();
    cliEnv = cleanEnv({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: h.taskQueue });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('says the cancel was requested and the batch is cancelling', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 20 });
    const r = await runCli(['cancel', batch.id], cliEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${batch.id}: cancellation started \\(run [\\w-]+\\)$`)),
      `${batch.id}: cancel requested: batch is cancelling`,
    ]);
  });

  it('says an already finished batch is being collected', async () => {
    const batch = h.sim.seedBatch({ status: 'completed', requests: 5 });
    const r = await runCli(['cancel', batch.id, '--json'], cliEnv);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const [c] = (JSON.parse(r.stdout) as { cancellations: unknown[] }).cancellations;
    expect(c).toMatchObject({
      start: 'started',
      ok: true,
      request: { outcome: 'already-terminal', batchStatus: 'completed' },
    });
    const human = await runCli(['cancel', h.sim.seedBatch({ status: 'completed', requests: 5 }).id], cliEnv);
    expect(human.stdout).toMatch(/: already completed: collecting what it has\n$/);
  });

  it('reports a cancel request that failed with 404 as a failure, exit 1; list shows why', async () => {
    const r = await runCli(['cancel', 'batch_nope2'], cliEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^batch_nope2: cancellation started/);
    expect(r.stdout).not.toContain('cancel requested');
    expect(stderrLines(r)).toEqual([
      expect.stringMatching(
        /^openai-batch-cancel: cancellation of batch_nope2 failed: OpenAINotFound: .*batch_nope2/,
      ),
    ]);

    const list = await runCli(['list', '--json'], cliEnv);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { batchId: string; workflowStatus: string; failure?: string }[];
    expect(rows.find((row) => row.batchId === 'batch_nope2')).toMatchObject({
      workflowStatus: 'FAILED',
      failure: expect.stringMatching(/^OpenAINotFound: .*batch_nope2/),
    });
    const table = await runCli(['list'], cliEnv);
    expect(table.stdout.split('\n')[0]).toMatch(/\bREASON$/);
    expect(table.stdout).toMatch(/batch_nope2 .* FAILED .* OpenAINotFound: /);
  });

  it('--no-wait-for-request only starts: exit 0 and the start line', async () => {
    const r = await runCli(['cancel', 'batch_nope3', '--no-wait-for-request'], cliEnv);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^batch_nope3: cancellation started/),
    ]);
  });

  it('without a worker, says so within --request-timeout and exits 3 (not finished)', async () => {
    const started = Date.now();
    const r = await runCli(
      ['cancel', 'batch_noworker', '--request-timeout', '2s'],
      cleanEnv({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: 'nobody-polls-this' }),
    );
    expect(r.code).toBe(3);
    expect(stderrLines(r)).toEqual([
      'openai-batch-cancel: no worker took up the cancellation of batch_noworker within 2s: start one on task queue nobody-polls-this (`openai-batch-cancel worker`); the cancellation is started and runs when one does',
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('resubmit finds the results where the cancellation says it wrote them, not in ./data/results', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 20, cancelDelayMs: 500 });
    const done = await runCli(['cancel', batch.id, '--wait', '--poll-interval', '200ms'], cliEnv);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`${h.resultsDir}/${batch.id}/summary.json`);
    const apiEnv = { ...cliEnv, OPENAI_BASE_URL: h.sim.url, OPENAI_API_KEY: h.sim.apiKey };
    const r = await runCli(['resubmit', batch.id, '--dry-run'], apiEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      `${batch.id}: resubmitting ${h.resultsDir}/${batch.id}/remaining.jsonl to /v1/chat/completions (24h)`,
    );
  });

  it('status after an operator cancelled or terminated the run says so, where the batch was, and what to do', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 20 });
    expect((await runCli(['cancel', batch.id], cliEnv)).code).toBe(0);
    const handle = env.client.workflow.getHandle(cancelWorkflowId(batch.id));
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const r = await runCli(['status', batch.id], cliEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `stopped by an operator (workflow cancelled); batch ${batch.id} was last seen cancelling and its cancellation was already requested; \`openai-batch-cancel cancel ${batch.id}\` starts it again to wait for the batch and collect its results`,
    );
    expect(r.stdout).not.toContain('Workflow canceled');

    const again = await runCli(['cancel', batch.id], cliEnv);
    expect(again.stdout).toContain(`${batch.id}: cancellation restarted after the previous run CANCELLED`);
    await env.client.workflow.getHandle(cancelWorkflowId(batch.id)).terminate('ops: wrong batch');
    const t = await runCli(['status', batch.id], cliEnv);
    expect(t.stdout).toContain(
      `stopped by an operator (workflow terminated: ops: wrong batch); batch ${batch.id}`,
    );
  });
});
