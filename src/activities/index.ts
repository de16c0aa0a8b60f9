/**
 * Activities, built from their dependencies so that tests inject the simulator's client and a
 * temporary results directory, never a monkey-patch.
 */
import { makeBeginCancellation } from './begin-cancellation';
import { makeAwaitTerminal, makeReadBatchAt } from './await-terminal';
import { makeCollectResults } from './collect-results';
import { makeDeleteFiles } from './delete-files';
import type { ActivityDeps } from './deps';
import { makeListBatchesPage } from './list-batches';

/** The activities of both workflows, built from their dependencies: register them on your worker. */
export function createActivities(deps: ActivityDeps) {
  return {
    beginCancellation: makeBeginCancellation(deps),
    awaitTerminal: makeAwaitTerminal(deps),
    readBatchAt: makeReadBatchAt(deps),
    collectResults: makeCollectResults(deps),
    listBatchesPage: makeListBatchesPage(deps),
    deleteFiles: makeDeleteFiles(deps),
  };
}

/** The activity functions `createActivities` returns. */
export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
export type { BeginCancellationResult } from './begin-cancellation';
export type { RequestCancelResult } from './request-cancel';
export type { AwaitTerminalInput, AwaitTerminalResult, TimedRead } from './await-terminal';
export type { CollectResultsInput } from './collect-results';
export type { ListBatchesPageInput, ListBatchesPageResult } from './list-batches';
export type { DeleteFilesResult } from './delete-files';
