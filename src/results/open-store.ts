/** The results store a configuration names: `RESULTS_URL` (a directory or `s3://…`), else `RESULTS_DIR`. */
import { LocalResultsStore } from './local-store';
import { s3Settings } from './s3/client';
import { parseResultsUrl } from './s3/location';
import { S3ResultsStore } from './s3/s3-store';
import type { ResultsStore } from './store';
import { BatchCancelError } from '../contract/errors';

/** Thrown at worker start when the results store cannot be written; says what to fix. */
export class ResultsStoreUnavailableError extends BatchCancelError {
  constructor(
    readonly location: string,
    cause: unknown,
  ) {
    super(
      `results store ${location} is not writable, so the worker does not start: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'ResultsStoreUnavailableError';
  }
}

/** Where results go, as configured: RESULTS_URL wins over RESULTS_DIR. */
export function resultsUrlOf(config: { RESULTS_URL?: string | undefined; RESULTS_DIR: string }): string {
  return config.RESULTS_URL ?? config.RESULTS_DIR;
}

/** Opens the store `url` names; S3 settings come from the AWS SDK's chain and `S3_*` in `env`. */
export function openResultsStore(url: string, env: NodeJS.ProcessEnv = process.env): ResultsStore {
  const where = parseResultsUrl(url);
  if (where.kind === 'local') return new LocalResultsStore(where.dir);
  const { client, encryption } = s3Settings(env);
  return new S3ResultsStore({ client, bucket: where.bucket, prefix: where.prefix, encryption });
}

/** Writes and removes a probe; throws ResultsStoreUnavailableError naming the store and the fix. */
export async function checkResultsStore(store: ResultsStore): Promise<void> {
  try {
    await store.probe();
  } catch (err) {
    throw new ResultsStoreUnavailableError(store.location, err);
  }
}

/**
 * The store a collection wrote into, from the `directory` its result names (a worker's path or
 * `s3://bucket/prefix/<batchId>/`): readers on any machine open the same place the worker wrote.
 */
export function storeOfDirectory(
  directory: string,
  batchId: string,
  env: NodeJS.ProcessEnv = process.env,
): ResultsStore {
  const trimmed = directory.replace(/\/+$/, '');
  if (!trimmed.endsWith(`/${batchId}`) && trimmed !== batchId)
    throw new Error(`${directory} is not the results directory of ${batchId}`);
  const root = trimmed.slice(0, trimmed.length - batchId.length).replace(/\/+$/, '');
  return openResultsStore(root === '' ? '.' : root, env);
}
