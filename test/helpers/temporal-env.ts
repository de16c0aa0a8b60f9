/**
 * Real Temporal servers for tests: the Temporal CLI dev server and the Java time-skipping test
 * server, both from the project's tool bootstrap (never the SDK's download). One environment per
 * test file; call `teardown()` in afterAll.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { resolveTemporalCli, resolveTestServer } from '../../src/devtools/temporal-tools';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';

let runtimeInstalled = false;

/** Keeps the SDK's core logs to warnings so test output stays readable. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier call in this process: keep that one.
  }
}

export interface DevServerOptions {
  /** Serve the Web UI too. @default false */
  ui?: boolean;
  /** SQLite file for a persistent server (restart tests). @default in-memory */
  dbFilename?: string;
  /** Fixed gRPC port, needed to restart a persistent server on the same address. */
  port?: number;
  /** More namespaces to create at start (the project's search attributes are registered in each). */
  namespaces?: string[];
}

/** A dev server with the project's search attributes registered. */
export async function createDevServerEnv(opts: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: resolveTemporalCli() },
      searchAttributes: [...CUSTOM_SEARCH_ATTRIBUTES],
      ui: opts.ui ?? false,
      ...(opts.dbFilename ? { dbFilename: opts.dbFilename } : {}),
      ...(opts.port ? { port: opts.port } : {}),
      log: { format: 'pretty', level: 'error' },
      ...(opts.namespaces?.length ? { extraArgs: opts.namespaces.flatMap((n) => ['--namespace', n]) } : {}),
    },
  });
}

/** The Java time-skipping server: awaiting a workflow result skips its timers. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTestServer() } },
  });
  // The test server knows no custom search attributes until told, and the workflows upsert them.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      CUSTOM_SEARCH_ATTRIBUTES.map((k) => [
        k.name,
        temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}

/** UI port the SDK picks for a dev server started with `ui: true` and no `uiPort`. */
export function uiPortOf(env: TestWorkflowEnvironment): number {
  const port = Number(env.address.split(':').pop());
  return port + 1000;
}
