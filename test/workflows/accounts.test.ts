/**
 * Accounts on a real dev server: the same batch id in the default account, a second OpenAI project
 * and an Azure OpenAI resource (each its own simulator, key and port) is three cancellations that
 * never touch each other; a start by name from the Temporal CLI names its account; an unknown
 * account fails at once; webhooks reach each account's endpoint with that account's secret only.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  getCancellationHandle,
  getCancellationProgress,
  InvalidCancelInputError,
  listCancellations,
  startBatchCancellation,
} from '../../src/client/cancellations';
import { cancelWorkflowId } from '../../src/contract/constants';
import { ConfigError } from '../../src/contract/errors';
import { FailureType } from '../../src/contract/failure-types';
import { OPENAI_BATCH_ACCOUNT } from '../../src/contract/search-attributes';
import { AccountSet } from '../../src/providers/accounts/set';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/handler';
import { startWebhookServer, type WebhookServer } from '../../src/webhooks/server';
import { newWebhookSecret, startSimulator, webhookHeaders, type BatchSimulator } from '../../tools/simulator';
import { resolveTemporalCli } from '../../tools/devtools/temporal-tools';
import { recordHistory } from '../helpers/record-history';
import { createDevServerEnv } from '../helpers/temporal-env';
import { startAccountsWorker, type AccountsWorker } from '../helpers/accounts-worker';

const run = promisify(execFile);

const KEYS = {
  default: 'sk-default-3f9c2a',
  research: 'sk-research-7b1e4d',
  azure: 'az-key-5d8a0c',
};
const fastPoll = { initialInterval: '200ms', maxInterval: '500ms' } as const;

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every file under `dir`, read. */
function allFiles(dir: string): { file: string; text: string }[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return { file, text: fs.readFileSync(file, 'utf8') };
    });
}

describe('accounts: one worker, three accounts', () => {
  let env: TestWorkflowEnvironment;
  let accountsWorker: AccountsWorker;
  let dir: string;
  let accountsFile: string;
  let sims: { default: BatchSimulator; research: BatchSimulator; azure: BatchSimulator };
  const taskQueue = `accounts-${process.pid}`;
  const secrets = { default: newWebhookSecret(), research: newWebhookSecret() };
  const keyEnv = { KEY_RESEARCH: KEYS.research, KEY_AZURE: KEYS.azure };

  beforeAll(async () => {
    env = await createDevServerEnv();
    sims = {
      default: await startSimulator({ apiKey: KEYS.default }),
      research: await startSimulator({ apiKey: KEYS.research }),
      azure: await startSimulator({ apiKey: KEYS.azure, azure: true }),
    };
    accountsWorker = await startAccountsWorker(env, {
      taskQueue,
      keyEnv,
      defaultSim: sims.default,
      accountsToml: [
        '[accounts.research]',
        'provider = "openai"',
        `base_url = "${sims.research.url}"`,
        'api_key_env = "KEY_RESEARCH"',
        'webhook_secret_env = "RESEARCH_WEBHOOK_SECRET"',
        '',
        '[accounts.azure-east]',
        'provider = "azure-openai"',
        `endpoint = "${sims.azure.endpoint}"`,
        'api_version = "2024-10-21"',
        'api_key_env = "KEY_AZURE"',
        '',
      ].join('\n'),
    });
    ({ dir, accountsFile } = accountsWorker);
  });
  afterAll(async () => {
    await accountsWorker?.stop();
    await Promise.all(Object.values(sims ?? {}).map((s) => s.close()));
    await env?.teardown();
  });

  it('cancels the same batch id in three accounts at once, each on its own server, results apart, no key anywhere', async () => {
    const seeded = sims.default.seedBatch({ status: 'in_progress', requests: 30, cancelDelayMs: 300 });
    const id = seeded.id;
    sims.research.seedBatch({ status: 'in_progress', requests: 20, cancelDelayMs: 300, id });
    sims.azure.seedBatch({ status: 'in_progress', requests: 10, cancelDelayMs: 300, id });
    const accounts = ['default', 'research', 'azure-east'];
    const handles = await Promise.all(
      accounts.map((account) =>
        startBatchCancellation(env.client, { batchId: id, account, poll: fastPoll }, { taskQueue, accounts }),
      ),
    );
    expect(handles.map((h) => h.workflowId)).toEqual([
      `cancel-batch:${id}`,
      `cancel-batch:research:${id}`,
      `cancel-batch:azure-east:${id}`,
    ]);
    const results = await Promise.all(handles.map((h) => h.result()));
    await recordHistory(env, cancelWorkflowId(id, 'azure-east'), 'account-azure-cancellation');

    // Each reached its own server: one cancel call each, counts of its own batch.
    for (const sim of Object.values(sims)) expect(sim.stats().requests['batches.cancel']).toBe(1);
    expect(results.map((r) => [r.account, r.finalStatus, r.requestCounts.total, r.batch.provider])).toEqual([
      [undefined, 'cancelled', 30, 'openai'],
      ['research', 'cancelled', 20, 'openai'],
      ['azure-east', 'cancelled', 10, 'azure-openai'],
    ]);
    // Results apart: the default's where they always were, the others' under their account.
    const root = path.join(dir, 'results');
    expect(results.map((r) => r.results?.directory)).toEqual([
      path.join(root, id),
      path.join(root, 'research', id),
      path.join(root, 'azure-east', id),
    ]);
    // Each collected its own batch's results: every request accounted for, on its own total.
    for (const r of results) {
      expect(r.results?.output?.lines).toBe(r.requestCounts.succeeded);
      expect(r.results?.reconciliation).toMatchObject({ balanced: true, inputLines: r.requestCounts.total });
    }

    // No key of the three in any history or result file.
    const histories = await Promise.all(handles.map(async (h) => JSON.stringify(await h.fetchHistory())));
    const files = allFiles(root);
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const key of Object.values(KEYS)) {
      for (const h of histories) expect(h).not.toContain(key);
      for (const f of files) expect(f.text).not.toContain(key);
    }

    // Ops find each by account: the search attribute, the listing filter, the progress.
    const research = await eventually(
      () => listCancellations(env.client, { account: 'research' }),
      (rows) => rows.some((r) => r.batchId === id),
    );
    expect(research.map((r) => [r.account, r.workflowId])).toEqual([
      ['research', `cancel-batch:research:${id}`],
    ]);
    const defaults = await listCancellations(env.client, { account: 'default' });
    expect(defaults.filter((r) => r.batchId === id).map((r) => r.workflowId)).toEqual([`cancel-batch:${id}`]);
    const described = await getCancellationHandle(env.client, {
      batchId: id,
      account: 'azure-east',
    }).describe();
    expect(described.typedSearchAttributes.get(OPENAI_BATCH_ACCOUNT)).toBe('azure-east');
    expect((await getCancellationProgress(env.client, { batchId: id, account: 'research' })).account).toBe(
      'research',
    );
  });

  it('runs a cleanup of one account: lists, cancels, collects and deletes files there only', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = sims.azure.seedBatch({
      status: 'in_progress',
      requests: 6,
      cancelDelayMs: 300,
      createdAt: now - 7200,
    });
    const expired = sims.azure.seedBatch({ status: 'expired', requests: 6, createdAt: now - 3600 * 25 });
    const before = Object.values(sims).map((sim) => sim.stats().requests);
    const summary = await env.client.workflow.execute('cleanupBatchesWorkflow', {
      taskQueue,
      workflowId: `cleanup-azure-${process.pid}`,
      args: [
        {
          account: 'azure-east',
          maxAge: '1h',
          collectStatuses: ['expired'],
          deleteFilesAfterCollect: true,
          cancelOptions: { poll: fastPoll },
        },
      ],
    });
    await recordHistory(env, `cleanup-azure-${process.pid}`, 'cleanup-account');
    expect(summary).toMatchObject({ cancelled: 1, collected: 1, errors: [] });
    expect(sims.azure.getBatch(stale.id)?.status).toBe('cancelled');
    for (const id of [stale.id, expired.id]) {
      expect(fs.existsSync(path.join(dir, 'results', 'azure-east', id, 'summary.json'))).toBe(true);
      const described = await env.client.workflow.getHandle(cancelWorkflowId(id, 'azure-east')).describe();
      expect(described.typedSearchAttributes.get(OPENAI_BATCH_ACCOUNT)).toBe('azure-east');
    }
    const after = Object.values(sims).map((sim) => sim.stats().requests);
    // Only the Azure simulator was listed, cancelled and had files deleted.
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toEqual(before[1]);
    expect(after[2]!['batches.list'] - before[2]!['batches.list']).toBeGreaterThanOrEqual(1);
    expect(after[2]!['files.delete'] - before[2]!['files.delete']).toBe(summary.filesDeleted);
    expect(summary.filesDeleted).toBeGreaterThanOrEqual(2);
  });

  it('starts by name from the Temporal CLI with {"batchId", "account"}', async () => {
    const batch = sims.research.seedBatch({ status: 'in_progress', requests: 8, cancelDelayMs: 200 });
    const workflowId = cancelWorkflowId(batch.id, 'research');
    await run(resolveTemporalCli(), [
      ...['workflow', 'start', '--type', 'cancelBatchWorkflow', '--task-queue', taskQueue],
      ...['--workflow-id', workflowId, '--address', env.address, '--namespace', env.namespace ?? 'default'],
      ...['--input', JSON.stringify({ batchId: batch.id, account: 'research', poll: fastPoll })],
    ]);
    const result = await env.client.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ batchId: batch.id, account: 'research', finalStatus: 'cancelled' });
    expect(sims.research.getBatch(batch.id)?.status).toBe('cancelled');
    expect(sims.default.getBatch(batch.id)).toBeUndefined();
    // The starter set no account attribute: the workflow did.
    const described = await env.client.workflow.getHandle(workflowId).describe();
    expect(described.typedSearchAttributes.get(OPENAI_BATCH_ACCOUNT)).toBe('research');
  });

  it('refuses an unknown account: before starting when the caller knows the accounts, else at once in the worker', async () => {
    const batch = sims.default.seedBatch({ status: 'in_progress', requests: 4 });
    const calls = () => Object.values(sims).map((sim) => sim.stats().requests);
    const before = calls();
    await expect(
      startBatchCancellation(
        env.client,
        { batchId: batch.id, account: 'nope' },
        { taskQueue, accounts: ['default', 'research', 'azure-east'] },
      ),
    ).rejects.toThrow(InvalidCancelInputError);
    const handle = await startBatchCancellation(
      env.client,
      { batchId: batch.id, account: 'nope' },
      { taskQueue },
    );
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({
      type: FailureType.UnknownAccount,
      nonRetryable: true,
      message: expect.stringContaining(
        'account "nope" is not configured on this worker (configured: default, research, azure-east)',
      ),
    });
    // Failed at once: no call to any server.
    expect(calls()).toEqual(before);
    expect(sims.default.getBatch(batch.id)?.status).toBe('in_progress');
  });

  it('refuses to connect an account whose key variable is unset, or a file with a literal key', () => {
    expect(() =>
      AccountSet.load(accountsFile).connect({ KEY_RESEARCH: KEYS.research }, () => {
        throw new Error('unused');
      }),
    ).toThrow(
      new ConfigError([
        `${accountsFile}: accounts.azure-east.api_key_env: KEY_AZURE is not set (the key of this account belongs there)`,
      ]),
    );
    const leaky = path.join(dir, 'leaky.toml');
    fs.writeFileSync(leaky, `[accounts.x]\nprovider = "openai"\napi_key = "${KEYS.research}"\n`);
    expect(() => AccountSet.load(leaky)).toThrow(
      /accounts\.x\.api_key: keys never stand in the accounts file/,
    );
  });

  it('refuses to start the worker command on a bad accounts file, before connecting to Temporal', async () => {
    const leaky = path.join(dir, 'leaky-worker.toml');
    fs.writeFileSync(leaky, `[accounts.x]\nprovider = "openai"\napi_key = "sk-nope"\n`);
    const cli = path.join(__dirname, '../../src/cli/main.ts');
    const out = await run(process.execPath, ['--import', 'tsx', cli, 'worker', '--accounts', leaky], {
      env: { ...process.env, OPENAI_API_KEY: 'sk-x', TEMPORAL_ADDRESS: '127.0.0.1:1' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('accounts.x.api_key: keys never stand in the accounts file');
    expect(out.stderr).not.toContain('sk-nope');
  });

  describe('webhooks per account', () => {
    let receiver: WebhookServer;
    let researchHandler: WebhookHandler;
    beforeAll(async () => {
      const handler = createWebhookHandler({ client: env.client, secret: secrets.default, taskQueue });
      researchHandler = createWebhookHandler({
        client: env.client,
        secret: secrets.research,
        account: 'research',
        taskQueue,
      });
      receiver = await startWebhookServer({
        handler,
        accounts: { research: researchHandler },
        client: env.client,
        port: 0,
      });
    });
    afterAll(async () => {
      await receiver?.close();
    });

    const post = (url: string, secret: string, batchId: string, eventId: string) => {
      const body = JSON.stringify({
        id: eventId,
        object: 'event',
        created_at: Math.floor(Date.now() / 1000),
        type: 'batch.cancelled',
        data: { id: batchId },
      });
      return fetch(url, {
        method: 'POST',
        headers: webhookHeaders(secret, eventId, Math.floor(Date.now() / 1000), body),
        body,
      });
    };

    it("signals only the account's cancellation, and refuses the other account's secret with 400", async () => {
      // Both accounts have a running cancellation of the same batch id.
      const batch = sims.default.seedBatch({ status: 'in_progress', requests: 6, cancelDelayMs: 600_000 });
      sims.research.seedBatch({ status: 'in_progress', requests: 6, cancelDelayMs: 600_000, id: batch.id });
      const slow = { initialInterval: '10m', maxInterval: '10m' } as const;
      const def = await startBatchCancellation(env.client, { batchId: batch.id, poll: slow }, { taskQueue });
      const res = await startBatchCancellation(
        env.client,
        { batchId: batch.id, account: 'research', poll: slow },
        { taskQueue },
      );
      const researchUrl = `${receiver.url}/research`;
      const forged = await post(researchUrl, secrets.default, batch.id, 'evt_wrong_secret');
      expect(forged.status).toBe(400);
      expect(researchHandler.stats().rejected).toBe(1);
      const ok = await post(researchUrl, secrets.research, batch.id, 'evt_research');
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ outcome: 'signalled' });
      const unknown = await post(`${receiver.url}/nope`, secrets.research, batch.id, 'evt_nope');
      expect(unknown.status).toBe(404);

      const progress = (account?: string) =>
        getCancellationProgress(env.client, account ? { batchId: batch.id, account } : batch.id);
      const research = await eventually(
        () => progress('research'),
        (p) => p.webhookEvents === 1,
      );
      expect(research.webhookEvents).toBe(1);
      expect((await progress()).webhookEvents).toBeUndefined();
      await def.terminate('test done');
      await res.terminate('test done');
    });
  });
});
