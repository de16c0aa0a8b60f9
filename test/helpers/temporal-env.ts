/**
 * Real Temporal servers for tests: the Temporal CLI dev server and the Java time-skipping test
 * server, both from the project's tool bootstrap (never the SDK's download). One environment per
 * test file; call `teardown()` in afterAll.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { resolveTemporalCli, resolveTestServer } from '../../tools/devtools/temporal-tools';
import { CUSTOM_SEARCH_ATTRIBUTES, INDEXED_VALUE_TYPES } from '../../src/contract/search-attributes';
import { installQuietRuntime } from './quiet-logger';

export interface DevServerOptions {
  /** Serve the Web UI too. @default false */
  ui?: boolean;
  /** SQLite file for a persistent server (restart tests). @default in-memory */
  dbFilename?: string;
  /** Fixed gRPC port, needed to restart a persistent server on the same address. */
  port?: number;
  /** More namespaces to create at start (the project's search attributes are registered in each). */
  namespaces?: string[];
  /** Serve the server's Prometheus metrics on this port (benchmarks count its requests). */
  metricsPort?: number;
  /**
   * The search attributes registered at start (tests of a wrongly set-up namespace register only
   * some, or one with another type). @default CUSTOM_SEARCH_ATTRIBUTES, each with its type
   */
  searchAttributes?: readonly SearchAttributeKey<SearchAttributeType>[];
}

/** A dev server with the project's search attributes registered (or those of `searchAttributes`). */
export async function createDevServerEnv(opts: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: resolveTemporalCli({ install: true }) },
      searchAttributes: [...(opts.searchAttributes ?? CUSTOM_SEARCH_ATTRIBUTES)],
      ui: opts.ui ?? false,
      ...(opts.dbFilename ? { dbFilename: opts.dbFilename } : {}),
      ...(opts.port ? { port: opts.port } : {}),
      log: { format: 'pretty', level: 'error' },
      extraArgs: [
        ...(opts.namespaces ?? []).flatMap((n) => ['--namespace', n]),
        ...(opts.metricsPort ? ['--metrics-port', String(opts.metricsPort)] : []),
      ],
    },
  });
}

/** The Java time-skipping server: awaiting a workflow result skips its timers. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTestServer({ install: true }) } },
  });
  // The test server knows no custom search attributes until told, and the workflows upsert them.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      CUSTOM_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_VALUE_TYPES[k.type]]),
    ),
  });
  return env;
}

/** UI port the SDK picks for a dev server started with `ui: true` and no `uiPort`. */
export function uiPortOf(env: TestWorkflowEnvironment): number {
  const port = Number(env.address.split(':').pop());
  return port + 1000;
}
