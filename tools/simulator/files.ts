/**
 * The file registry: uploads kept in memory, generated input files of seeded batches, and the
 * output/error files that appear when a batch turns terminal. Sizes are measured at most once.
 */
import { type FileObject } from '../../src/openai/schemas';
import { fileNotFound } from './errors';
import { type FilePlan } from './file-content';
import { fileId } from './ids';
import { hashString } from './prng';
import { type RequestSet } from './requests';

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
