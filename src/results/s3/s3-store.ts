/**
 * The results store on S3-compatible object storage: `s3://bucket/prefix/<batchId>/<file>`, the same
 * layout as the local store's directories. Every worker of a fleet writes to and every reader
 * (CLI, TypeScript API) reads from the same place.
 */
import os from 'node:os';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { RESULT_FILES, type ResultFileName } from '../local-store';
import { safeAccountName, safeBatchId } from '../safe-name';
import { isDefaultAccount } from '../../contract/account';
import type { ResultsStore } from '../store';
import type { S3Encryption } from './client';
import { classifyS3Error, S3StoreError } from './errors';
import { s3Url } from './location';
import { S3ObjectWriter } from './object-writer';

/** Options of {@link S3ResultsStore}. */
export interface S3ResultsStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's root. */
  prefix: string;
  encryption?: S3Encryption | undefined;
  /** Part size of multipart uploads. @default MIN_PART_BYTES */
  partBytes?: number;
}

/** What a stored object is: enough to check a committed file before a resumed collection skips it. */
export interface StoredObject {
  bytes: number;
}

/**
 * Results store on an S3-compatible bucket (`s3://bucket/prefix/<batchId>/<file>`): objects are
 * streamed in parts and visible only once complete; what a dead attempt left is aborted.
 */
export class S3ResultsStore implements ResultsStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;

  constructor(private readonly opts: S3ResultsStoreOptions) {
    this.client = opts.client;
    this.bucket = opts.bucket;
    this.prefix = opts.prefix;
  }

  forAccount(account: string): ResultsStore {
    if (isDefaultAccount(account)) return this;
    const segment = safeAccountName(account);
    return new S3ResultsStore({
      ...this.opts,
      prefix: this.prefix === '' ? segment : `${this.prefix}/${segment}`,
    });
  }

  /** `s3://bucket/prefix`: what RESULTS_URL said, and what messages name. */
  get location(): string {
    return s3Url(this.bucket, this.prefix);
  }

  /** The batch's key prefix (ending in `/`); throws UnsafeBatchIdError for an id that could leave the prefix. */
  batchPrefix(batchId: string): string {
    return `${this.prefix === '' ? '' : `${this.prefix}/`}${safeBatchId(batchId)}/`;
  }

  keyOf(batchId: string, file: ResultFileName): string {
    return `${this.batchPrefix(batchId)}${RESULT_FILES[file]}`;
  }

  batchDir(batchId: string): string {
    return s3Url(this.bucket, this.batchPrefix(batchId));
  }

  pathOf(batchId: string, file: ResultFileName): string {
    return s3Url(this.bucket, this.keyOf(batchId, file));
  }

  /**
   * Aborts the multipart uploads an earlier attempt left under the batch's prefix (its worker was
   * killed mid-upload, perhaps on another machine), as the local store removes stale temporaries.
   * Called before this attempt opens its own uploads, so it only ever aborts other attempts'.
   */
  async prepare(batchId: string, signal?: AbortSignal): Promise<string> {
    const Prefix = this.batchPrefix(batchId);
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    // Bounded by the listing itself: each page moves the markers on, and IsTruncated ends it.
    for (;;) {
      const page = await this.call('list the uploads under', Prefix, () =>
        this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix, KeyMarker, UploadIdMarker }),
          signal ? { abortSignal: signal } : {},
        ),
      );
      for (const upload of page.Uploads ?? []) {
        if (upload.Key === undefined || upload.UploadId === undefined) continue;
        const { Key, UploadId } = upload;
        await this.call('abort a stale upload of', Key, () =>
          this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId })),
        );
      }
      if (!page.IsTruncated) break;
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
    return this.batchDir(batchId);
  }

  open(batchId: string, file: ResultFileName, signal?: AbortSignal): S3ObjectWriter {
    return new S3ObjectWriter({
      client: this.client,
      bucket: this.bucket,
      key: this.keyOf(batchId, file),
      contentType: file === 'summary' ? 'application/json' : 'application/x-ndjson',
      encryption: this.opts.encryption,
      ...(signal ? { signal } : {}),
      ...(this.opts.partBytes ? { partBytes: this.opts.partBytes } : {}),
    });
  }

  async writeJson(batchId: string, file: ResultFileName, value: unknown): Promise<string> {
    const writer = this.open(batchId, file);
    await writer.write(`${JSON.stringify(value, null, 2)}\n`);
    return (await writer.commit()).path;
  }

  /** Removes an object an earlier collection left that this one did not produce (none: no error). */
  async remove(batchId: string, file: ResultFileName): Promise<void> {
    const Key = this.keyOf(batchId, file);
    await this.call('delete', Key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })),
    );
  }

  /** The object's size, or undefined when there is none. */
  async stat(batchId: string, file: ResultFileName): Promise<StoredObject | undefined> {
    const Key = this.keyOf(batchId, file);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { bytes: head.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw classifyS3Error(err, 'read', this.bucket, Key);
    }
  }

  /** Streams the object; undefined when there is none. */
  async read(batchId: string, file: ResultFileName, signal?: AbortSignal): Promise<Readable | undefined> {
    const Key = this.keyOf(batchId, file);
    try {
      const got = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key }),
        signal ? { abortSignal: signal } : {},
      );
      return got.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw classifyS3Error(err, 'read', this.bucket, Key);
    }
  }

  /**
   * Writes and deletes a small probe object, so a worker that cannot use the bucket (missing,
   * denied, wrong region) refuses to start instead of failing its first collection.
   */
  async probe(): Promise<void> {
    const Key = `${this.prefix === '' ? '' : `${this.prefix}/`}.probe-${os.hostname()}-${process.pid}`;
    await this.call('write a probe object to', Key, () =>
      this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key, Body: 'probe\n', ...(this.opts.encryption ?? {}) }),
      ),
    );
    await this.call('delete the probe object', Key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })),
    );
  }

  private async call<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyS3Error(err, op, this.bucket, key);
    }
  }
}

function isNotFound(err: unknown): boolean {
  if (err instanceof S3StoreError) return false;
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === 'NotFound' ||
    e.name === 'NoSuchKey' ||
    (e.$metadata?.httpStatusCode === 404 && e.name !== 'NoSuchBucket')
  );
}
