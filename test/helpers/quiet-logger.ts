/**
 * The Temporal Runtime logger for tests: WARN and above, one line per entry. Most warnings in this
 * suite are failures the tests provoke on purpose (a 404, a storm of 5xx, a workflow that must
 * fail), so each prints as `activity <type> attempt <n> failed: <FailureType>: <message>` instead
 * of the SDK's multi-line object with a stack. A test that fails shows its own assertion; the
 * summary line says which activity or workflow went wrong on the way.
 */
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import {
  Runtime,
  makeTelemetryFilterString,
  type LogLevel,
  type LogMetadata,
  type Logger,
} from '@temporalio/worker';

const ORDER: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** The core repeats some notices on every worker start; print each once per process. */
const printedOnce = new Set<string>();

function describeError(err: unknown): string {
  if (err instanceof ApplicationFailure) return `${err.type ?? 'ApplicationFailure'}: ${err.message}`;
  if (err instanceof TemporalFailure) return `${err.name}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** One human line for an entry; the parts of `meta` that say what failed, never a stack. */
export function formatLogLine(level: LogLevel, message: string, meta: LogMetadata = {}): string {
  const m = meta as Record<string, unknown>;
  const error = m.error !== undefined ? `: ${describeError(m.error)}` : '';
  if (message === 'Activity failed') {
    return `[${level}] activity ${String(m.activityType)} attempt ${String(m.attempt)} failed${error}`;
  }
  if (message === 'Workflow failed') {
    return `[${level}] workflow ${String(m.workflowType)} ${String(m.workflowId)} failed${error}`;
  }
  const where = m.workflowId !== undefined ? ` (${String(m.workflowId)})` : '';
  return `[${level}] ${message.split('\n')[0] ?? ''}${where}${error}`;
}

/** A Logger writing one line per entry at `level` and above. */
export class QuietTestLogger implements Logger {
  constructor(private readonly level: LogLevel = 'WARN') {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const line = formatLogLine(level, message, meta);
    if (message.includes('Temporal Server 1.16.0 or newer is required')) {
      // The time-skipping server does not advertise a capability; the notice says nothing per test.
      if (printedOnce.has(message)) return;
      printedOnce.add(message);
    }
    process.stderr.write(`${line}\n`);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

let runtimeInstalled = false;

/**
 * Installs the quiet logger as the process's Temporal Runtime logger, with the native core's own
 * warnings forwarded to it (else they print as multi-line coloured text). Call before any worker or
 * environment is created; later calls do nothing.
 */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new QuietTestLogger('WARN'),
      telemetryOptions: {
        logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
      },
    });
  } catch {
    // Already installed by an earlier call in this process: keep that one.
  }
}
