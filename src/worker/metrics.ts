/**
 * Prometheus metrics: the SDK's own (task latencies, slots, polls) plus the product's counters.
 * The Runtime must be installed before any connection or worker exists, so the worker calls
 * `installRuntime` first thing.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

export interface RuntimeOptions {
  /** Serve Prometheus metrics on this port (all interfaces). Unset: no exporter. */
  metricsPort?: number;
  logLevel?: LogLevel;
}

export function installRuntime(opts: RuntimeOptions): void {
  Runtime.install({
    logger: new DefaultLogger(opts.logLevel ?? 'INFO'),
    ...(opts.metricsPort
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${opts.metricsPort}` } } } }
      : {}),
  });
}
