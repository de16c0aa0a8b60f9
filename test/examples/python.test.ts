/**
 * A second language: examples/python/cancel_batch.py starts `cancelBatchWorkflow` by name with the
 * `temporalio` PyPI package, against a dev server, the TypeScript worker and the simulator, and reads
 * a result that matches the published JSON Schema's zod source.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CancelBatchResultSchema } from '../../src/contract/result-schema';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { PYTHON_EXAMPLE_DIR, pythonForExamples } from '../helpers/python-venv';
import { createDevServerEnv } from '../helpers/temporal-env';
import { cleanEnv } from '../cli/run-cli';

const python = pythonForExamples((line) => process.stderr.write(`${line}\n`));
if (!python) {
  process.stderr.write('SKIPPED examples/python tests: python3 is not installed on this machine\n');
}
const describeWithPython = python ? describe : describe.skip;

function runPython(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      python!,
      [path.join(PYTHON_EXAMPLE_DIR, 'cancel_batch.py'), ...args],
      { env, timeout: 90_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describeWithPython('examples/python: calling the workflow by name from Python', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let pyEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { cancelDelayMs: 1_000, perRequestMs: 1_000 } });
    await h.startWorker();
    pyEnv = cleanEnv({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: h.taskQueue });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('cancels a batch and prints a result matching the workflow result schema', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 30, completedFraction: 0.5 });
    const r = await runPython([batch.id, '--poll-interval', '200ms', '--reason', 'from python'], pyEnv);
    expect(r.stderr.trim()).toBe(`${batch.id}: cancellation started (workflow cancel-batch:${batch.id})`);
    expect(r.code).toBe(0);
    const result = CancelBatchResultSchema.parse(JSON.parse(r.stdout));
    expect(result).toMatchObject({
      batchId: batch.id,
      finalStatus: 'cancelled',
      cancelOutcome: 'cancel-requested',
    });
    expect(result.results?.output?.lines).toBe(result.requestCounts.succeeded);
    expect(fs.existsSync(result.results!.summaryPath)).toBe(true);
    // The TypeScript client sees the same workflow.
    const described = await env.client.workflow.getHandle(`cancel-batch:${batch.id}`).describe();
    expect(described.status.name).toBe('COMPLETED');
  });

  it("names the batch's account: its own workflow id, and the worker's UnknownAccount for one it lacks", async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 4 });
    const r = await runPython([batch.id, '--account', 'research'], pyEnv);
    expect(r.stderr).toContain(`cancellation started (workflow cancel-batch:research:${batch.id})`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /failed: UnknownAccount: account "research" is not configured on this worker \(configured: default\)/,
    );
    expect(h.sim.getBatch(batch.id)?.status).toBe('in_progress');
  });

  it('reports a failed cancellation with its stable failure type', async () => {
    const r = await runPython(['batch_doesnotexist'], pyEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/cancellation of batch_doesnotexist failed: OpenAINotFound: /);
  });

  it('names the failure type once (an invalid input is InvalidInput: …, not InvalidInput: InvalidInput: …)', async () => {
    const r = await runPython(['batch_badinput', '--max-wait', 'soon'], pyEnv);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(
      /^cancellation of batch_badinput failed: InvalidInput: (?!InvalidInput)/,
    );
  });

  it('refuses a bad batch id before starting anything (exit 2)', async () => {
    const r = await runPython(['batc_123'], pyEnv);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'invalid batch id "batc_123": must look like batch_abc123 (letters, digits, _ or - after "batch_")',
    );
    await expect(env.client.workflow.getHandle('cancel-batch:batc_123').describe()).rejects.toThrow();
  });

  it('says in one line, without a traceback, that Temporal is not at TEMPORAL_ADDRESS', async () => {
    const r = await runPython(['batch_abc'], cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' }));
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('Traceback');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^cannot reach Temporal at 127\.0\.0\.1:1: .*is a server running\?/),
    ]);
  });
});
