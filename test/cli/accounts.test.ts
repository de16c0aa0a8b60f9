/**
 * `--account` and `accounts list|check` as a user runs them: the CLI as a child process, a real dev
 * server, and a worker serving the default account and a second OpenAI project (two simulators,
 * two keys) from an accounts file the CLI reads too.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { createDevServerEnv } from '../helpers/temporal-env';
import { startAccountsWorker, type AccountsWorker } from '../helpers/accounts-worker';
import { cleanEnv, runCli } from './run-cli';

const KEYS = {
  default: 'sk-cli-default-91ab',
  research: 'sk-cli-research-27cd',
  claude: 'sk-ant-cli-claude-53ef',
};

describe('openai-batch-cancel --account, accounts list|check', () => {
  let env: TestWorkflowEnvironment;
  let accountsWorker: AccountsWorker;
  let dir: string;
  let cliEnv: NodeJS.ProcessEnv;
  let sims: { default: BatchSimulator; research: BatchSimulator; claude: BatchSimulator };
  const taskQueue = `cli-accounts-${process.pid}`;

  beforeAll(async () => {
    env = await createDevServerEnv();
    sims = {
      default: await startSimulator({ apiKey: KEYS.default, timing: { cancelDelayMs: 500 } }),
      research: await startSimulator({ apiKey: KEYS.research, timing: { cancelDelayMs: 500 }, seed: 7 }),
      claude: await startSimulator({
        anthropic: true,
        apiKey: KEYS.claude,
        timing: { perRequestMs: 60_000, cancelDelayMs: 500 },
        seed: 8,
      }),
    };
    accountsWorker = await startAccountsWorker(env, {
      taskQueue,
      keyEnv: { RESEARCH_KEY: KEYS.research, CLAUDE_KEY: KEYS.claude },
      defaultSim: sims.default,
      accountsToml: [
        `[accounts.research]\nprovider = "openai"\nbase_url = "${sims.research.url}"\napi_key_env = "RESEARCH_KEY"`,
        `[accounts.claude]\nprovider = "anthropic"\nbase_url = "${sims.claude.url}"\napi_key_env = "CLAUDE_KEY"`,
        '',
      ].join('\n'),
    });
    dir = accountsWorker.dir;
    cliEnv = cleanEnv({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ACCOUNTS_FILE: accountsWorker.accountsFile,
      RESEARCH_KEY: KEYS.research,
      CLAUDE_KEY: KEYS.claude,
      OPENAI_API_KEY: KEYS.default,
      OPENAI_BASE_URL: sims.default.url,
      RESULTS_DIR: accountsWorker.resultsDir,
    });
  });
  afterAll(async () => {
    await accountsWorker?.stop();
    await Promise.all(Object.values(sims ?? {}).map((s) => s.close()));
    await env?.teardown();
  });

  it('lists the accounts with where each key is, never a key, and checks each with one call', async () => {
    const list = await runCli(['accounts', 'list', '--json'], cliEnv);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { account: 'default', provider: 'openai', endpoint: sims.default.url, credential: '$OPENAI_API_KEY' },
      { account: 'research', provider: 'openai', endpoint: sims.research.url, credential: '$RESEARCH_KEY' },
      { account: 'claude', provider: 'anthropic', endpoint: sims.claude.url, credential: '$CLAUDE_KEY' },
    ]);
    const check = await runCli(['accounts', 'check'], { ...cliEnv, RESEARCH_KEY: 'sk-wrong' });
    expect(check.code).toBe(1);
    const lines = check.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ok {3}default \(openai, .*\): authenticated/);
    expect(lines[1]).toMatch(/^FAIL research \(openai, .*\): .*rejected the key of account research \(401\)/);
    expect(lines[2]).toMatch(/^ok {3}claude \(anthropic, .*\): authenticated/);
    for (const out of [list.stdout, check.stdout, check.stderr])
      for (const key of [...Object.values(KEYS), 'sk-wrong']) expect(out).not.toContain(key);
    expect(sims.research.stats().requests['batches.list']).toBe(1);
  });

  it('cancels, shows, lists and reads the result of a batch of another account', async () => {
    const batch = sims.research.seedBatch({ status: 'in_progress', requests: 2_000 });
    const cancel = await runCli(
      ['cancel', batch.id, '--account', 'research', '--poll-interval', '200ms', '--wait', '--json'],
      cliEnv,
    );
    expect(cancel.code).toBe(0);
    const [outcome] = (JSON.parse(cancel.stdout) as { cancellations: Record<string, unknown>[] })
      .cancellations;
    expect(outcome).toMatchObject({
      batchId: batch.id,
      account: 'research',
      workflowId: `cancel-batch:research:${batch.id}`,
      start: 'started',
      result: { account: 'research', finalStatus: 'cancelled' },
    });
    expect(sims.default.stats().requests['batches.cancel']).toBe(0);

    const status = await runCli(['status', batch.id, '--account', 'research'], cliEnv);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/account\s+research/);
    const result = await runCli(['result', batch.id, '--account', 'research', '--json'], cliEnv);
    expect(JSON.parse(result.stdout).results.directory).toBe(path.join(dir, 'results', 'research', batch.id));
    // The default account has no cancellation of that id.
    const none = await runCli(['status', batch.id], cliEnv);
    expect(none.code).not.toBe(0);

    const list = await runCli(['list', '--account', 'research'], cliEnv);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ACCOUNT\s+BATCH/);
    expect(list.stdout).toContain(`research  ${batch.id}`);
    // What remains goes back to the same account's API, from the account's results directory.
    const creates = () => [sims.default, sims.research].map((sim) => sim.stats().requests['batches.create']);
    const before = creates();
    const resubmit = await runCli(['resubmit', batch.id, '--account', 'research', '--json'], cliEnv);
    expect(resubmit.code).toBe(0);
    const report = JSON.parse(resubmit.stdout) as {
      account: string;
      remainingPath: string;
      parts: unknown[];
    };
    expect(report.account).toBe('research');
    expect(report.remainingPath).toBe(path.join(dir, 'results', 'research', batch.id, 'remaining.jsonl'));
    expect(report.parts).toHaveLength(1);
    expect(creates()).toEqual([before[0], before[1]! + 1]);
  });

  it("cancels a Message Batch of an Anthropic account by its msgbatch_ id, in Anthropic's words", async () => {
    const batch = sims.claude.seedMessageBatch({
      status: 'in_progress',
      requests: 30,
      completedFraction: 0.5,
    });
    // The id follows the account's provider (the accounts file here), not BATCH_PROVIDER's.
    const wrongAccount = await runCli(['cancel', batch.id], cliEnv);
    expect(wrongAccount.code).toBe(2);
    expect(wrongAccount.stderr).toContain(`invalid batch id "${batch.id}"`);
    const cancel = await runCli(
      ['cancel', batch.id, '--account', 'claude', '--poll-interval', '200ms', '--wait', '--json'],
      cliEnv,
    );
    expect(cancel.stderr).toBe('');
    expect(cancel.code).toBe(0);
    const [outcome] = (JSON.parse(cancel.stdout) as { cancellations: Record<string, unknown>[] })
      .cancellations;
    expect(outcome).toMatchObject({
      batchId: batch.id,
      account: 'claude',
      workflowId: `cancel-batch:claude:${batch.id}`,
      result: { account: 'claude', finalStatus: 'ended', outcome: 'cancelled' },
    });
    const status = await runCli(['status', batch.id, '--account', 'claude'], cliEnv);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/ended/);
    const result = await runCli(['result', batch.id, '--account', 'claude', '--json'], cliEnv);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).results.directory).toBe(path.join(dir, 'results', 'claude', batch.id));
    // No requests file named: remaining.jsonl lists the custom_ids the results left unfinished.
    const remaining = fs
      .readFileSync(path.join(dir, 'results', 'claude', batch.id, 'remaining.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(remaining.length).toBeGreaterThan(0);
    for (const line of remaining) expect(Object.keys(line)).toEqual(['custom_id']);
    // Anthropic cannot be resubmitted to by this product yet: said plainly, nothing created.
    const resubmit = await runCli(['resubmit', batch.id, '--account', 'claude'], cliEnv);
    expect(resubmit.code).not.toBe(0);
    expect(resubmit.stderr).toMatch(/anthropic provider cannot submit batches/);
    for (const out of [cancel.stdout, status.stdout, result.stdout]) expect(out).not.toContain(KEYS.claude);
  });

  it('refuses an account the accounts file does not have, before starting anything', async () => {
    const batch = sims.default.seedBatch({ status: 'in_progress', requests: 3 });
    const r = await runCli(['cancel', batch.id, '--account', 'nope'], cliEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'account "nope" is not configured on this worker (configured: default, research, claude)',
    );
    expect(sims.default.stats().requests['batches.cancel']).toBe(0);
  });

  it('keeps one cleanup schedule per account, under its own id', async () => {
    const create = await runCli(
      [
        'schedule',
        'create',
        '--account',
        'research',
        '--every',
        '1h',
        '--max-age',
        '24h',
        '--lookback',
        '24h',
        '--json',
      ],
      cliEnv,
    );
    expect(JSON.parse(create.stdout)).toEqual({
      scheduleId: 'openai-batch-cleanup:research',
      outcome: 'created',
    });
    const described = await runCli(['schedule', 'describe', '--account', 'research', '--json'], cliEnv);
    expect(JSON.parse(described.stdout)).toMatchObject({
      scheduleId: 'openai-batch-cleanup:research',
      policy: { account: 'research', maxAge: '24h' },
    });
    const deleted = await runCli(['schedule', 'delete', '--account', 'research'], cliEnv);
    expect(deleted.stdout.trim()).toBe('schedule openai-batch-cleanup:research: delete done');
  });
});
