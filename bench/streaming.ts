/**
 * Results streaming: collectResults (through MockActivityEnvironment) vs a raw HTTP copy to disk
 * (fetch + stream.pipeline, the physical limit here) vs the naive `files.content(id).text()` then
 * writeFile, on output files of 10 MB, 100 MB and 1 GB; and the same into an S3 API server
 * (s3proxy, started here): collectResults into the S3 store (`s3`) vs the S3 store's writer alone,
 * without the per-line work (`s3-store`) vs a raw streamed PutObject of the same bytes to the same
 * server (`s3-raw`). Every measurement runs in a fresh child process
 * (`--one <mode> <sizeMB>`) so its peak RSS (`resourceUsage().maxRSS`) is its own; the simulator
 * and the S3 server run in the parent (and its own JVM) and serve the children.
 *
 * Files are served from a disk cache of the simulator's output (bench/file-cache.ts) unless
 * `--serve sim`.
 *
 *   tsx bench/streaming.ts [--sizes 10,100,1000] [--modes project,raw,naive,s3,s3-raw] [--serve cache|sim]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../src/activities';
import { createOpenAIClient } from '../src/providers/openai/client';
import { openaiProvider } from '../src/providers/openai/provider';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { LocalResultsStore } from '../src/results/local-store';
import { s3Settings } from '../src/results/s3/client';
import { S3ResultsStore } from '../src/results/s3/s3-store';
import { startS3Server, type S3Server } from '../tools/devtools/s3-server';
import { startSimulator } from '../tools/simulator';
import { fetchFileContent, startFileCache, type FileCache } from './file-cache';
import { runBench, arg, machine, MB, round } from './lib';

const MODES = ['project', 'raw', 'naive', 's3', 's3-store', 's3-raw'] as const;
const S3_BUCKET = 'obc-bench';
type Mode = (typeof MODES)[number];

interface Target {
  url: string;
  apiKey: string;
  batchId: string;
  inputFileId: string;
  outputFileId: string;
  errorFileId: string | null;
  bytes: number;
}

/** One measurement, in this (fresh) process. */
async function one(mode: Mode, t: Target) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `obc-stream-${mode}-`));
  const openai = createOpenAIClient({ apiKey: t.apiKey, baseURL: t.url, timeoutMs: 30 * 60_000 });
  const files = [t.outputFileId, ...(t.errorFileId ? [t.errorFileId] : [])];
  const t0 = performance.now();
  let error: string | undefined;
  const s3 = () => s3Settings().client;
  try {
    if (mode === 'project' || mode === 's3') {
      const results =
        mode === 'project'
          ? new LocalResultsStore(dir)
          : new S3ResultsStore({ client: s3(), bucket: S3_BUCKET, prefix: `run-${process.pid}` });
      const acts = createActivities({ provider: openaiProvider(openai), results });
      await new MockActivityEnvironment().run(acts.collectResults, {
        batchId: t.batchId,
        resultRefs: { input: t.inputFileId, output: t.outputFileId, errors: t.errorFileId },
        writeRemaining: false,
      });
    } else if (mode === 's3-store') {
      // The S3 store's writer alone (multipart, commit), without the collection's per-line work.
      const store = new S3ResultsStore({ client: s3(), bucket: S3_BUCKET, prefix: `store-${process.pid}` });
      const kinds = ['output', 'errors'] as const;
      for (const [i, id] of files.entries()) {
        const { body } = await fetchFileContent(t.url, t.apiKey, id);
        const writer = store.open(t.batchId, kinds[i] ?? 'errors');
        for await (const chunk of body) await writer.write(chunk as Buffer);
        await writer.commit();
      }
    } else if (mode === 's3-raw') {
      const client = s3();
      for (const id of files) {
        const { body, bytes } = await fetchFileContent(t.url, t.apiKey, id);
        await client.send(
          new PutObjectCommand({
            Bucket: S3_BUCKET,
            Key: `raw-${process.pid}/${id}`,
            Body: body,
            ContentLength: bytes,
          }),
        );
      }
    } else if (mode === 'raw') {
      for (const id of files) {
        const { body } = await fetchFileContent(t.url, t.apiKey, id);
        await pipeline(body, fs.createWriteStream(path.join(dir, id)));
      }
    } else {
      for (const id of files) {
        const text = await (await openai.files.content(id)).text();
        await fs.promises.writeFile(path.join(dir, id), text);
      }
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const ms = performance.now() - t0;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    mode,
    bytes: t.bytes,
    ms: Math.round(ms),
    mbPerSec: error ? null : round(t.bytes / MB / (ms / 1000), 1),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    ...(error ? { error } : {}),
  };
}

async function main() {
  const sizes = arg('sizes', '10,100,1000').split(',').map(Number);
  const modes = arg('modes', MODES.join(',')).split(',') as Mode[];
  const sim = await startSimulator({ seed: 7 });
  // `--serve sim` streams straight from the simulator, which then competes for the cores (file-cache.ts).
  const cache: FileCache | undefined =
    arg('serve', 'cache') === 'cache' ? await startFileCache(sim.url, sim.apiKey) : undefined;
  const s3: S3Server | undefined = modes.some((m) => m.startsWith('s3'))
    ? await startS3Server({ buckets: [S3_BUCKET] })
    : undefined;
  const results: unknown[] = [];
  try {
    // Seeded cancelled batches keep some unprocessed requests: probe the bytes per request first.
    const probe = sim.seedBatch({
      status: 'cancelled',
      requests: 1000,
      completedFraction: 1,
      failedFraction: 0,
      lineBytes: 1000,
    });
    const probeBytes = (await sim.expectedFile(probe.output_file_id!)).bytes;
    for (const sizeMB of sizes) {
      const requests = Math.ceil(((sizeMB * MB) / probeBytes) * 1000);
      const b = sim.seedBatch({
        status: 'cancelled',
        requests,
        completedFraction: 1,
        failedFraction: 0,
        lineBytes: 1000,
      });
      const out = await sim.expectedFile(b.output_file_id!);
      const err = b.error_file_id ? await sim.expectedFile(b.error_file_id) : { bytes: 0 };
      for (const id of [b.input_file_id, b.output_file_id, b.error_file_id]) if (id) await cache?.add(id);
      const target: Target = {
        url: cache?.url ?? sim.url,
        apiKey: sim.apiKey,
        batchId: b.id,
        inputFileId: b.input_file_id,
        outputFileId: b.output_file_id!,
        errorFileId: b.error_file_id ?? null,
        bytes: out.bytes + err.bytes,
      };
      for (const mode of modes) {
        // The child talks to this process's simulator, so it must not block this event loop.
        const child = await new Promise<string>((resolve, reject) => {
          const p = spawn(
            process.execPath,
            [...process.execArgv, __filename, '--one', mode, String(sizeMB)],
            {
              env: {
                ...process.env,
                ...(s3?.env ?? {}),
                AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
                BENCH_TARGET: JSON.stringify(target),
              },
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          );
          let out = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.on('error', reject);
          p.on('close', (code) =>
            code === 0 ? resolve(out) : reject(new Error(`child ${mode} ${sizeMB} MB exited ${code}`)),
          );
        });
        results.push({
          sizeMB,
          outputFileBytes: out.bytes,
          errorFileBytes: err.bytes,
          requests,
          ...JSON.parse(child),
        });
      }
    }
  } finally {
    await cache?.close();
    await sim.close();
    await s3?.stop();
  }
  return {
    benchmark: 'streaming',
    machine: machine(),
    served: cache ? 'file cache (bench/file-cache.ts)' : 'simulator',
    note: 'each row is a fresh child process; peakRssMB = resourceUsage().maxRSS of that child (the simulator runs in the parent). Bytes = output + error file.',
    results,
  };
}

if (process.argv[2] === '--one') {
  const target = JSON.parse(process.env.BENCH_TARGET ?? '{}') as Target;
  one(process.argv[3] as Mode, target)
    .then((r) => console.log(JSON.stringify(r)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
} else {
  runBench(main);
}
