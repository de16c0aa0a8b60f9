/**
 * Copies a batch's salvaged files from wherever the worker wrote them (a directory or S3) into a
 * local directory, streamed, each file under a temporary name until complete.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DIR_MODE, FILE_MODE } from './atomic-file';
import { RESULT_FILES, type ResultFileName } from './local-store';
import { storeOfDirectory } from './open-store';

/** The files a reader wants, in the order they are copied (summary.json last, as it is written). */
const DOWNLOADED: readonly ResultFileName[] = [
  'output',
  'errors',
  'remaining',
  'failedPermanent',
  'quarantine',
  'summary',
];

/** One file {@link downloadResults} copied. */
export interface DownloadedFile {
  file: string;
  path: string;
  bytes: number;
}

/** Copies the batch's files from `directory` (as the result names it) into `<target>/<batchId>/`. */
export async function downloadResults(
  directory: string,
  batchId: string,
  target: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DownloadedFile[]> {
  const store = storeOfDirectory(directory, batchId, env);
  const dir = path.join(path.resolve(target), batchId);
  await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE });
  const copied: DownloadedFile[] = [];
  for (const file of DOWNLOADED) {
    const body = await store.read(batchId, file);
    if (body === undefined) continue;
    const final = path.join(dir, RESULT_FILES[file]);
    const tmp = `${final}.${process.pid}.download`;
    try {
      await pipeline(body, fs.createWriteStream(tmp, { mode: FILE_MODE }));
      await fs.promises.rename(tmp, final);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    copied.push({ file: RESULT_FILES[file], path: final, bytes: (await fs.promises.stat(final)).size });
  }
  return copied;
}
