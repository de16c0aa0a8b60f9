/**
 * The package as a backend team gets it: `npm pack`, install the tarball into an empty project
 * outside the repository, then from there (a) compile against the public types and `require` it,
 * (b) run the packaged CLI, (c) run a worker built only from the exported workflows path and
 * `createActivities`, and cancel a batch with the packaged CLI against a dev server and the
 * simulator. The tarball must hold the product and nothing else.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { createDevServerEnv } from '../helpers/temporal-env';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** Runs a command, returning stdout; on failure the error carries stdout and stderr. */
async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout } = await run(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

const CONSUMER_TS = `
import {
  startBatchCancellation,
  getCancellationProgress,
  DEFAULT_TASK_QUEUE,
  WORKFLOW_TYPES,
  FailureType,
  type CancelBatchInput,
  type CancelBatchResult,
  type CancelProgress,
} from '${PKG.name}';
import { createActivities, workflowsPath } from '${PKG.name}/worker';
import { CancelBatchInputSchema } from '${PKG.name}/schemas';

const input: CancelBatchInput = CancelBatchInputSchema.parse({ batchId: 'batch_abc', collectResults: 'always' });
const names: string[] = [DEFAULT_TASK_QUEUE, WORKFLOW_TYPES.cancelBatch, FailureType.NotFound, workflowsPath];
type Fns = [typeof startBatchCancellation, typeof getCancellationProgress, typeof createActivities];
function finalStatus(result: CancelBatchResult): string {
  return result.finalStatus;
}
function phase(progress: CancelProgress): string {
  return progress.phase;
}
export { input, names, finalStatus, phase };
export type { Fns };
`;

const WORKER_JS = `
const { NativeConnection, Worker } = require('@temporalio/worker');
const api = require('${PKG.name}/worker');

async function main() {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE,
    workflowsPath: api.workflowsPath,
    activities: api.createActivities({
      provider: api.openaiProvider(api.createOpenAIClient({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL })),
      results: new api.LocalResultsStore(process.env.RESULTS_DIR),
    }),
  });
  process.stdout.write('consumer worker ready\\n');
  await worker.run();
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

describe('the packed package, installed in a project of its own', () => {
  let work: string;
  let consumer: string;
  let tarball: string;
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-consumer-'));
    consumer = path.join(work, 'app');
    fs.mkdirSync(consumer);
    // `npm pack` runs `prepack`, which builds lib/ from src/ alone.
    const packed = JSON.parse(
      await sh('npm', ['pack', '--json', '--silent', '--pack-destination', work], ROOT),
    ) as { filename: string }[];
    tarball = path.join(work, packed[0]!.filename);
    fs.writeFileSync(
      path.join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }),
    );
    await sh(
      'npm',
      [
        'install',
        tarball,
        '@types/node@20',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
      ],
      consumer,
    );
    [env, sim] = await Promise.all([
      createDevServerEnv(),
      startSimulator({ timing: { cancelDelayMs: 1_000, perRequestMs: 60_000 } }),
    ]);
  }, 600_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await sim?.close();
    await env?.teardown();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds the product only: no simulator, tooling, tests or benchmarks', async () => {
    const listing = await sh('tar', ['-tzf', tarball], work);
    const files = listing.trim().split('\n');
    expect(files).toContain('package/lib/index.js');
    expect(files).toContain('package/lib/index.d.ts');
    expect(files).toContain('package/lib/cli/main.js');
    expect(files).toContain('package/lib/worker/kit.js');
    expect(files).toContain('package/lib/contract/schemas.js');
    expect(files).toContain('package/CHANGELOG.md');
    const outside = files.filter(
      (f) => !/^package\/(lib\/|docs\/|package\.json$|README\.md$|CHANGELOG\.md$)/.test(f),
    );
    expect(outside).toEqual([]);
    const tooling = files.filter((f) => /simulator|devtools|demo|\/test\/|\/bench\/|\/tools\//.test(f));
    expect(tooling).toEqual([]);
  });

  it('compiles against the public types and loads with plain require', async () => {
    fs.writeFileSync(path.join(consumer, 'consumer.ts'), CONSUMER_TS);
    fs.writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          // As most projects set it: @temporalio/common's own .d.ts reach for @types/ms.
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    await sh(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
      consumer,
    );

    const out = await sh(
      process.execPath,
      [
        '-e',
        `const api = require('${PKG.name}');
         console.log(JSON.stringify({
           start: typeof api.startBatchCancellation,
           kit: typeof require('${PKG.name}/worker').createActivities,
           schema: typeof require('${PKG.name}/schemas').CancelBatchInputSchema.parse,
           queue: api.DEFAULT_TASK_QUEUE,
           workflows: require.resolve('${PKG.name}/workflows'),
           version: require('${PKG.name}/package.json').version,
         }));`,
      ],
      consumer,
    );
    const loaded = JSON.parse(out) as Record<string, string>;
    expect(loaded).toMatchObject({
      start: 'function',
      kit: 'function',
      schema: 'function',
      queue: 'openai-batch-cancel',
      version: PKG.version,
    });
    expect(loaded.workflows).toContain(path.join('node_modules', PKG.name, 'lib', 'workflows'));
  });

  it('runs the packaged CLI', async () => {
    const version = await sh('npx', ['--no-install', 'openai-batch-cancel', '--version'], consumer);
    expect(version.trim()).toBe(PKG.version);
    // `setup` ships in the package: it reads the dev server's namespace, which has the attributes.
    const setup = await sh(
      'npx',
      ['--no-install', 'openai-batch-cancel', 'setup', '--check', '--json'],
      consumer,
      { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default' },
    );
    expect(JSON.parse(setup)).toMatchObject({ namespace: 'default', ready: true, missing: [] });
  });

  it("cancels a batch with the packaged CLI and a worker built from the package's exports", async () => {
    const batch = sim.seedBatch({ status: 'in_progress', requests: 50, completedFraction: 0.4 });
    const taskQueue = `consumer-${process.pid}`;
    const resultsDir = path.join(work, 'results');
    const workerEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPENAI_API_KEY: sim.apiKey,
      OPENAI_BASE_URL: sim.url,
      RESULTS_DIR: resultsDir,
    };
    fs.writeFileSync(path.join(consumer, 'worker.js'), WORKER_JS);
    const started = spawn(process.execPath, ['worker.js'], { cwd: consumer, env: workerEnv });
    worker = started;
    let workerOutput = '';
    await new Promise<void>((resolve, reject) => {
      started.stdout.on('data', (d: Buffer) => {
        workerOutput += d.toString();
        if (workerOutput.includes('consumer worker ready')) resolve();
      });
      started.stderr.on('data', (d: Buffer) => (workerOutput += d.toString()));
      started.once('exit', (code) => reject(new Error(`consumer worker exited ${code}: ${workerOutput}`)));
    });

    const cliEnv = { ...workerEnv, OPENAI_API_KEY: '' };
    const out = await sh(
      'npx',
      [
        '--no-install',
        'openai-batch-cancel',
        'cancel',
        batch.id,
        '--wait',
        '--json',
        '--poll-interval',
        '300ms',
      ],
      consumer,
      cliEnv,
    );
    const { cancellations } = JSON.parse(out) as {
      cancellations: { batchId: string; ok: boolean; result?: { finalStatus: string } }[];
    };
    expect(cancellations).toHaveLength(1);
    expect(cancellations[0]).toMatchObject({
      batchId: batch.id,
      ok: true,
      result: { finalStatus: 'cancelled' },
    });
    expect(fs.existsSync(path.join(resultsDir, batch.id, 'summary.json'))).toBe(true);
  });
});
