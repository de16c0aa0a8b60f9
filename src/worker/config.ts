/**
 * The environment, validated once with zod. A bad variable is named in one clear line.
 * The API key is kept here and in the activities' client only: never in workflow input or logs.
 */
import { z } from 'zod';
import { DEFAULT_MAX_CONCURRENT_DOWNLOADS } from '../activities/deps';
import { DEFAULT_TASK_QUEUE } from '../contract/constants';
import { BatchCancelError } from '../contract/errors';

/** Thrown when the environment is invalid; the message names each bad variable. */
export class ConfigError extends BatchCancelError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** zod schema of the environment variables the worker, CLI and health check read. */
export const ConfigSchema = z.object({
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.url({ message: 'must be a URL such as https://api.openai.com/v1' }).optional(),
  OPENAI_ORG_ID: optionalString,
  OPENAI_PROJECT_ID: optionalString,
  OPENAI_TIMEOUT_MS: positiveInt(60_000),
  /** The webhook endpoint's signing secret (`whsec_…`), for the `webhooks` receiver only. */
  OPENAI_WEBHOOK_SECRET: optionalString,
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
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt(1000),
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
  const picked = Object.fromEntries(
    Object.keys(ConfigSchema.shape).flatMap((k) =>
      env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]],
    ),
  );
  const result = ConfigSchema.safeParse(picked);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const name = String(i.path[0] ?? '(env)');
        // Never echo a value: it could be a secret.
        return `${name}: ${i.message}`;
      }),
    );
  }
  return result.data;
}

/** The API key, or a ConfigError saying how to get going without one. */
export function requireApiKey(config: Config): string {
  if (!config.OPENAI_API_KEY) {
    // Already pointed somewhere (the simulator, a proxy): only the key is missing.
    throw new ConfigError([
      config.OPENAI_BASE_URL
        ? `OPENAI_API_KEY: required: the key of the API at ${config.OPENAI_BASE_URL} (the simulator prints its own, sk-simulator unless started with --api-key)`
        : 'OPENAI_API_KEY: required to talk to OpenAI (set it, or point OPENAI_BASE_URL at the simulator with its key)',
    ]);
  }
  return config.OPENAI_API_KEY;
}
