/**
 * The API key never leaves the worker: not in workflow histories, query results, worker logs or
 * result files, even when a wrong key makes calls fail. Results are owner-only, and no batch or
 * file id can put a file outside RESULTS_DIR.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import {
  getCancellationProgress,
  InvalidCancelInputError,
  startBatchCancellation,
} from '../../src/client/cancellations';
import { createOpenAIClient } from '../../src/providers/openai/client';
import { openaiProvider } from '../../src/providers/openai/provider';
import { LocalResultsStore } from '../../src/results/local-store';
import { UnsafeBatchIdError } from '../../src/results/safe-name';
import { FailureType } from '../../src/contract/failure-types';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';
import { createDevServerEnv } from '../helpers/temporal-env';
import { fastPoll, printFigures, startChildWorker, type ChildWorker } from './support';

jest.setTimeout(180_000);

const SECRET = `sk-simulator-SECRET-${randomBytes(12).toString('hex')}`;
const WRONG = `sk-simulator-SECRET-WRONG-${randomBytes(12).toString('hex')}`;
const ESCAPES = [
  '../outside',
  '../../etc/passwd',
  '/etc/passwd',
  'batch_../../x',
  'batch_a/../../b',
  'batch_a\u0000b',
  'batch_..',
  'batch_a\\..\\b',
  '..',
];

/** JSON of anything, with every byte array decoded as UTF-8 so payload contents are searchable. */
function exportText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...listFiles(p)] : [p];
  });
}

describe('security', () => {
  let env: TestWorkflowEnvironment;
  let sim: BatchSimulator;
  let tmp: string;
  let resultsDir: string;
  const workers: ChildWorker[] = [];
  const taskQueue = `security-${process.pid}`;

  beforeAll(async () => {
    env = await createDevServerEnv();
    sim = await startSimulator({
      apiKey: SECRET,
      timing: { cancelDelayMs: 500, perRequestMs: 10_000 },
      faults: { malformedLineRate: 0.05 },
    });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-security-'));
    resultsDir = path.join(tmp, 'results'); // created by the store itself
  });
  afterAll(async () => {
    for (const w of workers) {
      if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
      await w.exited;
    }
    await sim?.close();
    await env?.teardown();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps the API key out of histories, queries, logs and result files', async () => {
    const good = await startChildWorker({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPENAI_BASE_URL: sim.url,
      OPENAI_API_KEY: SECRET,
      RESULTS_DIR: resultsDir,
    });
    const bad = await startChildWorker({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: `${taskQueue}-wrong`,
      OPENAI_BASE_URL: sim.url,
      OPENAI_API_KEY: WRONG,
      RESULTS_DIR: resultsDir,
    });
    workers.push(good, bad);
    // A few 5xx and a cut download so error paths are logged too.
    sim.injectFault('batches.cancel', { kind: 'server_error', status: 503 });
    sim.injectFault('files.content', { kind: 'cut_body', afterBytes: 1000 });

    const ok = sim.seedBatch({ status: 'in_progress', requests: 200 });
    const okHandle = await startBatchCancellation(
      env.client,
      { batchId: ok.id, poll: fastPoll },
      { taskQueue },
    );
    const okResult = await okHandle.result();
    expect(okResult.finalStatus).toBe('cancelled');
    expect(okResult.results!.quarantined).toBeGreaterThan(0);

    const denied = sim.seedBatch({ status: 'in_progress', requests: 10 });
    const deniedHandle = await startBatchCancellation(
      env.client,
      { batchId: denied.id, poll: fastPoll },
      { taskQueue: `${taskQueue}-wrong` },
    );
    const err = await deniedHandle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    // The cancel runs in a local activity whose failure the workflow fails with.
    const failure = (err as WorkflowFailedError).cause;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe(FailureType.Authentication);

    const exported: Record<string, string> = {};
    for (const [name, handle] of [
      ['ok', okHandle],
      ['denied', deniedHandle],
    ] as const) {
      exported[`${name} history`] = exportText(await handle.fetchHistory());
      exported[`${name} describe`] = exportText(await handle.describe());
      exported[`${name} query`] = exportText(
        await getCancellationProgress(env.client, handle.workflowId.slice('cancel-batch:'.length)),
      );
    }
    exported['denied failure'] = exportText({
      message: (err as Error).message,
      cause: failure?.message,
    });
    exported['worker logs'] = good.output();
    exported['wrong-key worker logs'] = bad.output();
    const files = listFiles(resultsDir);
    for (const f of files) if (fs.statSync(f).isFile()) exported[f] = fs.readFileSync(f, 'latin1');

    // The exports really contain what we looked for (they are not empty), and no key.
    expect(exported['ok history']).toContain(ok.id);
    expect(exported['worker logs']).toContain('results collected');
    let bytesSearched = 0;
    for (const [name, text] of Object.entries(exported)) {
      bytesSearched += text.length;
      expect({ name, hasKey: text.includes(SECRET) }).toEqual({ name, hasKey: false });
      expect({ name, hasWrongKey: text.includes(WRONG) }).toEqual({ name, hasWrongKey: false });
      // Nor a recognisable piece of either (e.g. a masked key's tail).
      expect({ name, hasTail: text.includes(SECRET.slice(-8)) || text.includes(WRONG.slice(-8)) }).toEqual({
        name,
        hasTail: false,
      });
    }

    // Owner-only: the root and the batch directory 0700, every file 0600.
    const modes = [resultsDir, ...files].map((f) => ({
      f: path.relative(tmp, f),
      mode: (fs.statSync(f).mode & 0o777).toString(8),
    }));
    for (const m of modes)
      expect(m.mode).toBe(fs.statSync(path.join(tmp, m.f)).isDirectory() ? '700' : '600');

    printFigures('security', {
      workflows: 2,
      exportsSearched: Object.keys(exported).length,
      bytesSearched,
      keyOccurrences: 0,
      filesModeChecked: modes.length,
    });
  });

  it('refuses ids that would escape RESULTS_DIR, in the store, the client, the workflow and the activity', async () => {
    const root = path.join(tmp, 'escape-root');
    const store = new LocalResultsStore(root);
    for (const id of ESCAPES) {
      expect(() => store.batchDir(id)).toThrow(UnsafeBatchIdError);
      await expect(store.prepare(id)).rejects.toThrow(UnsafeBatchIdError);
      await expect(startBatchCancellation(env.client, { batchId: id }, { taskQueue })).rejects.toThrow(
        InvalidCancelInputError,
      );
    }
    // Started directly, past the client's check: the workflow rejects it itself.
    const handle = await env.client.workflow.start('cancelBatchWorkflow', {
      taskQueue,
      workflowId: `escape-${process.pid}`,
      args: [{ batchId: '../../escape' }],
    });
    const err = await handle.result().catch((e: unknown) => e);
    expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe(FailureType.InvalidInput);

    // Called directly, past the workflow: the activity refuses too, with a non-retryable failure.
    const activities = createActivities({
      provider: openaiProvider(createOpenAIClient({ apiKey: SECRET, baseURL: sim.url })),
      results: store,
    });
    for (const id of ESCAPES) {
      const failure = await new MockActivityEnvironment()
        .run(activities.collectResults, {
          batchId: id,
          resultRefs: { input: 'file-x', output: 'file-y', errors: null },
          writeRemaining: false,
        })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).type).toBe(FailureType.InvalidInput);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    }
    // File ids never become paths: hostile ones only reach the API (which does not know them).
    const batch = sim.seedBatch({ status: 'completed', requests: 5 });
    const failure = await new MockActivityEnvironment()
      .run(activities.collectResults, {
        batchId: batch.id,
        resultRefs: {
          input: '../../../../etc/passwd',
          output: '../../../../tmp/evil',
          errors: '/etc/shadow\u0000',
        },
        writeRemaining: true,
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe(FailureType.NotFound);
    // Nothing was created anywhere but <root>/<batchId>/, and no temporary file is left.
    expect(fs.readdirSync(tmp).sort()).toEqual(['escape-root', 'results'].sort());
    expect(fs.readdirSync(root)).toEqual([batch.id]);
    expect(fs.readdirSync(path.join(root, batch.id))).toEqual([]);
  });
});
