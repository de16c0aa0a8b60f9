/**
 * A wrongly set-up namespace is refused at the door, on one real dev server with one namespace per
 * case: two of the six search attributes (the first README's), all but `OpenAIBatchId`, one with
 * another type, none at all. The worker refuses (naming each attribute and the commands), or with
 * `--skip-namespace-check` starts and `status`/`list`/the API show the failing workflow task;
 * `cancel`, the API and the webhook receiver name a missing attribute and `setup`; `setup` fills an
 * empty namespace, idempotently.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  getCancellationProgress,
  listCancellations,
  startBatchCancellation,
} from '../../src/client/cancellations';
import { checkNamespace, readSearchAttributes } from '../../src/client/namespace-check';
import { CancellationStartError } from '../../src/client/start-failure';
import {
  CUSTOM_SEARCH_ATTRIBUTES,
  INDEXED_VALUE_TYPES,
  OPENAI_BATCH_ID,
  OPENAI_BATCH_STATUS,
  OPENAI_BATCH_STUCK,
} from '../../src/contract/search-attributes';
import { createWebhookHandler } from '../../src/webhooks/handler';
import { newWebhookSecret, startSimulator, webhookHeaders, type BatchSimulator } from '../../tools/simulator';
import { createDevServerEnv } from '../helpers/temporal-env';
import { cleanEnv, ROOT, runCli, stderrLines } from '../cli/run-cli';
import { freePort, waitFor } from '../reliability/support';

jest.setTimeout(180_000);

const NS = {
  two: 'obc-two-attributes',
  noId: 'obc-no-batch-id',
  wrongType: 'obc-wrong-type',
  empty: 'obc-empty',
} as const;

describe('a namespace without the search attributes is refused at the door (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let worker: ChildProcess | undefined;
  const figures: Record<string, unknown> = {};

  const register = (
    namespace: string,
    keys: readonly { name: string; type: keyof typeof INDEXED_VALUE_TYPES }[],
  ) =>
    env.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(keys.map((k) => [k.name, INDEXED_VALUE_TYPES[k.type]])),
    });
  const cli = (namespace: string, args: string[]) =>
    runCli(
      args,
      cleanEnv({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: namespace,
        OPENAI_API_KEY: sim.apiKey,
        OPENAI_BASE_URL: sim.url,
      }),
    );

  beforeAll(async () => {
    env = await createDevServerEnv({ searchAttributes: [], namespaces: Object.values(NS) });
    sim = await startSimulator({ timing: { cancelDelayMs: 300, perRequestMs: 10_000 } });
    await register(NS.two, [OPENAI_BATCH_ID, OPENAI_BATCH_STATUS]);
    await register(
      NS.noId,
      CUSTOM_SEARCH_ATTRIBUTES.filter((k) => k !== OPENAI_BATCH_ID),
    );
    await register(NS.wrongType, [
      ...CUSTOM_SEARCH_ATTRIBUTES.filter((k) => k !== OPENAI_BATCH_STUCK),
      { name: OPENAI_BATCH_STUCK.name, type: 'KEYWORD' },
    ]);
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((r) => worker!.once('exit', r));
    }
    await sim?.close();
    await env?.teardown();
    process.stdout.write(`RELIABILITY ${JSON.stringify({ test: 'namespace-setup', ...figures })}\n`);
  });

  it('the worker refuses a namespace with two of the six, naming the other four with their types and the commands', async () => {
    const t0 = Date.now();
    const r = await cli(NS.two, ['worker']);
    figures.refusedInMs = Date.now() - t0;
    expect(r.code).toBe(2);
    const missing = [
      'OpenAIBatchStuck (Bool): missing',
      'OpenAIBatchRequestsCompleted (Int): missing',
      'OpenAIBatchRequestsFailed (Int): missing',
      'OpenAIBatchRequestsTotal (Int): missing',
    ];
    for (const line of missing) expect(r.stderr).toContain(line);
    expect(r.stderr).not.toMatch(/OpenAIBatchId \(Keyword\)|OpenAIBatchStatus \(Keyword\)/);
    expect(r.stderr).toContain(
      `temporal operator search-attribute create --address ${env.address} --namespace ${NS.two} --name OpenAIBatchStuck --type Bool`,
    );
    expect(r.stderr).toContain(
      `temporal operator search-attribute create --address ${env.address} --namespace ${NS.two} --name OpenAIBatchRequestsCompleted --name OpenAIBatchRequestsFailed --name OpenAIBatchRequestsTotal --type Int`,
    );
    expect(r.stderr).toContain(
      `tcld namespace search-attributes add -n ${NS.two} --sa "OpenAIBatchStuck=Bool" --sa "OpenAIBatchRequestsCompleted=Int" --sa "OpenAIBatchRequestsFailed=Int" --sa "OpenAIBatchRequestsTotal=Int"`,
    );
    expect(r.stderr).toContain('openai-batch-cancel setup');
    expect(r.stderr).not.toMatch(/RUNNING|at .*\.ts:\d+/);
  });

  it('with --skip-namespace-check it starts, and status, list and the API show the failing workflow task', async () => {
    const metricsPort = await freePort();
    worker = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--skip-namespace-check'],
      {
        cwd: ROOT,
        env: cleanEnv({
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: NS.two,
          OPENAI_API_KEY: sim.apiKey,
          OPENAI_BASE_URL: sim.url,
          METRICS_PORT: String(metricsPort),
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    worker.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const batch = sim.seedBatch({ status: 'in_progress', requests: 20 });
    // Started, but its workflow task fails: `cancel` says so at once and exits 3 (not finished)
    // with the failing task's line (not the 30 s timeout's "no answer yet").
    const startedAt = Date.now();
    const started = await cli(NS.two, ['cancel', batch.id, '--json']);
    figures.cancelAnsweredInMs = Date.now() - startedAt;
    expect(started.code).toBe(3);
    expect(started.stderr).toMatch(
      /makes no progress: its workflow task failing \(attempt \d+\): .*OpenAIBatch/,
    );

    type View = { workflowTask?: { attempt: number; lastFailure: string | null } };
    const status = await waitFor(
      'status to show the failing workflow task',
      async () => {
        const r = await cli(NS.two, ['status', batch.id, '--json']);
        // Until the workflow exists, status fails with a line on stderr and nothing on stdout.
        const view = r.code === 0 ? (JSON.parse(r.stdout) as View) : undefined;
        return view?.workflowTask && view.workflowTask.attempt >= 3 ? view : undefined;
      },
      60_000,
      250,
    );
    expect(status.workflowTask!.lastFailure).toMatch(/BadSearchAttributes|search attribute/i);
    expect(status.workflowTask!.lastFailure).toMatch(/OpenAIBatch(Stuck|Requests\w+)/);
    figures.workflowTaskAttemptsSeen = status.workflowTask!.attempt;
    figures.lastFailure = status.workflowTask!.lastFailure;

    const human = await cli(NS.two, ['status', batch.id]);
    expect(human.stdout).toMatch(/workflow task failing \(attempt \d+\): .*OpenAIBatch(Stuck|Requests)/);
    const list = await cli(NS.two, ['list']);
    expect(list.stdout).toMatch(new RegExp(`${batch.id} .*TASK FAILING \\(attempt \\d+\\)`));

    const client = new (await import('@temporalio/client')).Client({
      connection: env.connection,
      namespace: NS.two,
    });
    const progress = await getCancellationProgress(client, batch.id);
    expect(progress.workflowTask).toEqual({
      attempt: expect.any(Number),
      lastFailure: expect.stringMatching(/OpenAIBatch/),
    });
    const [row] = await listCancellations(client, { limit: 1 });
    expect(row?.workflowTask?.attempt).toBeGreaterThanOrEqual(3);
    expect(out).toMatch(/worker: task queue/);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    // The SDK's own counter of refused workflow task completions: what an alert rule watches.
    const refused = new RegExp(
      `^temporal_request_failure\\{namespace="${NS.two}",operation="RespondWorkflowTaskCompleted",.*status_code="INVALID_ARGUMENT"\\} (\\d+)$`,
      'm',
    ).exec(metrics);
    expect(Number(refused?.[1])).toBeGreaterThanOrEqual(2);
    figures.refusedCompletionsMetric = Number(refused?.[1]);
  });

  it('cancel on a namespace without OpenAIBatchId names it and `setup` (CLI, --json, API, webhook receiver)', async () => {
    const batch = sim.seedBatch({ status: 'in_progress', requests: 5 });
    const human = await cli(NS.noId, ['cancel', batch.id]);
    expect(human.code).toBe(1);
    expect(stderrLines(human).join('\n')).toMatch(
      /search attribute OpenAIBatchId \(Keyword\).*openai-batch-cancel setup/,
    );
    const json = await cli(NS.noId, ['cancel', batch.id, '--json']);
    const [outcome] = (JSON.parse(json.stdout) as { cancellations: { ok: boolean; error: string }[] })
      .cancellations;
    expect(outcome?.ok).toBe(false);
    expect(outcome?.error).toMatch(/OpenAIBatchId \(Keyword\).*openai-batch-cancel setup.*INVALID_ARGUMENT/);
    figures.cancelSays = outcome?.error;

    const { Client } = await import('@temporalio/client');
    const client = new Client({ connection: env.connection, namespace: NS.noId });
    const err = await startBatchCancellation(client, { batchId: batch.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancellationStartError);
    expect((err as CancellationStartError).searchAttribute).toBe('OpenAIBatchId');
    const cause = (err as CancellationStartError).cause as Error;
    expect(cause.message).toBe('Failed to start Workflow');
    expect((cause.cause as Error).message).toMatch(/INVALID_ARGUMENT.*OpenAIBatchId/);

    const secret = newWebhookSecret();
    const logged: string[] = [];
    const handler = createWebhookHandler({
      client,
      secret,
      collectExpired: true,
      log: (l) => logged.push(l),
    });
    const body = JSON.stringify({
      id: 'evt_ns',
      object: 'event',
      created_at: 1,
      type: 'batch.expired',
      data: { id: batch.id },
    });
    const res = await handler({
      body,
      headers: webhookHeaders(secret, 'evt_ns', Math.floor(Date.now() / 1000), body),
    });
    expect(res.status).toBe(503);
    expect(logged.join('\n')).toMatch(/OpenAIBatchId \(Keyword\).*openai-batch-cancel setup/);
  });

  it('an attribute of another type: the worker and `setup` name it with both types and the commands', async () => {
    const r = await cli(NS.wrongType, ['worker']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OpenAIBatchStuck (Bool): registered as Keyword');
    expect(r.stderr).toContain(
      `temporal operator search-attribute remove --address ${env.address} --namespace ${NS.wrongType} --name OpenAIBatchStuck --yes`,
    );
    const setup = await cli(NS.wrongType, ['setup', '--json']);
    expect(setup.code).toBe(1);
    const report = JSON.parse(setup.stdout) as {
      added: string[];
      mistyped: { name: string; registeredAs: string }[];
      ready: boolean;
    };
    expect(report).toMatchObject({
      added: [],
      ready: false,
      mistyped: [{ name: 'OpenAIBatchStuck', registeredAs: 'Keyword' }],
    });
  });

  it('setup on an empty namespace adds all six; run again it adds nothing; the worker check then passes', async () => {
    const check = await cli(NS.empty, ['setup', '--check', '--json']);
    expect(check.code).toBe(1);
    expect((JSON.parse(check.stdout) as { missing: string[] }).missing).toEqual(
      CUSTOM_SEARCH_ATTRIBUTES.map((k) => k.name),
    );

    const first = await cli(NS.empty, ['setup']);
    expect(first.code).toBe(0);
    for (const k of CUSTOM_SEARCH_ATTRIBUTES)
      expect(first.stdout).toMatch(new RegExp(`${k.name} \\(\\w+\\): added`));
    const second = await cli(NS.empty, ['setup', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      added: [],
      present: CUSTOM_SEARCH_ATTRIBUTES.map((k) => k.name),
      ready: true,
    });
    const states = await readSearchAttributes(env.connection.operatorService, NS.empty);
    expect(states.every((s) => s.state === 'present')).toBe(true);
    const warnings: string[] = [];
    await expect(
      checkNamespace(env.connection.operatorService, { namespace: NS.empty }, (l) => warnings.push(l)),
    ).resolves.toBe('checked');
    expect(warnings).toEqual([]);
    figures.setupTwice = { first: 'added 6', second: 'added 0, present 6' };
  });
});
