/**
 * The environment, validated once with zod. A bad variable is named in one clear line.
 * The API key is kept here and in the activities' client only: never in workflow input or logs.
 */
import { z } from 'zod';
import { DEFAULT_MAX_CONCURRENT_DOWNLOADS } from '../activities/deps';

/**
 * Activity slots: every waiting cancellation holds one for the whole of its wait (a promise and a
 * timer, not a thread: bench/README.md section 4 measures the memory), so the slots are the
 * cancellations one worker can wait on at once. Downloads have their own, much smaller limit.
 */
const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 25_000;
import { DEFAULT_TASK_QUEUE } from '../contract/constants';
import { parseEnv } from '../contract/env';
import { OPENAI_ENV, optionalString, positiveInt } from '../providers/openai/env';
import { DEFAULT_PROVIDER } from '../providers/registry';

export { ConfigError } from '../contract/errors';
export { requireApiKey } from '../providers/openai/env';

/** zod schema of the environment variables the worker, CLI and health check read. */
export const ConfigSchema = z.object({
  /** The batch API the worker serves (a registered provider, src/providers/registry.ts). @default 'openai' */
  BATCH_PROVIDER: z.string().min(1).default(DEFAULT_PROVIDER),
  ...OPENAI_ENV,
  /**
   * A TOML file of further accounts (OpenAI projects, Azure OpenAI resources), each named; a
   * cancellation picks one with its `account` field. Unset: the default account alone.
   */
  ACCOUNTS_FILE: optionalString,
  /**
   * Temporal connection: no defaults here, so that a `temporal.toml` profile's values are not
   * replaced by built-in ones; `resolveTemporalTarget` (src/worker/temporal-connection.ts) resolves them.
   */
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: optionalString,
  /** Profile in the Temporal client config file. @default 'default' */
  TEMPORAL_PROFILE: optionalString,
  /** Temporal client config file. @default ~/.config/temporalio/temporal.toml */
  TEMPORAL_CONFIG_FILE: optionalString,
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  RESULTS_DIR: z.string().min(1).default('./data/results'),
  /**
   * Where results go: a directory, `file:///path`, or `s3://bucket/prefix` (S3-compatible object
   * storage; credentials, region and endpoint from the AWS SDK's chain). Wins over RESULTS_DIR.
   */
  RESULTS_URL: optionalString,
  /**
   * Activity slots. Many: a wait reading frequent polls holds one while it sleeps (free), and
   * downloads have their own bound (WORKER_MAX_CONCURRENT_DOWNLOADS).
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt(DEFAULT_MAX_CONCURRENT_ACTIVITIES),
  WORKER_MAX_CONCURRENT_DOWNLOADS: positiveInt(DEFAULT_MAX_CONCURRENT_DOWNLOADS),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt(40),
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt(200),
  MAX_RESULT_LINE_BYTES: positiveInt(64 * 1024 * 1024),
  /**
   * `true`: the worker starts without checking the namespace's search attributes (as
   * `worker --skip-namespace-check`), for a deployment that knows they are there. @default false
   */
  WORKER_SKIP_NAMESPACE_CHECK: z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  /** Serve Prometheus metrics on this port. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Temporal Cloud API key (read by @temporalio/envconfig; listed so it is validated as present). */
  TEMPORAL_API_KEY: optionalString,
  /** A workflow bundle prebuilt by `lib/worker/build-bundle.js`; unset: bundle at start (development). */
  WORKFLOW_BUNDLE_PATH: optionalString,
});
/** The validated environment. */
export type Config = z.infer<typeof ConfigSchema>;

/** Validates the environment; throws ConfigError naming each bad variable (never its value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(ConfigSchema, env);
}
