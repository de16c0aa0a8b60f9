/**
 * The CLI as users run it: a child process talking to a real Temporal dev server, with a worker from
 * the harness running in this process against the simulator.
 */
import fs from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CancelBatchResult } from '../../src/contract/results';
import { createHarness, type Harness } from '../helpers/cancel-harness';
import { createDevServerEnv } from '../helpers/temporal-env';
import { cleanEnv, runCli, stderrLines } from './run-cli';

describe('openai-batch-cancel CLI', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let cliEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createHarness(env, { timing: { cancelDelayMs: 1_500, perRequestMs: 1_000 } });
    await h.startWorker();
    cliEnv = cleanEnv({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: h.taskQueue });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('cancel --json starts the cancellation; result --json shows it cancelled with its result files', async () => {
    const batch = h.sim.seedBatch({ status: 'in_progress', requests: 100, completedFraction: 0.5 });

    const started = await runCli(['cancel', batch.id, '--json', '--poll-interval', '200ms'], cliEnv);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(started.stdout)).toEqual({
      cancellations: [
        {
          batchId: batch.id,
          workflowId: `cancel-batch:${batch.id}`,
          start: 'started',
          runId: expect.any(String),
          ok: true,
          request: { outcome: 'cancel-requested', batchStatus: 'cancelling' },
        },
      ],
    });

    const finished = await runCli(['result', batch.id, '--json'], cliEnv);
    expect(finished.code).toBe(0);
    const result = JSON.parse(finished.stdout) as CancelBatchResult;
    expect(result).toMatchObject({
      batchId: batch.id,
      finalStatus: 'cancelled',
      cancelOutcome: 'cancel-requested',
    });
    expect(result.results?.output?.lines).toBe(result.requestCounts.succeeded);
    for (const file of [
      result.results!.summaryPath,
      result.results!.output!.path,
      result.results!.errors!.path,
    ])
      expect(fs.existsSync(file)).toBe(true);

    // The finished cancellation reads back through status, watch and list (human output).
    const status = await runCli(['status', batch.id], cliEnv);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/phase\s+done/);
    expect(status.stdout).toContain('cancelled (cancel-requested)');
    // Finished: the reads are counted, not aged ("last read 20s ago" only grows).
    expect(status.stdout).toMatch(/elapsed\s+\S+.*, \d+ reads\n/);
    expect(status.stdout).not.toContain('last read');
    const watch = await runCli(['watch', batch.id], cliEnv);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain(`${batch.id}  cancelled`);
    expect(watch.stdout).toContain(result.results!.summaryPath);
    const list = await runCli(['list', '--status', 'cancelled', '--json'], cliEnv);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ batchId: batch.id, workflowStatus: 'COMPLETED' })]),
    );
  });

  it('status of a batch with no cancellation exits 1 with one line saying how to start one', async () => {
    const r = await runCli(['status', 'batch_neverstarted'], cliEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(stderrLines(r)).toEqual([
      'openai-batch-cancel: no cancellation found for batch_neverstarted: start one with `openai-batch-cancel cancel batch_neverstarted`',
    ]);
  });

  it('an unreachable Temporal server exits non-zero with one line naming the address', async () => {
    const started = Date.now();
    const r = await runCli(
      ['status', 'batch_abc', '--connect-timeout', '1000'],
      cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' }),
    );
    expect(r.code).not.toBe(0);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^openai-batch-cancel: cannot reach Temporal at 127\.0\.0\.1:1: /);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a bad environment variable exits 2 with one line naming it, before connecting', async () => {
    const r = await runCli(
      ['list'],
      cleanEnv({ TEMPORAL_ADDRESS: env.address, WORKER_MAX_CONCURRENT_ACTIVITIES: '-3' }),
    );
    expect(r.code).toBe(2);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^openai-batch-cancel: invalid configuration: WORKER_MAX_CONCURRENT_ACTIVITIES: /,
    );
  });

  it('an invalid batch id exits 2 with the validation message', async () => {
    const r = await runCli(['cancel', 'batch_ok1', 'not-a-batch'], cliEnv);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toEqual([
      'openai-batch-cancel: invalid batch id "not-a-batch": must look like batch_abc123 (letters, digits, _ or - after "batch_")',
    ]);
  });
});
