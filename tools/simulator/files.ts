/**
 * The file registry: uploads kept in memory, generated input files of seeded batches, and the
 * output/error files that appear when a batch turns terminal. Sizes are measured at most once.
 */
import { type FileObject } from '../../src/providers/openai/schemas';
import { fileNotFound } from './errors';
import { type FilePlan } from './file-content';
import { fileId } from './ids';
import { listPage, type ListPage } from './list-page';
import { hashString } from './prng';
import { type RequestSet } from './requests';

/** OpenAI's `ListFilesResponse`. */
export type FileListPage = ListPage<FileObject>;

export interface FileEntry {
  readonly id: string;
  readonly filename: string;
  readonly purpose: string;
  /** Unix seconds. */
  readonly createdAt: number;
  readonly plan: () => FilePlan;
  /** Seeds malformed-line decisions for this file. */
  readonly key: number;
  /** Generated input files: their requests, so a new batch over them needs no parsing. */
  readonly generated?: { readonly requests: RequestSet; readonly valid: boolean };
  deleted: boolean;
}

export class FileRegistry {
  private readonly files = new Map<string, FileEntry>();
  private readonly sizes = new Map<string, number>();
  private seq = 0;

  constructor(private readonly seed: number) {}

  /** Registers a file under a fresh id, or under `id` when the caller derives it (result files). */
  add(spec: Omit<FileEntry, 'id' | 'key' | 'deleted'>, id?: string): FileEntry {
    const fileIdentity = id ?? fileId(this.seed, ++this.seq);
    const entry: FileEntry = { ...spec, id: fileIdentity, key: hashString(fileIdentity), deleted: false };
    this.files.set(entry.id, entry);
    return entry;
  }

  has(id: string): boolean {
    return this.files.has(id);
  }

  /** A live file; deleted and unknown ids are both 404, as on OpenAI. */
  get(id: string): FileEntry {
    const entry = this.files.get(id);
    if (!entry || entry.deleted) throw fileNotFound(id);
    return entry;
  }

  delete(id: string): { id: string; object: 'file'; deleted: true } {
    this.get(id).deleted = true;
    return { id, object: 'file', deleted: true };
  }

  /**
   * `GET /v1/files`: live files by `created_at` (upload order breaks ties), `desc` by default,
   * optionally of one purpose, a page of `limit` after the file `after`.
   */
  list(opts: { limit: number; order: 'asc' | 'desc'; purpose?: string; after?: string }): FileListPage {
    const live = [...this.files.values()].filter(
      (f) => !f.deleted && (opts.purpose === undefined || f.purpose === opts.purpose),
    );
    // A stable sort keeps upload order among files of the same second.
    live.sort((a, b) => a.createdAt - b.createdAt);
    if (opts.order === 'desc') live.reverse();
    return listPage(live, opts.limit, opts.after, (f) => this.toObject(f));
  }

  bytes(entry: FileEntry): number {
    const cached = this.sizes.get(entry.id);
    if (cached !== undefined) return cached;
    const plan = entry.plan();
    let bytes = plan.bytes;
    if (bytes === undefined) {
      // Only files of uploaded batches get here, and those are small.
      bytes = 0;
      for (const line of plan.render()) bytes += Buffer.byteLength(line, 'utf8') + 1;
    }
    this.sizes.set(entry.id, bytes);
    return bytes;
  }

  toObject(entry: FileEntry): FileObject {
    return {
      id: entry.id,
      object: 'file',
      bytes: this.bytes(entry),
      created_at: entry.createdAt,
      filename: entry.filename,
      purpose: entry.purpose,
      status: 'processed',
      expires_at: null,
      status_details: null,
    };
  }
}
