/**
 * Where the namespace's search attributes may not be listed (a Temporal Cloud API key without that
 * right), the worker logs one warning line and starts. The Java time-skipping test server is a
 * real server that answers `ListSearchAttributes` with UNIMPLEMENTED: the worker runs as
 * `openai-batch-cancel worker` against it, warns once and polls (a workflow it runs completes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBatchCancellation } from '../../src/client/cancellations';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { createTimeSkippingEnv } from '../helpers/temporal-env';
import { cleanEnv, ROOT } from '../cli/run-cli';
import { waitFor } from '../reliability/support';

jest.setTimeout(180_000);

describe('a namespace whose search attributes may not be listed', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    sim = await startSimulator({ timing: { cancelDelayMs: 0, perRequestMs: 10_000 } });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await sim?.close();
    await env?.teardown();
  });

  it('the worker logs one warning line and starts', async () => {
    const taskQueue = `unlisted-${process.pid}`;
    worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
      cwd: ROOT,
      env: cleanEnv({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        OPENAI_API_KEY: sim.apiKey,
        OPENAI_BASE_URL: sim.url,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    worker.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor('the warning', () => stderr.includes('worker: warning:'), 90_000, 100);
    const batch = sim.seedBatch({ status: 'completed', requests: 5, completedFraction: 1 });
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, collectResults: 'never' },
      { taskQueue },
    );
    await expect(handle.result()).resolves.toMatchObject({ finalStatus: 'completed' });
    const warnings = stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /cannot list the search attributes of namespace default \(.*unimplemented\): starting unchecked; make sure OpenAIBatchId, .* are registered/,
    );
    expect(worker.exitCode).toBeNull();
  });
});
