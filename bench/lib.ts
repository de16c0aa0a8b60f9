/** Small helpers shared by the benchmarks: machine info, RSS sampling, bounded concurrency. */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBatchCancellation } from '../src/client/cancellations';
import type { CancelBatchInput } from '../src/contract/cancel-input';
import { startSimulator } from '../tools/simulator';
import { createDevServerEnv } from '../test/helpers/temporal-env';
import { freePort } from '../tools/devtools/ports';
import {
  COUNTER_FLUSH_MS,
  perCancellation,
  scrapeServerCounters,
  type ServerCounters,
} from '../test/helpers/server-counters';

export function machine() {
  return {
    cpus: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

export const MB = 1024 * 1024;

type PollPolicyInput = NonNullable<CancelBatchInput['poll']>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Samples this process's RSS every `everyMs` and keeps the peak. */
export function rssSampler(everyMs = 100) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  timer.unref();
  return {
    reset: () => {
      peak = process.memoryUsage().rss;
    },
    peakMB: () => Math.round(Math.max(peak, process.memoryUsage().rss) / MB),
    stop: () => clearInterval(timer),
  };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return out;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `--name value` from argv, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

/**
 * Runs a benchmark so that stdout carries only its JSON: the benchmark runs in a child whose
 * stdout (SDK core logs, the dev server's banner) goes to stderr and which hands its JSON back on
 * fd 3; this process prints it.
 */
export function runBench(main: () => Promise<unknown>): void {
  if (process.env.OBC_BENCH_INNER === '1') {
    main().then(
      (result) => {
        fs.writeSync(3, `${JSON.stringify(result, null, 2)}\n`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
    return;
  }
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, OBC_BENCH_INNER: '1' },
    stdio: ['ignore', 2, 2, 'pipe'],
  });
  let json = '';
  child.stdio[3]?.on('data', (d: Buffer) => (json += d.toString()));
  child.on('close', (code) => {
    if (code === 0) process.stdout.write(json);
    process.exitCode = code ?? 1;
  });
}

/** Peak RSS (VmHWM) of another process, from /proc; undefined when unavailable (not Linux, gone). */
export function peakRssOfPidMB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export interface WorkerProcess {
  /** Peak RSS of the worker process so far (its whole process: main thread, workflow thread, core). */
  peakRssMB(): number | undefined;
  /** CPU seconds (user + system) the worker process has used so far. */
  cpuSeconds(): number | undefined;
  /** SIGTERM (graceful drain), then waits for the process to exit. */
  stop(): Promise<void>;
}

/** CPU seconds (utime + stime) of a process, from /proc; undefined when unavailable. */
export function cpuSecondsOfPid(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** The Temporal dev server this process started (a child running `start-dev`), from /proc. */
export function devServerPid(): number | undefined {
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev')) continue;
      if (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[3] === String(process.pid))
        return Number(pid);
    }
  } catch {
    // not Linux, or the process went away
  }
  return undefined;
}

/** CPU seconds used by the whole machine so far (all cores, all processes), from /proc/stat. */
export function machineCpuSeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = line.split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / 100;
}

/** The production worker's entry point in the checkout at `root`. */
export const workerEntry = (root = path.join(__dirname, '..')) => path.join(root, 'src', 'worker.ts');

/**
 * Runs a worker as a child process, so its RSS is the worker's alone: no simulator, client or dev
 * server in it. By default the production worker (`src/worker.ts`, configured by environment like a
 * deployment); `entry` runs another (another checkout's, the "before" of a comparison, or a
 * benchmark's own). Resolves once the worker logs that it is running.
 */
export async function spawnWorker(
  env: Record<string, string>,
  entry = workerEntry(),
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...(process.env.BENCH_WORKER_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF}`]
        : []),
      require.resolve(entry),
    ],
    {
      env: { ...process.env, OBC_BENCH_INNER: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      process.stderr.write(d);
      seen = (seen + d.toString()).slice(-4096);
      if (/Worker state changed[^}]*RUNNING/.test(seen)) resolve();
    };
    // The SDK's logger writes to stderr; either stream may carry the line.
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`worker exited with ${code} before running`)));
  });
  return {
    peakRssMB: () => peakRssOfPidMB(child.pid),
    cpuSeconds: () => cpuSecondsOfPid(child.pid),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A checkout of `rev` (a commit of this repository) in a temporary directory, sharing this
 * checkout's node_modules, to run its worker beside this one's ("before" and "after" in one run).
 */
export function checkoutRevision(rev: string): { root: string; commit: string; remove: () => void } {
  const repo = path.join(__dirname, '..');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-before-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  git('worktree', 'add', '--detach', root, rev);
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'));
  return {
    root,
    commit: git('rev-parse', rev),
    remove: () => git('worktree', 'remove', '--force', root),
  };
}

/** Requests in each batch the overhead and capacity benchmarks seed. */
export const REQUESTS_PER_BATCH = 10;

/**
 * What the overhead and capacity benchmarks share: a dev server, the simulator with a fixed
 * cancel delay, and the production worker in its own process, pointed at both; `seed` makes
 * in-progress batches and `start` starts their cancellation workflows with bounded concurrency.
 */
export async function startDurableStack(
  name: string,
  cancelDelayMs: number,
  workerEnv: Record<string, string> = {},
) {
  const metricsPort = await freePort();
  const env = await createDevServerEnv({ metricsPort });
  const serverPid = devServerPid();
  const sim = await startSimulator({ timing: { cancelDelayMs, perRequestMs: 60_000 } });
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), `obc-${name}-`));
  const taskQueue = `${name}-${process.pid}`;
  const workerEnvFor = (queue: string) => ({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: queue,
    OPENAI_BASE_URL: sim.url,
    OPENAI_API_KEY: sim.apiKey,
    RESULTS_DIR: resultsDir,
    ...workerEnv,
  });
  const worker = await spawnWorker(workerEnvFor(taskQueue));
  const extraWorkers: WorkerProcess[] = [];
  return {
    env,
    sim,
    worker,
    taskQueue,
    /** CPU seconds the dev server has used so far (undefined when its process is not found). */
    serverCpuSeconds: () => cpuSecondsOfPid(serverPid),
    /** The dev server's request and persistence counters now (test/helpers/server-counters.ts). */
    serverCounters: () => scrapeServerCounters(`http://127.0.0.1:${metricsPort}/metrics`),
    /** Peak RSS of the dev server in MB (undefined when its process is not found). */
    serverPeakRssMB: () => peakRssOfPidMB(serverPid),
    /** Another worker on its own task queue: another checkout's (workerEntry of a checkoutRevision) or a benchmark's own. */
    addWorker: async (queue: string, entry: string) => {
      const extra = await spawnWorker(workerEnvFor(queue), entry);
      extraWorkers.push(extra);
      return extra;
    },
    seed: (n: number) =>
      Array.from(
        { length: n },
        () => sim.seedBatch({ status: 'in_progress', requests: REQUESTS_PER_BATCH, cancelDelayMs }).id,
      ),
    start: (batchIds: string[], poll: PollPolicyInput, concurrency: number, queue = taskQueue) =>
      mapLimit(batchIds, concurrency, (batchId) =>
        startBatchCancellation(
          env.client,
          { batchId, poll, writeRemaining: false },
          { taskQueue: queue, rerunIfFinished: true },
        ),
      ),
    close: async () => {
      await Promise.all([worker, ...extraWorkers].map((w) => w.stop()));
      await sim.close();
      fs.rmSync(resultsDir, { recursive: true, force: true });
      await env.teardown();
    },
  };
}

/**
 * Runs one phase of N cancellations and measures it: wall time, the machine's CPU and that of each
 * process in `cpuOf` (`<name>CpuMsPerCancellation`), and with `serverCounters` the dev server's
 * counted work (test/helpers/server-counters.ts), scraped once its counters have flushed. `result`
 * is what `run` returned.
 */
export async function measurePhase<T>(
  n: number,
  run: () => Promise<T>,
  cpuOf: Record<string, () => number | undefined> = {},
  serverCounters?: () => Promise<ServerCounters>,
) {
  const counters0 = await serverCounters?.();
  const cpu0 = machineCpuSeconds();
  const apart0 = Object.fromEntries(Object.entries(cpuOf).map(([k, f]) => [k, f() ?? 0]));
  const t0 = performance.now();
  const result = await run();
  const wallMs = performance.now() - t0;
  const cpuPer = (s: number) => round((s * 1000) / n, 1);
  const cpu = {
    machineCpuMsPerCancellation: cpuPer(machineCpuSeconds() - cpu0),
    ...Object.fromEntries(
      Object.entries(cpuOf).map(([k, f]) => [
        `${k}CpuMsPerCancellation`,
        cpuPer((f() ?? 0) - (apart0[k] ?? 0)),
      ]),
    ),
  };
  const counters1 = serverCounters ? await sleep(COUNTER_FLUSH_MS).then(serverCounters) : undefined;
  return {
    result,
    wallMs: Math.round(wallMs),
    ...cpu,
    ...(counters0 && counters1
      ? { serverWorkPerCancellation: perCancellation(counters0, counters1, n) }
      : {}),
  };
}
