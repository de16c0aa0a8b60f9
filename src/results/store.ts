/**
 * The results store: where a batch's salvaged files go. Two implementations behind one interface:
 * a local directory (LocalResultsStore, the default) and S3-compatible object storage
 * (S3ResultsStore, for a fleet of workers). Same layout in both: `<root>/<batchId>/<file>` for the
 * default account, `<root>/<account>/<batchId>/<file>` for another (`forAccount`).
 */
import type { Readable } from 'node:stream';
import type { ResultFileName } from './local-store';

/** One file being written: visible under its final name only once `commit()` resolves. */
export interface ResultWriter {
  readonly bytes: number;
  write(chunk: Buffer | string): Promise<void>;
  /** Makes the file visible; `path` is its location (a path, or an `s3://` URL). */
  commit(): Promise<{ path: string; bytes: number }>;
  /** Drops what was written; safe after any failure, and twice. */
  abort(): Promise<void>;
}

/** Where a batch's results are written and read: a local directory or S3-compatible object storage. */
export interface ResultsStore {
  /** The root: a directory, or `s3://bucket/prefix`. */
  readonly location: string;
  /** The batch's directory or key prefix, as results locations name it; refuses unsafe ids. */
  batchDir(batchId: string): string;
  /** Where one file of the batch is (or would be). */
  pathOf(batchId: string, file: ResultFileName): string;
  /** Makes the batch's place ready and clears what a dead earlier attempt left half written. */
  prepare(batchId: string, signal?: AbortSignal): Promise<string>;
  open(batchId: string, file: ResultFileName, signal?: AbortSignal): ResultWriter;
  writeJson(batchId: string, file: ResultFileName, value: unknown): Promise<string>;
  /** Removes a file; none there is not an error. */
  remove(batchId: string, file: ResultFileName): Promise<void>;
  /** Streams a committed file; undefined when there is none. */
  read(batchId: string, file: ResultFileName, signal?: AbortSignal): Promise<Readable | undefined>;
  /** A committed file's size; undefined when there is none. */
  stat(batchId: string, file: ResultFileName): Promise<{ bytes: number } | undefined>;
  /** The store of an account's results: this one for the default, `<root>/<account>` for another. */
  forAccount(account: string): ResultsStore;
  /** Writes and removes a probe, so a worker that cannot write refuses to start. */
  probe(): Promise<void>;
}
