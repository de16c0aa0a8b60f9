/**
 * A real S3 API server for tests, the benchmarks and the compose-free local stack: s3proxy
 * (Apache-2.0, `org.gaul:s3proxy` from Maven Central) on its filesystem backend, one per caller, on
 * a free loopback port, with its own key pair. Like the dev server, the child is killed on every
 * exit path. MinIO's server is not used: it is AGPL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { resolveJavaTool, type ResolveOptions } from './temporal-tools';

export const S3PROXY_VERSION = '2.6.0';

/**
 * Path of an executable that starts s3proxy as `<exe> --properties <file>`: `$S3_SERVER_PATH`, else
 * a wrapper around the jar resolved from Maven Central into the tool cache.
 */
export function resolveS3Server(opts: ResolveOptions = {}): string {
  return resolveJavaTool(
    {
      tool: 's3-server',
      envVar: 'S3_SERVER_PATH',
      dirName: `s3proxy-${S3PROXY_VERSION}`,
      wrapperName: 's3proxy',
      label: `org.gaul:s3proxy:${S3PROXY_VERSION}`,
      dependencies: [
        {
          groupId: 'org.gaul',
          artifactId: 's3proxy',
          version: S3PROXY_VERSION,
          classifier: 'jar-with-dependencies',
          alone: true,
          why: 'One jar with everything in it: its own dependency list is not needed.',
        },
      ],
      command: (classpath) => `java -jar '${classpath}'`,
    },
    opts,
  );
}

export interface S3Server {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_S3. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where the server keeps the buckets (a bucket is a directory). */
  dataDir: string;
  /** The variables a worker or the CLI needs to reach this server (`RESULTS_URL` not included). */
  env: Record<string, string>;
  /** SIGTERM, then SIGKILL after `graceMs`; removes `dataDir` when the server made it. Safe twice. */
  stop(graceMs?: number): Promise<void>;
}

export interface S3ServerOptions {
  /** Where buckets are kept; a temporary directory (removed by stop()) when unset. */
  dataDir?: string;
  /** Buckets to create before returning. */
  buckets?: string[];
  /** Where the server's own output goes. @default discarded */
  logFile?: string;
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts s3proxy and waits until it answers HTTP; creates `buckets` (a directory each). */
export async function startS3Server(opts: S3ServerOptions = {}): Promise<S3Server> {
  const exe = resolveS3Server({ install: true });
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'obc-s3-'));
  for (const bucket of opts.buckets ?? []) fs.mkdirSync(path.join(dataDir, bucket), { recursive: true });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKeyId = 'obc-test-access-key';
  const secretAccessKey = `obc-test-secret-${process.pid}-${port}`;
  const props = path.join(dataDir, '..', `.s3proxy-${port}.properties`);
  fs.writeFileSync(
    props,
    [
      `s3proxy.endpoint=${endpoint}`,
      's3proxy.authorization=aws-v2-or-v4',
      `s3proxy.identity=${accessKeyId}`,
      `s3proxy.credential=${secretAccessKey}`,
      'jclouds.provider=filesystem-nio2',
      `jclouds.filesystem.basedir=${dataDir}`,
      // The backend's own credentials: unused by the filesystem backend, but required.
      'jclouds.identity=unused',
      'jclouds.credential=unused',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child: ChildProcess = spawn(exe, ['--properties', props], { stdio: ['ignore', out, out] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`s3proxy exited before serving (see ${opts.logFile ?? 'its output'})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`s3proxy did not serve on ${endpoint} within ${opts.startTimeoutMs ?? 60_000} ms`);
    }
    // Any HTTP answer (403 for an unsigned request) means it serves.
    if (
      await fetch(endpoint).then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(200);
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    region: 'us-east-1',
    accessKeyId,
    secretAccessKey,
    dataDir,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    stop(graceMs = 5_000) {
      stopped ??= (async () => {
        process.off('exit', killOnExit);
        if (!exited) {
          const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await gone;
          clearTimeout(timer);
        }
        if (typeof out === 'number') fs.closeSync(out);
        fs.rmSync(props, { force: true });
        if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
