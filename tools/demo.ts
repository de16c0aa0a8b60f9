/**
 * `npm run demo`: the whole product on one machine, in about a minute.
 *
 * Starts a Temporal dev server (Web UI + search attributes; built from source on first run), the
 * Batch API simulator and a worker; seeds batches in several states; cancels them through the
 * client API; shows live progress; prints where the results are. Then keeps everything up until
 * Ctrl-C, or exits at once with `--once` (also `DEMO_ONCE=1`, or `CI=true` without a TTY).
 *
 * With OPENAI_API_KEY set (and no `--simulator`) it cancels the real batches given as arguments.
 *
 *   npm run demo
 *   npm run demo -- --once --data-dir /tmp/obc-demo --cancel-delay-ms 5000
 *   OPENAI_API_KEY=sk-... npm run demo -- batch_abc123 batch_def456
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBatchCancellation, type CancelBatchInput } from '../src/client/cancellations';
import { checkBatchId } from '../src/cli/common';
import { describeError } from '../src/cli/errors';
import { resultText } from '../src/cli/format';
import type { ProgressView } from '../src/cli/read-progress';
import { rowKey, showProgress, type BoardRow } from './demo/board';
import { seedDemoBatches } from './demo/seed';
import { startLocalStack, type LocalStack } from './devtools/local-stack';
import { LOCAL_CANCEL_DELAY_MS } from './simulator';

const USAGE = `usage: npm run demo -- [--once] [--data-dir DIR] [--cancel-delay-ms N (default ${LOCAL_CANCEL_DELAY_MS})] [--simulator] [--port N] [--ui-port N] [batch_id...]`;

interface DemoArgs {
  once: boolean;
  dataDir: string;
  cancelDelayMs: number;
  useSimulator: boolean;
  port: number;
  uiPort: number;
  batchIds: string[];
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
  return n;
}

export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv, isTTY: boolean): DemoArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      once: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: './data' },
      'cancel-delay-ms': { type: 'string' },
      simulator: { type: 'boolean', default: false },
      port: { type: 'string' },
      'ui-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const useSimulator = values.simulator || !env.OPENAI_API_KEY;
  const batchIds = positionals.map((id) => checkBatchId(id));
  if (useSimulator && batchIds.length > 0)
    throw new Error(
      'batch ids are for the real API: set OPENAI_API_KEY (without --simulator) to cancel them',
    );
  if (!useSimulator && batchIds.length === 0)
    throw new Error(
      'OPENAI_API_KEY is set: pass the batch ids to cancel, or add --simulator for the simulated demo',
    );
  return {
    once: values.once || env.DEMO_ONCE === '1' || (env.CI === 'true' && !isTTY),
    dataDir: path.resolve(values['data-dir']),
    cancelDelayMs: integer('cancel-delay-ms', values['cancel-delay-ms'], LOCAL_CANCEL_DELAY_MS),
    useSimulator,
    port: integer('port', values.port, 7233),
    uiPort: integer('ui-port', values['ui-port'], 8233),
    batchIds,
  };
}

/** The cancellation options the demo uses: read often, report often, so the progress moves. */
function demoInput(batchId: string, simulated: boolean, account?: string): CancelBatchInput {
  return simulated
    ? {
        batchId,
        ...(account ? { account } : {}),
        poll: { initialInterval: '1s', backoffCoefficient: 1.5, maxInterval: '5s' },
        checkInInterval: '3s',
        reason: 'npm run demo',
      }
    : { batchId, checkInInterval: '1m', reason: 'npm run demo' };
}

/** Prints each result and checks its files exist; returns the problems found. */
function reportResults(rows: BoardRow[], views: Map<string, ProgressView>): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const view = views.get(rowKey(row));
    if (!view?.result) {
      problems.push(
        `${row.batchId}: ${view?.failure ?? `not finished (${view?.workflowStatus ?? 'unknown'})`}`,
      );
      continue;
    }
    process.stdout.write(`\n${row.label}\n${resultText(view.result)}\n`);
    const r = view.result.results;
    const files = r ? [r.summaryPath, r.output?.path, r.errors?.path].filter((f): f is string => !!f) : [];
    if (!r) problems.push(`${row.batchId}: results were not collected`);
    for (const file of files) if (!fs.existsSync(file)) problems.push(`${row.batchId}: missing ${file}`);
  }
  return problems;
}

async function run(args: DemoArgs): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let stopSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) return;
    stopSignal = signal;
    log(`\n${signal}: stopping...`);
  };
  let stack: LocalStack | undefined;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    stack = await startLocalStack({
      dataDir: args.dataDir,
      simulator: args.useSimulator ? { cancelDelayMs: args.cancelDelayMs, azure: true } : false,
      port: args.port,
      uiPort: args.uiPort,
      log,
    });
    if (stopSignal) return 130;
    const rows: BoardRow[] = stack.sim
      ? seedDemoBatches(stack.sim, stack.azure)
      : args.batchIds.map((batchId) => ({ batchId, label: 'real batch' }));
    log(`\ncancelling ${rows.length} batches (Temporal UI: ${stack.devServer.uiUrl})`);
    for (const row of rows) {
      await startBatchCancellation(stack.client, demoInput(row.batchId, Boolean(stack.sim), row.account), {
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      });
    }
    const views = await showProgress(stack.client, rows, {
      tty: Boolean(process.stdout.isTTY),
      stopped: () => stopSignal !== undefined,
    });
    if (stopSignal) return 130;
    const problems = reportResults(rows, views);
    log(`\nresults   ${stack.config.RESULTS_DIR}`);
    log(`Temporal  ${stack.devServer.uiUrl}`);
    for (const problem of problems) process.stderr.write(`demo: ${problem}\n`);
    if (args.once) return problems.length ? 1 : 0;
    log(`\nEverything is still running. In another terminal:`);
    log(`  TEMPORAL_ADDRESS=${stack.devServer.address} npm run cli -- list`);
    if (stack.azure)
      log(
        `  TEMPORAL_ADDRESS=${stack.devServer.address} npm run cli -- list --account ${stack.azure.account}` +
          `   (Web UI query: OpenAIBatchAccount = '${stack.azure.account}')`,
      );
    if (stack.sim) log(`  (simulator: OPENAI_BASE_URL=${stack.sim.url} OPENAI_API_KEY=${stack.sim.apiKey})`);
    log('Press Ctrl-C to stop.');
    while (!stopSignal) await new Promise((resolve) => setTimeout(resolve, 200));
    return problems.length ? 1 : 0;
  } finally {
    if (stack) {
      log('stopping the worker, the simulator and the Temporal dev server...');
      await stack.stop();
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  let args: DemoArgs;
  try {
    args = parseDemoArgs(process.argv.slice(2), process.env, Boolean(process.stdout.isTTY));
  } catch (err) {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  run(args).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`demo: ${describeError(err).line}\n`);
      process.exit(1);
    },
  );
}
