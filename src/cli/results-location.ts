/**
 * Where a batch's results are, for the commands that read them (`resubmit`): where its completed
 * cancellation says it wrote them, when that is object storage or on this machine; else the
 * configured store. Asked of Temporal briefly: without a server the configured directory is used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { batchRefOf, getCancellationHandle, type BatchRef } from '../client/cancellations';
import { isDefaultAccount } from '../contract/account';
import { connectTemporal, readConfig } from './connect';

/** Short: this only improves on the configured directory, it is never required. */
const LOOKUP_CONNECT_TIMEOUT_MS = 3_000;

export interface ResultsLocation {
  /** The results store root to read (`<root>/<batchId>/remaining.jsonl`). */
  root: string;
  /** The summary the cancellation's result names, when one was found (it may be on another machine). */
  summaryPath?: string;
}

/** The summary path in the result of the batch's completed cancellation, if there is one. */
async function summaryPathOf(ref: BatchRef): Promise<string | undefined> {
  let conn;
  try {
    conn = await connectTemporal(readConfig(), LOOKUP_CONNECT_TIMEOUT_MS);
  } catch {
    return undefined;
  }
  try {
    const handle = getCancellationHandle(conn.client, ref);
    if ((await handle.describe()).status.name !== 'COMPLETED') return undefined;
    return (await handle.result()).results?.summaryPath;
  } catch {
    return undefined;
  } finally {
    await conn.close();
  }
}

export async function locateResults(ref: BatchRef, configured: string): Promise<ResultsLocation> {
  const summaryPath = await summaryPathOf(ref);
  // The store's layout: <root>/<batchId>/summary.json, or <root>/<account>/<batchId>/summary.json
  // for another account. An s3:// location is reachable from here too.
  if (summaryPath && (summaryPath.startsWith('s3://') || fs.existsSync(summaryPath))) {
    const accountRoot = path.dirname(path.dirname(summaryPath));
    const root = isDefaultAccount(batchRefOf(ref).account) ? accountRoot : path.dirname(accountRoot);
    return { root, summaryPath };
  }
  return { root: configured, ...(summaryPath ? { summaryPath } : {}) };
}
