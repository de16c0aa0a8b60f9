import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { classifyApiError } from './classify';
import { METRIC } from '../contract/metric-names';
import { recordSalvageMetrics } from './salvage-metrics';
import { UnsafeBatchIdError } from '../results/safe-name';
import { S3StoreError } from '../results/s3/errors';
import type { ResultsStore } from '../results/store';
import { Reconciler } from '../results/reconcile';
import { ResultTally } from '../results/result-tally';
import { isStorageErrno, ResultsStorageError } from '../results/storage-error';
import { FailureType } from '../contract/failure-types';
import type { BatchFailureReason, ResultRefs, TokenCounts } from '../contract/batch-snapshot';
import type {
  Reconciliation,
  RemainingSummary,
  ResultFileSummary,
  ResultsSummary,
} from '../contract/results';
import { resultsStoreRetry } from '../contract/activity-options';
import {
  collectFile,
  quarantinePartOf,
  resumeFile,
  type FileJob,
  type Progress,
  type ResultKind,
} from './collect-file';
import { DEFAULT_MAX_CONCURRENT_DOWNLOADS, providerOf, type ActivityDeps } from './deps';
import { accountField, accountOf } from '../contract/account';
import { DownloadSlots } from './download-slots';
import { withHeartbeat } from './heartbeat';
import { StorageLiveness } from './storage-liveness';
import { InputFileGoneError, openRequestsFile, writeRemaining, writeRemainingIds } from './write-remaining';

export interface CollectResultsInput {
  batchId: string;
  /** The account the batch belongs to: its API serves the files, its place in the store keeps them. @default 'default' */
  account?: string;
  /** Where the results are, as the provider named them (`BatchSnapshot.resultRefs`). */
  resultRefs: ResultRefs;
  /** Write `remaining.jsonl` (input lines without a successful result). */
  writeRemaining: boolean;
  /** For an API that keeps no input: the submitted requests file (cancel input `requests`). */
  requests?: string;
  /** For a failed batch: why it failed, kept in summary.json. */
  batchErrors?: BatchFailureReason | null;
  /** The batch object's own usage, compared with the sum over the result lines. */
  batchUsage?: TokenCounts | null;
}

const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** No byte moved for this long: stop heartbeating, so the heartbeat timeout ends a stuck attempt. */
const STALL_MS = 20_000;
/**
 * A storage call (fsync, rename, re-hash) quiet for this long is taken for a dead disk: heartbeats
 * stop and the attempt ends; the next one counts it against the storage-failure budget. Long, as a
 * busy network volume can take minutes to flush a large file.
 */
const STORAGE_QUIET_MS = 5 * 60_000;
/**
 * A file committed this long after the attempt began is heartbeated at once, so a retry after a
 * crash does not download it again. A quicker collection usually ends before a heartbeat would
 * help, and each heartbeat is a write on the server; its commits still reach the next attempt with
 * the next tick, or with the failure if the attempt fails.
 */
const COMMIT_HEARTBEAT_AFTER_MS = 5_000;

/**
 * Heartbeat details, which the next attempt receives: the files already committed (with their
 * sha256, so a retry downloads only the others) and how many storage failures happened so far.
 */
interface Checkpoint extends Progress {
  committed: Partial<Record<ResultKind, ResultFileSummary>>;
  storageFailures: number;
  /** The storage call running when this was heartbeated (see storage-liveness.ts). */
  storing?: string;
}

function previousCheckpoint(
  details: unknown,
): Pick<Checkpoint, 'committed' | 'storageFailures'> & { diedStoring: string | undefined } {
  const d = (details ?? {}) as Partial<Checkpoint>;
  return {
    committed: typeof d.committed === 'object' && d.committed !== null ? d.committed : {},
    storageFailures: typeof d.storageFailures === 'number' ? d.storageFailures : 0,
    // The last heartbeat was sent inside a storage call and the attempt never reported after it:
    // it timed out (or its worker died) in storage.
    diedStoring: typeof d.storing === 'string' ? d.storing : undefined,
  };
}

/**
 * Streams the output and error files into the results store, validating every line, writes
 * remaining.jsonl (what is safe to resubmit) and a summary. Files are written under temporary
 * names and renamed only when complete, so a retry after a crash or a cut connection never
 * duplicates a line; a file committed by an earlier attempt is kept, not downloaded again.
 * Returns the summary, never the lines.
 */
export function makeCollectResults(deps: ActivityDeps) {
  const maxLineBytes = deps.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const storeRetry = deps.resultsStoreRetry ?? resultsStoreRetry;
  const slots = new DownloadSlots(deps.maxConcurrentDownloads ?? DEFAULT_MAX_CONCURRENT_DOWNLOADS);

  return async function collectResults(input: CollectResultsInput): Promise<ResultsSummary> {
    const ctx = Context.current();
    const startedAt = Date.now();
    const provider = providerOf(deps, input.account);
    const store = deps.results.forAccount(accountOf(input));
    const { batchId } = input;
    const { diedStoring, ...before } = previousCheckpoint(ctx.info.heartbeatDetails);
    const checkpoint: Checkpoint = {
      file: '',
      bytes: 0,
      lines: 0,
      ...before,
      committed: { ...before.committed },
    };
    const storage = new StorageLiveness(STORAGE_QUIET_MS);
    let lastBytes = 0;
    let lastMoveAt = Date.now();
    const moved = () => {
      const storing = storage.alive();
      if (storing !== undefined) return storing;
      if (checkpoint.bytes !== lastBytes) {
        lastBytes = checkpoint.bytes;
        lastMoveAt = Date.now();
      }
      return Date.now() - Math.max(lastMoveAt, storage.lastActiveAt) < STALL_MS;
    };
    const details = (): Checkpoint =>
      storage.current ? { ...checkpoint, storing: storage.current } : { ...checkpoint };
    if (diedStoring) {
      // A heartbeat timeout in storage is a storage failure: it uses the same bounded budget.
      checkpoint.storageFailures++;
      const err = new Error(`the previous attempt timed out in a storage call (${diedStoring})`);
      const failure = storageFailure(err, store, batchId, checkpoint.storageFailures, storeRetry);
      ctx.log.warn('previous attempt timed out in storage', { batchId, storing: diedStoring });
      if (failure.nonRetryable) {
        ctx.heartbeat(details());
        throw failure;
      }
    }
    const tally = new ResultTally();
    // Queued behind other downloads: heartbeat meanwhile, so the wait is not taken for a dead worker.
    // Not at once: each heartbeat is a write on the server, and a free slot is taken at once.
    const release = await withHeartbeat(details, () => slots.acquire(ctx.cancellationSignal), {
      immediately: false,
    });
    try {
      const directory = await store.prepare(batchId, ctx.cancellationSignal);
      return await withHeartbeat(
        details,
        async () => {
          const { output: outputRef, errors: errorsRef } = input.resultRefs;
          const shared = outputRef !== null && outputRef === errorsRef;
          const job = (kind: ResultKind, ref: string): FileJob => ({
            provider,
            store,
            batchId,
            kind,
            ref,
            tally,
            progress: checkpoint,
            maxLineBytes,
            signal: ctx.cancellationSignal,
            storage,
            ...(shared ? { splitFrom: 'shared' as const } : {}),
          });
          const one = async (kind: ResultKind, ref: string | null): Promise<ResultFileSummary | null> => {
            checkpoint.file = kind;
            if (!ref) {
              await store.remove(batchId, kind);
              await store.remove(batchId, quarantinePartOf(kind));
              return null;
            }
            const earlier = checkpoint.committed[kind];
            const resumed = earlier ? await resumeFile(job(kind, ref), earlier) : undefined;
            if (resumed) {
              ctx.log.info('result file already committed by an earlier attempt: not downloaded again', {
                batchId,
                file: kind,
                sha256: resumed.sha256,
              });
              return resumed;
            }
            const summary = await collectFile(job(kind, ref));
            checkpoint.committed[kind] = summary;
            if (Date.now() - startedAt >= COMMIT_HEARTBEAT_AFTER_MS) ctx.heartbeat(details());
            return summary;
          };
          const output = await one('output', input.resultRefs.output);
          const errors = await one('errors', input.resultRefs.errors);

          checkpoint.file = 'remaining';
          let remaining: RemainingSummary | null = null;
          let remainingUnavailable: ResultsSummary['remainingUnavailable'] = null;
          let reconciliation: Reconciliation | null = null;
          // The input is read even without remaining.jsonl: every collection is reconciled.
          const reconciler = new Reconciler(tally);
          const inputRef = input.resultRefs.input ?? input.requests ?? null;
          if (inputRef === null) {
            // An API that keeps no input, and no requests file named: the results name every request.
            if (input.writeRemaining && outputRef !== null && shared)
              remaining = await writeRemainingIds({
                store,
                batchId,
                tally,
                signal: ctx.cancellationSignal,
                storage,
                resultsRef: outputRef,
              });
            else if (input.writeRemaining)
              remainingUnavailable = {
                inputRef,
                reason: `the ${provider.name} batch API keeps no input to take remaining requests from`,
              };
          } else {
            try {
              remaining = await writeRemaining({
                provider,
                store,
                batchId,
                inputRef,
                tally,
                progress: checkpoint,
                maxLineBytes,
                signal: ctx.cancellationSignal,
                reconciler,
                write: input.writeRemaining,
                storage,
                ...(input.resultRefs.input === null ? { open: () => openRequestsFile(inputRef) } : {}),
              });
              reconciliation = reconciler.result();
            } catch (err) {
              if (!(err instanceof InputFileGoneError)) throw err;
              // The downloaded results stand on their own: say why remaining.jsonl is missing.
              if (input.writeRemaining) remainingUnavailable = { inputRef, reason: err.message };
              ctx.log.warn('input gone: results kept, remaining.jsonl not written, not reconciled', {
                batchId,
                reason: err.message,
              });
            }
          }
          // Files a previous collection wrote but this one has no source for would mislead: remove them.
          if (!remaining) {
            await store.remove(batchId, 'remaining');
            await store.remove(batchId, 'failedPermanent');
          }
          const quarantinePath = await storage.run('merge quarantine.jsonl', () =>
            mergeQuarantine(store, batchId, tally.quarantined),
          );
          const summary: ResultsSummary = {
            batchId,
            ...accountField(input.account),
            directory,
            output,
            errors,
            succeeded: tally.succeeded,
            failedByCode: tally.failedByCode,
            quarantinePath,
            quarantined: tally.quarantined,
            quarantineRecovered: tally.recovered,
            remaining,
            remainingUnavailable,
            batchErrors: input.batchErrors ?? null,
            reconciliation,
            usage: { byModel: tally.usage.byModel(), batchReported: input.batchUsage ?? null },
            summaryPath: store.pathOf(batchId, 'summary'),
          };
          await storage.run('write summary.json', () =>
            store.writeJson(batchId, 'summary', { ...summary, collectedAt: new Date().toISOString() }),
          );
          const lines = ctx.metricMeter.createCounter(
            METRIC.resultLinesCollected,
            '1',
            'result lines written or quarantined',
          );
          lines.add((output?.lines ?? 0) + (errors?.lines ?? 0), { outcome: 'valid' });
          lines.add(tally.quarantined, { outcome: 'quarantined' });
          recordSalvageMetrics(ctx.metricMeter, summary);
          ctx.log.info('results collected', {
            batchId,
            succeeded: summary.succeeded,
            quarantined: summary.quarantined,
            balanced: reconciliation?.balanced ?? null,
          });
          if (reconciliation && !reconciliation.balanced) {
            ctx.log.warn('results do not reconcile with the input', {
              batchId,
              duplicates: reconciliation.duplicates,
              unbalancedIds: reconciliation.unbalancedIds.slice(0, 10),
            });
          }
          return summary;
        },
        // The first heartbeat is the first committed file's, or the first tick of a long download.
        { moved, immediately: false },
      );
    } catch (err) {
      if (err instanceof UnsafeBatchIdError) {
        throw ApplicationFailure.nonRetryable(err.message, FailureType.InvalidInput);
      }
      if (err instanceof ResultsStorageError || err instanceof S3StoreError || isStorageErrno(err)) {
        checkpoint.storageFailures++;
        // Recorded with the failure, so the next attempt knows how much of the budget is left.
        ctx.heartbeat({ ...checkpoint });
        throw storageFailure(err, store, batchId, checkpoint.storageFailures, storeRetry);
      }
      // The files committed so far go with the failure: the retry downloads only the others.
      if (Object.keys(checkpoint.committed).length > 0 || diedStoring) ctx.heartbeat({ ...checkpoint });
      throw classifyApiError(provider, err, { action: `collect results of batch ${batchId}` });
    } finally {
      release();
    }
  };
}

function storageFailure(
  err: unknown,
  store: ResultsStore,
  batchId: string,
  failures: number,
  retry: { maxFailures: number; retryDelayMs: number },
): ApplicationFailure {
  const directory = store.batchDir(batchId);
  const s3 = err instanceof S3StoreError ? err : undefined;
  // A missing bucket or denied access does not heal by waiting: fail at once, saying what to fix.
  const final = failures >= retry.maxFailures || (s3 !== undefined && !s3.transient);
  const what = err instanceof Error ? err.message : String(err);
  const next = final
    ? `gave up after ${failures} storage failure${failures === 1 ? '' : 's'}; no result file was left half written. Start the cancellation again once the store is writable`
    : `retrying in ${Math.round(retry.retryDelayMs / 1000)}s (storage failure ${failures} of ${retry.maxFailures})`;
  const fix = s3
    ? `Fix the results store (RESULTS_URL=${store.location})`
    : `Free space on, or fix the permissions of, the results volume (RESULTS_DIR=${store.location})`;
  return ApplicationFailure.create({
    message: `cannot write the results of ${batchId} to ${directory}: ${what}. ${fix}; ${next}.`,
    type: FailureType.ResultsStore,
    nonRetryable: final,
    ...(final ? {} : { nextRetryDelay: retry.retryDelayMs }),
    details: [
      {
        directory,
        path: err instanceof ResultsStorageError ? err.path : (s3?.key ?? null),
        code:
          err instanceof ResultsStorageError || s3
            ? (err as { code: string }).code
            : ((err as NodeJS.ErrnoException).code ?? null),
        storageFailures: failures,
      },
    ],
  });
}

/** quarantine.jsonl: the committed per-file parts, output first, joined; the parts removed. */
async function mergeQuarantine(
  store: ResultsStore,
  batchId: string,
  quarantined: number,
): Promise<string | null> {
  const parts = (['output', 'errors'] as const).map((k) => quarantinePartOf(k));
  if (quarantined === 0) {
    await store.remove(batchId, 'quarantine');
    for (const part of parts) await store.remove(batchId, part);
    return null;
  }
  const merged = store.open(batchId, 'quarantine');
  try {
    for (const part of parts) {
      const body = await store.read(batchId, part);
      if (body === undefined) continue;
      for await (const chunk of body) await merged.write(chunk as Buffer);
    }
    const written = await merged.commit();
    for (const part of parts) await store.remove(batchId, part);
    return written.path;
  } catch (err) {
    await merged.abort();
    throw err;
  }
}
