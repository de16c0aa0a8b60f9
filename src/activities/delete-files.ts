import { Context } from '@temporalio/activity';
import { classifyApiError } from './classify';
import { providerOf, type ActivityDeps } from './deps';

export interface DeleteFilesResult {
  deleted: string[];
  /** Already gone (404): deleting twice is not an error. */
  missing: string[];
}

/**
 * Deletes each file (OpenAI: `DELETE /v1/files/{id}`), after its results were collected. Idempotent: a file
 * that is already gone counts as missing, so a retry after a partial run is safe.
 */
export function makeDeleteFiles(deps: ActivityDeps) {
  return async function deleteFiles(refs: string[], account?: string): Promise<DeleteFilesResult> {
    const provider = providerOf(deps, account);
    const signal = Context.current().cancellationSignal;
    const out: DeleteFilesResult = { deleted: [], missing: [] };
    for (const ref of refs) {
      try {
        const outcome = await provider.deleteFile(ref, signal);
        out[outcome].push(ref);
      } catch (err) {
        throw classifyApiError(provider, err, { action: `delete file ${ref}` });
      }
    }
    return out;
  };
}
