/**
 * The results store: one directory per batch under a root (`RESULTS_DIR/<batchId>/`), owner-only.
 * Batch ids are checked before they become paths (safe-name.ts), so nothing can escape the root.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AtomicFile, DIR_MODE, writeJsonAtomic, type OpenWriteStream, type SyncFile } from './atomic-file';
import { onVolume } from './storage-error';
import type { ResultsStore } from './store';
import { safeAccountName, safeBatchId, UnsafeBatchIdError } from './safe-name';
import { isDefaultAccount } from '../contract/account';

export const RESULT_FILES = {
  output: 'output.jsonl',
  errors: 'errors.jsonl',
  quarantine: 'quarantine.jsonl',
  remaining: 'remaining.jsonl',
  failedPermanent: 'failed-permanent.jsonl',
  summary: 'summary.json',
  // Quarantined lines of each source, committed with that source so a resumed collection keeps
  // them; merged into quarantine.jsonl at the end.
  quarantineOutput: 'quarantine.output.part',
  quarantineErrors: 'quarantine.errors.part',
} as const;
export type ResultFileName = keyof typeof RESULT_FILES;

export interface LocalResultsStoreOptions {
  /** How temporary files are opened. @default fs.createWriteStream (tests inject failing streams) */
  openWriteStream?: OpenWriteStream;
  /** How a complete file is flushed before its rename. @default fsync (tests inject a slow one) */
  syncFile?: SyncFile;
}

/** Results store on a local directory: one sub-directory per batch, files written atomically. */
export class LocalResultsStore implements ResultsStore {
  readonly rootDir: string;

  constructor(
    rootDir: string,
    private readonly opts: LocalResultsStoreOptions = {},
  ) {
    this.rootDir = path.resolve(rootDir);
  }

  get location(): string {
    return this.rootDir;
  }

  forAccount(account: string): ResultsStore {
    if (isDefaultAccount(account)) return this;
    return new LocalResultsStore(path.join(this.rootDir, safeAccountName(account)), this.opts);
  }

  /** The batch's directory; throws UnsafeBatchIdError for an id that could leave the root. */
  batchDir(batchId: string): string {
    const dir = path.join(this.rootDir, safeBatchId(batchId));
    if (path.dirname(dir) !== this.rootDir) throw new UnsafeBatchIdError(batchId);
    return dir;
  }

  pathOf(batchId: string, file: ResultFileName): string {
    return path.join(this.batchDir(batchId), RESULT_FILES[file]);
  }

  /** Creates the root and the batch directory, owner-only, and returns the latter. */
  async prepare(batchId: string): Promise<string> {
    const dir = this.batchDir(batchId);
    await onVolume(dir, async () => {
      await fs.promises.mkdir(this.rootDir, { recursive: true, mode: DIR_MODE });
      await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE });
      // mkdir's mode is filtered by the umask and ignored for existing directories: set it outright.
      await fs.promises.chmod(dir, DIR_MODE);
      await this.removeStaleTemporaries(dir);
    });
    return dir;
  }

  /**
   * Temporary files of an earlier attempt whose worker died (SIGKILL, OOM, power loss) are never
   * renamed or aborted: without this they would pile up next to the results, one per crash.
   * Called before this attempt opens its own files, so it only ever removes other attempts' files
   * (an attempt that is somehow still alive then fails its rename and is retried).
   */
  private async removeStaleTemporaries(dir: string): Promise<void> {
    const names = await fs.promises.readdir(dir);
    await Promise.all(
      names
        .filter((n) => n.startsWith('.') && n.endsWith('.partial'))
        .map((n) => fs.promises.rm(path.join(dir, n), { force: true })),
    );
  }

  open(batchId: string, file: ResultFileName): AtomicFile {
    return new AtomicFile(this.pathOf(batchId, file), this.opts.openWriteStream, this.opts.syncFile);
  }

  async writeJson(batchId: string, file: ResultFileName, value: unknown): Promise<string> {
    const target = this.pathOf(batchId, file);
    await writeJsonAtomic(target, value, this.opts.openWriteStream);
    return target;
  }

  /** Removes a file left over from an earlier collection that this one did not produce. */
  async remove(batchId: string, file: ResultFileName): Promise<void> {
    const target = this.pathOf(batchId, file);
    await onVolume(target, () => fs.promises.rm(target, { force: true }));
  }

  async stat(batchId: string, file: ResultFileName): Promise<{ bytes: number } | undefined> {
    const target = this.pathOf(batchId, file);
    const st = await fs.promises.stat(target).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    return st?.isFile() ? { bytes: st.size } : undefined;
  }

  async read(batchId: string, file: ResultFileName): Promise<Readable | undefined> {
    if ((await this.stat(batchId, file)) === undefined) return undefined;
    return fs.createReadStream(this.pathOf(batchId, file));
  }

  /** Creates the root (owner-only) and writes and removes a probe file in it. */
  async probe(): Promise<void> {
    const probe = path.join(this.rootDir, `.probe-${process.pid}`);
    await onVolume(this.rootDir, () => fs.promises.mkdir(this.rootDir, { recursive: true, mode: DIR_MODE }));
    await writeJsonAtomic(probe, { probe: true }, this.opts.openWriteStream);
    await onVolume(probe, () => fs.promises.rm(probe, { force: true }));
  }
}
