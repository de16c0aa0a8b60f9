/**
 * The S3 client of the results store. Credentials, region and endpoint come from the AWS SDK's own
 * chain (AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_PROFILE, instance and container roles, …); only what
 * the chain has no variable for is read here.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { BatchCancelError } from '../../contract/errors';

/** Server-side encryption on request: SSE-S3 (`AES256`) or SSE-KMS (`aws:kms`, optionally a key id). */
export interface S3Encryption {
  ServerSideEncryption: 'AES256' | 'aws:kms';
  SSEKMSKeyId?: string;
}

/** The variables the S3 results store reads itself; the AWS SDK's chain reads more (profiles, roles). */
export const S3EnvSchema = z.object({
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).optional(),
  S3_SSE: z.enum(['AES256', 'aws:kms']).optional(),
  S3_SSE_KMS_KEY_ID: z.string().min(1).optional(),
  AWS_ENDPOINT_URL_S3: z.string().optional(),
  AWS_ENDPOINT_URL: z.string().optional(),
  AWS_REQUEST_CHECKSUM_CALCULATION: z.string().optional(),
  AWS_REGION: z.string().optional(),
  AWS_DEFAULT_REGION: z.string().optional(),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_SESSION_TOKEN: z.string().optional(),
});

export interface S3Settings {
  client: S3Client;
  encryption: S3Encryption | undefined;
}

/** Thrown when an S3_* variable is invalid; names the variable, never a value that could be secret. */
export class S3ConfigError extends BatchCancelError {
  constructor(problems: string[]) {
    super(`invalid S3 configuration: ${problems.join('; ')}`);
    this.name = 'S3ConfigError';
  }
}

/**
 * The client and encryption settings from the environment; `extra` overrides client options
 * (credentials, endpoint) where a caller has its own.
 */
export function s3Settings(env: NodeJS.ProcessEnv = process.env, extra: S3ClientConfig = {}): S3Settings {
  const picked = Object.fromEntries(
    Object.keys(S3EnvSchema.shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])),
  );
  const parsed = S3EnvSchema.safeParse(picked);
  if (!parsed.success) {
    throw new S3ConfigError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`));
  }
  const cfg = parsed.data;
  if (cfg.S3_SSE_KMS_KEY_ID && cfg.S3_SSE !== 'aws:kms')
    throw new S3ConfigError(['S3_SSE_KMS_KEY_ID: needs S3_SSE=aws:kms']);
  const options: S3ClientConfig = {
    forcePathStyle: cfg.S3_FORCE_PATH_STYLE === 'true' || cfg.S3_FORCE_PATH_STYLE === '1',
    // The SDK's own bounded retry (3 attempts) stays on for single requests: a throttled part of a
    // 1 GB upload is sent again, instead of the whole collection failing and downloading again.
    // Temporal retries the activity once these are spent.
    maxAttempts: 3,
  };
  // What `env` says is passed on, so a caller's own env (not only process.env) is honoured; what it
  // leaves out (profiles, SSO, instance and container roles) the SDK's chain still finds.
  const region = cfg.AWS_REGION ?? cfg.AWS_DEFAULT_REGION;
  if (region) options.region = region;
  const endpoint = cfg.AWS_ENDPOINT_URL_S3 ?? cfg.AWS_ENDPOINT_URL;
  if (endpoint) options.endpoint = endpoint;
  if (cfg.AWS_ACCESS_KEY_ID && cfg.AWS_SECRET_ACCESS_KEY) {
    options.credentials = {
      accessKeyId: cfg.AWS_ACCESS_KEY_ID,
      secretAccessKey: cfg.AWS_SECRET_ACCESS_KEY,
      ...(cfg.AWS_SESSION_TOKEN ? { sessionToken: cfg.AWS_SESSION_TOKEN } : {}),
    };
  }
  // Since 2025 the SDK adds CRC checksums to every upload; many S3-compatible servers (GCS
  // interoperability, older Ceph, s3proxy) refuse those headers. With an endpoint of one's own,
  // send them only where the API requires them, unless the standard variable says otherwise.
  if (endpoint && cfg.AWS_REQUEST_CHECKSUM_CALCULATION === undefined) {
    options.requestChecksumCalculation = 'WHEN_REQUIRED';
    options.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  return {
    client: new S3Client({ ...options, ...extra }),
    encryption: cfg.S3_SSE
      ? {
          ServerSideEncryption: cfg.S3_SSE,
          ...(cfg.S3_SSE_KMS_KEY_ID ? { SSEKMSKeyId: cfg.S3_SSE_KMS_KEY_ID } : {}),
        }
      : undefined,
  };
}
