/**
 * One classification of object-storage failures into what to fix: a missing bucket, denied access,
 * a wrong region or endpoint never heal by retrying; throttling, 5xx and network errors do.
 * Never labelled as an OpenAI error.
 */
import { BatchCancelError } from '../../contract/errors';

/** Thrown when the S3 results store cannot be reached or written; `transient` says whether to retry. */
export class S3StoreError extends BatchCancelError {
  constructor(
    readonly code: string,
    readonly transient: boolean,
    readonly bucket: string,
    readonly key: string | undefined,
    readonly status: number | undefined,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'S3StoreError';
  }
}

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** What to do about each permanent error code, in the user's words. */
const PERMANENT: Record<string, string> = {
  NoSuchBucket: 'the bucket does not exist: create it, or fix the bucket in RESULTS_URL',
  AccessDenied:
    'access denied: give the worker s3:PutObject, s3:GetObject, s3:DeleteObject, s3:ListBucket, s3:ListBucketMultipartUploads and s3:AbortMultipartUpload on the bucket and prefix',
  InvalidAccessKeyId: 'the access key is unknown to this S3 server: check AWS_ACCESS_KEY_ID or the profile',
  SignatureDoesNotMatch:
    'the secret key does not match the access key: check AWS_SECRET_ACCESS_KEY or the profile',
  ExpiredToken: 'the session token has expired: refresh the credentials',
  InvalidToken: 'the session token is invalid: refresh the credentials',
  PermanentRedirect:
    'the bucket is in another region: set AWS_REGION to the bucket region (or AWS_ENDPOINT_URL_S3 to its endpoint)',
  AuthorizationHeaderMalformed: 'the region is wrong for this bucket: set AWS_REGION to the bucket region',
  IllegalLocationConstraintException:
    'the region is wrong for this bucket: set AWS_REGION to the bucket region',
  InvalidBucketName: 'the bucket name is not valid: fix RESULTS_URL',
  KMS_AccessDenied:
    'access to the KMS key was denied: allow kms:GenerateDataKey and kms:Decrypt, or fix S3_SSE_KMS_KEY_ID',
  KMS_NotFoundException: 'the KMS key does not exist: fix S3_SSE_KMS_KEY_ID',
  NotImplemented:
    'the S3 server does not implement a header this request used: for a self-hosted server set S3_FORCE_PATH_STYLE=true, and leave S3_SSE unset if it has no encryption',
  InvalidRequest: 'the S3 server refused the request as invalid: check S3_SSE and S3_SSE_KMS_KEY_ID',
  EntityTooLarge: 'the object is larger than the S3 server allows',
  CredentialsProviderError:
    'no AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance or container role',
  RegionMissing: 'no region is configured: set AWS_REGION',
};

/** Network-level failures that heal on their own. */
const TRANSIENT_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'OperationAborted',
]);

/** Classifies a failed S3 call on `bucket`/`key` into an S3StoreError saying what happened and what to fix. */
export function classifyS3Error(err: unknown, op: string, bucket: string, key?: string): S3StoreError {
  if (err instanceof S3StoreError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  // The SDK says "Region is missing" in a plain Error, before any request is made.
  const code = /^Region is missing/.test(e.message ?? '')
    ? 'RegionMissing'
    : (e.Code ?? e.name ?? e.code ?? 'Unknown');
  const where = key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`;
  const fix = PERMANENT[code] ?? (status === 403 ? PERMANENT.AccessDenied : undefined);
  if (fix !== undefined) {
    return new S3StoreError(code, false, bucket, key, status, `${op} ${where} failed: ${code}: ${fix}`, err);
  }
  // 301 without a code: the endpoint is another region's.
  if (status === 301) {
    return new S3StoreError(
      code,
      false,
      bucket,
      key,
      status,
      `${op} ${where} failed: ${PERMANENT.PermanentRedirect}`,
      err,
    );
  }
  const transient =
    TRANSIENT_NETWORK.has(code) || status === undefined || status === 408 || status === 429 || status >= 500;
  const what = transient ? 'retrying' : 'check the bucket, the credentials and the endpoint';
  return new S3StoreError(
    code,
    transient,
    bucket,
    key,
    status,
    `${op} ${where} failed: ${code}${status ? ` (HTTP ${status})` : ''}${e.message && e.message !== code ? `: ${e.message}` : ''}; ${what}`,
    err,
  );
}
