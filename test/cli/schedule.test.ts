/**
 * `openai-batch-cancel schedule ...` as a child process against a real dev server: create is
 * idempotent (a second create updates), and describe, pause, unpause, trigger and delete act on it.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv } from '../helpers/temporal-env';
import { cleanEnv, runCli } from './run-cli';

describe('openai-batch-cancel schedule', () => {
  let env: TestWorkflowEnvironment;
  let cliEnv: NodeJS.ProcessEnv;
  const id = ['--id', 'cli-test-cleanup'];

  beforeAll(async () => {
    env = await createDevServerEnv();
    cliEnv = cleanEnv({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: 'no-worker-here' });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const json = async (args: string[]) => {
    const r = await runCli([...args, ...id, '--json'], cliEnv);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it('creates, updates, describes, pauses, unpauses, triggers and deletes the cleanup schedule', async () => {
    expect(
      await json(['schedule', 'create', '--every', '1h', '--max-age', '24h', '--lookback', '24h']),
    ).toEqual({
      scheduleId: 'cli-test-cleanup',
      outcome: 'created',
    });
    expect(
      await json([
        'schedule',
        'create',
        '--every',
        '2h',
        '--max-age',
        '12h',
        '--lookback',
        '20h',
        '--collect',
        'expired',
        'failed',
      ]),
    ).toEqual({
      scheduleId: 'cli-test-cleanup',
      outcome: 'updated',
    });
    const described = await json(['schedule', 'describe']);
    expect(described).toMatchObject({
      scheduleId: 'cli-test-cleanup',
      paused: false,
      taskQueue: 'no-worker-here',
      policy: { maxAge: '12h', lookback: '20h', collectStatuses: ['expired', 'failed'] },
    });

    await json(['schedule', 'pause']);
    expect(await json(['schedule', 'describe'])).toMatchObject({ paused: true });
    await json(['schedule', 'unpause']);
    expect(await json(['schedule', 'describe'])).toMatchObject({ paused: false });

    await json(['schedule', 'trigger']);
    let runs: unknown[] = [];
    for (let i = 0; i < 20 && runs.length === 0; i++) {
      runs = (await json(['schedule', 'describe'])).recentRuns as unknown[];
      if (runs.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(runs).toHaveLength(1);

    await json(['schedule', 'delete']);
    const gone = await runCli(['schedule', 'describe', ...id], cliEnv);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr.trim().split('\n')).toHaveLength(1);
  }, 90_000);

  it('rejects a lookback longer than the namespace retention (24 h on the dev server), naming both', async () => {
    const r = await runCli(
      ['schedule', 'create', ...id, '--every', '1h', '--max-age', '24h', '--lookback', '72h'],
      cliEnv,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'lookback 72h is longer than the retention of namespace default (24h): batches whose cancellation records were deleted would be collected again',
    );
    const gone = await runCli(['schedule', 'describe', ...id], cliEnv);
    expect(gone.code).not.toBe(0);
  });

  it('rejects a create with neither --every nor --cron as a usage error', async () => {
    const r = await runCli(['schedule', 'create', ...id], cliEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/interval.*cron/);
  });
});
