/**
 * Where results go, from `RESULTS_URL` (or `RESULTS_DIR`): a directory (a path or `file://…`) or an
 * S3-compatible bucket and prefix (`s3://bucket/prefix`). Validated before anything becomes a key.
 */
import { BatchCancelError } from '../../contract/errors';

export type ResultsLocation = { kind: 'local'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

/** Thrown when `RESULTS_URL` is not a directory, a `file://` URL or a valid `s3://bucket/prefix`. */
export class ResultsUrlError extends BatchCancelError {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`RESULTS_URL=${url}: ${reason} (use a directory, file:///path, or s3://bucket/prefix)`);
    this.name = 'ResultsUrlError';
  }
}

/** S3's own rule for bucket names (general purpose buckets). */
const BUCKET = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** One key segment of the prefix: no `.`/`..`, no control characters, nothing S3 treats oddly. */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9!_.*'()-]+$/;

export function parseResultsUrl(url: string): ResultsLocation {
  if (url.startsWith('s3://')) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    if (!BUCKET.test(bucket)) throw new ResultsUrlError(url, `"${bucket}" is not a valid bucket name`);
    const segments = (slash === -1 ? '' : rest.slice(slash + 1)).split('/').filter((s) => s !== '');
    const bad = segments.find((s) => !SEGMENT.test(s));
    if (bad !== undefined) throw new ResultsUrlError(url, `the prefix segment "${bad}" is not allowed`);
    return { kind: 's3', bucket, prefix: segments.join('/') };
  }
  if (url.startsWith('file://')) {
    const parsed = new URL(url);
    if (parsed.host !== '' && parsed.host !== 'localhost')
      throw new ResultsUrlError(url, 'a file:// URL names a local directory: no host');
    return { kind: 'local', dir: decodeURIComponent(parsed.pathname) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new ResultsUrlError(url, 'unknown scheme');
  if (url === '') throw new ResultsUrlError(url, 'empty');
  return { kind: 'local', dir: url };
}

/** The URL of a key: what results locations name, never a worker's path. */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
