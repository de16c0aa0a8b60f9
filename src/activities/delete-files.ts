import { Context } from '@temporalio/activity';
import { classifyApiError } from './classify';
import { removeFile } from '../providers/openai/batch-api';
import { isNotFound } from '../providers/openai/errors';
import type { ActivityDeps } from './deps';

export interface DeleteFilesResult {
  deleted: string[];
  /** Already gone (404): deleting twice is not an error. */
  missing: string[];
}

/**
 * `DELETE /v1/files/{id}` for each file, after its results were collected. Idempotent: a file
 * that is already gone counts as missing, so a retry after a partial run is safe.
 */
export function makeDeleteFiles(deps: ActivityDeps) {
  return async function deleteFiles(fileIds: string[]): Promise<DeleteFilesResult> {
    const signal = Context.current().cancellationSignal;
    const out: DeleteFilesResult = { deleted: [], missing: [] };
    for (const fileId of fileIds) {
      try {
        await removeFile(deps.openai, fileId, signal);
        out.deleted.push(fileId);
      } catch (err) {
        if (isNotFound(err)) {
          out.missing.push(fileId);
          continue;
        }
        throw classifyApiError(err, { action: `delete file ${fileId}` });
      }
    }
    return out;
  };
}
