/**
 * One connection path for every command and the worker: a temporal.toml profile naming a
 * non-default namespace, and a TLS endpoint with a certificate made for this run. The worker runs as
 * `openai-batch-cancel worker` in its own process, configured only by its profile, exactly as ops
 * would run it; the CLI runs as a child process too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/worker/config';
import { checkHealth } from '../../src/worker/health';
import type { CancelBatchResult } from '../../src/contract/results';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { createDevServerEnv } from '../helpers/temporal-env';
import { makeCertificates, startTlsProxy, type TestCertificates, type TlsProxy } from '../helpers/tls-proxy';
import { cleanEnv, ROOT, runCli, stderrLines } from './run-cli';

const NAMESPACE = 'team-ns';
const TASK_QUEUE = `conn-${process.pid}`;

describe('connection: temporal.toml profiles, flags and TLS', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let certs: TestCertificates;
  let proxy: TlsProxy;
  let worker: ChildProcess;
  let workerLog = '';
  let base: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await createDevServerEnv({ namespaces: [NAMESPACE] });
    sim = await startSimulator({ timing: { cancelDelayMs: 1_000, perRequestMs: 1_000 } });
    certs = makeCertificates();
    proxy = await startTlsProxy(env.address, certs);
    const configFile = path.join(certs.dir, 'temporal.toml');
    fs.writeFileSync(
      configFile,
      [
        '[profile.team]',
        `address = "${env.address}"`,
        `namespace = "${NAMESPACE}"`,
        '',
        '[profile.secure]',
        `address = "${proxy.address}"`,
        `namespace = "${NAMESPACE}"`,
        '[profile.secure.tls]',
        `server_ca_cert_path = "${certs.caPath}"`,
        'server_name = "localhost"',
        '',
      ].join('\n'),
    );
    base = cleanEnv({ TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_TASK_QUEUE: TASK_QUEUE });

    // The worker reaches the server only through TLS, on the namespace its profile names.
    worker = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'worker'], {
      cwd: ROOT,
      env: {
        ...base,
        TEMPORAL_PROFILE: 'secure',
        OPENAI_BASE_URL: sim.url,
        OPENAI_API_KEY: sim.apiKey,
        RESULTS_DIR: path.join(certs.dir, 'results'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (d: Buffer) => (workerLog += d.toString()));
    worker.stderr?.on('data', (d: Buffer) => (workerLog += d.toString()));
    const healthConfig = loadConfig({ ...base, TEMPORAL_PROFILE: 'secure' } as NodeJS.ProcessEnv);
    const deadline = Date.now() + 60_000;
    while (!(await checkHealth(healthConfig, {}, {})).ok) {
      if (Date.now() > deadline || worker.exitCode !== null)
        throw new Error(`worker did not start polling:\n${workerLog}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await proxy?.close();
    await sim?.close();
    await env?.teardown();
    if (certs) fs.rmSync(certs.dir, { recursive: true, force: true });
  });

  it('the worker polls the profile namespace over TLS, and says where it connected', async () => {
    expect(proxy.handshakes()).toBeGreaterThan(0);
    expect(workerLog).toContain(
      `worker: task queue ${TASK_QUEUE} on ${proxy.address} (namespace ${NAMESPACE}, TLS)`,
    );
    // Nobody polls the same queue in the default namespace: the profile's namespace was used.
    const other = await checkHealth(loadConfig(base), { address: env.address, namespace: 'default' }, {});
    expect(other).toMatchObject({ ok: false, temporalReachable: true, taskQueuePollers: 0 });
  });

  it('cancel, status and list honour --profile and TEMPORAL_PROFILE (a non-default namespace)', async () => {
    const batch = sim.seedBatch({ status: 'in_progress', requests: 20, completedFraction: 0.5 });

    const cancel = await runCli(
      ['cancel', batch.id, '--profile', 'team', '--wait', '--json', '--poll-interval', '200ms'],
      base,
    );
    expect(stderrLines(cancel)).toEqual([]);
    expect(cancel.code).toBe(0);
    const [outcome] = (JSON.parse(cancel.stdout) as { cancellations: { result: CancelBatchResult }[] })
      .cancellations;
    expect(outcome?.result).toMatchObject({ batchId: batch.id, finalStatus: 'cancelled' });

    const status = await runCli(['status', batch.id], { ...base, TEMPORAL_PROFILE: 'team' });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/phase\s+done/);

    const list = await runCli(['list', '--profile', 'team', '--json'], base);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ batchId: batch.id, workflowStatus: 'COMPLETED' })]),
    );

    // A flag beats the profile: the same server's default namespace has no such cancellation.
    const elsewhere = await runCli(['status', batch.id, '--profile', 'team', '--namespace', 'default'], base);
    expect(elsewhere.code).toBe(1);
    expect(stderrLines(elsewhere)).toEqual([
      `openai-batch-cancel: no cancellation found for ${batch.id}: start one with \`openai-batch-cancel cancel ${batch.id}\``,
    ]);
  });

  it('the CLI reaches the TLS endpoint with TEMPORAL_TLS_* variables and --address/--namespace', async () => {
    const batch = sim.seedBatch({ status: 'in_progress', requests: 10, completedFraction: 0.3 });
    const tlsEnv = {
      ...base,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caPath,
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    };
    const flags = ['--address', proxy.address, '--namespace', NAMESPACE];
    const before = proxy.handshakes();

    const cancel = await runCli(['cancel', batch.id, ...flags, '--wait', '--poll-interval', '200ms'], tlsEnv);
    expect(stderrLines(cancel)).toEqual([]);
    expect(cancel.stdout).toContain(`${batch.id}: cancellation started`);
    const status = await runCli(['status', batch.id, ...flags, '--json'], tlsEnv);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ batchId: batch.id });
    expect(proxy.handshakes()).toBeGreaterThanOrEqual(before + 2);

    // Without the CA the server's certificate is not trusted: one line naming the address, exit 1.
    const untrusted = await runCli(['status', batch.id, ...flags, '--connect-timeout', '2000'], {
      ...base,
      TEMPORAL_TLS: 'true',
    });
    expect(untrusted.code).toBe(1);
    // (Node may warn first that an IP address is not a TLS server name; the error is the last line.)
    expect(stderrLines(untrusted).pop()).toMatch(
      new RegExp(`^openai-batch-cancel: cannot reach Temporal at ${proxy.address.replace(/\./g, '\\.')}`),
    );
  });
});
