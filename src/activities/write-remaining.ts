/**
 * remaining.jsonl and failed-permanent.jsonl from the batch's input file: every input line is
 * copied whole (an oversized one streamed through in pieces) into the file that says what to do
 * with it, and never into remaining.jsonl when its request succeeded.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BatchProvider, FileContent } from '../providers/types';
import type { Line } from '../results/line-splitter';
import type { ResultsStore, ResultWriter } from '../results/store';
import type { InputOutcome, Reconciler } from '../results/reconcile';
import type { ResultTally } from '../results/result-tally';
import { streamLines } from '../results/stream-lines';
import { validateLine } from '../results/validate-line';
import type { RemainingSummary } from '../contract/results';
import type { Progress } from './collect-file';
import type { StorageLiveness } from './storage-liveness';
import { BatchCancelError } from '../contract/errors';

export interface RemainingJob {
  provider: BatchProvider;
  store: ResultsStore;
  batchId: string;
  inputRef: string;
  tally: ResultTally;
  progress: Progress;
  maxLineBytes: number;
  signal: AbortSignal;
  /** Told where each input line went. */
  reconciler: Reconciler;
  /** False: only reconcile, write no file (remaining.jsonl was not asked for). @default true */
  write?: boolean;
  /** Keeps the attempt alive through slow commits. */
  storage?: StorageLiveness;
  /** Opens the input when it is not the provider's file (a requests file the cancellation named). */
  open?: () => Promise<FileContent>;
}

/** Thrown when the input file is gone: the other results stand, remaining.jsonl cannot be written. */
export class InputFileGoneError extends BatchCancelError {
  constructor(
    readonly inputRef: string,
    why = `input file ${inputRef} no longer exists (404)`,
  ) {
    super(`${why}: remaining.jsonl cannot be written`);
    this.name = 'InputFileGoneError';
  }
}

type Destination = 'remaining' | 'failedPermanent' | 'skipSucceeded' | 'skipUnresolved';

const OUTCOME: Record<Destination, InputOutcome> = {
  remaining: 'remaining',
  failedPermanent: 'failedPermanent',
  skipSucceeded: 'succeeded',
  skipUnresolved: 'quarantined',
};

function destinationOf(tally: ResultTally, customId: string | undefined): Destination {
  const d = customId === undefined ? undefined : tally.dispositionOf(customId);
  if (d === 'succeeded') return 'skipSucceeded';
  if (d === 'permanent') return 'failedPermanent';
  if (d === 'unresolved') return 'skipUnresolved';
  return 'remaining';
}

function customIdOf(provider: BatchProvider, line: Line): string | undefined {
  if (!line.oversized) {
    const verdict = validateLine(line, provider.inputLine);
    if (verdict.ok) return verdict.value.customId;
  }
  // Unparseable or too long to parse: custom_id usually comes first, so the preview has it.
  return provider.recoverCustomId(line.content);
}

const NEWLINE = Buffer.from('\n');

/** Null when `write` is false: the input was only reconciled. */
export async function writeRemaining(job: RemainingJob): Promise<RemainingSummary | null> {
  const { store, batchId, tally, progress } = job;
  const files: Record<'remaining' | 'failedPermanent', ResultWriter> = {
    remaining: store.open(batchId, 'remaining', job.signal),
    failedPermanent: store.open(batchId, 'failedPermanent', job.signal),
  };
  const counts = { remaining: 0, failedPermanent: 0, skipSucceeded: 0, skipUnresolved: 0 };
  // Where the pieces of the oversized line being streamed go (null: dropped).
  let streaming: ResultWriter | null = null;
  try {
    let served;
    try {
      served = job.open ? await job.open() : await job.provider.openFile(job.inputRef, job.signal);
    } catch (err) {
      if (job.provider.isNotFound(err)) throw new InputFileGoneError(job.inputRef);
      throw err;
    }
    await streamLines(served.body, {
      maxLineBytes: job.maxLineBytes,
      streamOversized: true,
      ...(served.expectedBytes !== undefined ? { expectedBytes: served.expectedBytes } : {}),
      onLines: async (batch) => {
        for (const line of batch) {
          if (line.fragment === 'more' || line.fragment === 'last') {
            progress.bytes += line.raw.length;
            if (streaming) await streaming.write(line.raw);
            if (line.fragment === 'last') {
              if (streaming && !line.raw.subarray(-1).equals(NEWLINE)) await streaming.write(NEWLINE);
              streaming = null;
              progress.lines++;
            }
            continue;
          }
          progress.bytes += line.raw.length;
          if (line.fragment !== 'first') progress.lines++;
          if (!line.oversized && line.content.length === 0) continue;
          const customId = customIdOf(job.provider, line);
          const where = destinationOf(tally, customId);
          counts[where]++;
          job.reconciler.input(customId, OUTCOME[where]);
          const file =
            job.write !== false && (where === 'remaining' || where === 'failedPermanent')
              ? files[where]
              : null;
          if (line.fragment === 'first') {
            streaming = file;
            await file?.write(line.raw);
          } else if (line.fragment === 'whole') {
            await file?.write(line.raw);
            if (file && !line.raw.subarray(-1).equals(NEWLINE)) await file.write(NEWLINE);
          } else if (file) {
            await file.write(Buffer.concat([line.content, NEWLINE]));
          }
        }
      },
    });
    if (job.write === false) {
      await files.remaining.abort();
      await files.failedPermanent.abort();
      return null;
    }
    const commit = (file: ResultWriter, what: string) =>
      job.storage ? job.storage.run(what, () => file.commit()) : file.commit();
    const remaining = await commit(files.remaining, 'commit remaining.jsonl');
    let failedPermanent: RemainingSummary['failedPermanent'] = null;
    if (counts.failedPermanent > 0) {
      const written = await commit(files.failedPermanent, 'commit failed-permanent.jsonl');
      failedPermanent = { path: written.path, lines: counts.failedPermanent };
    } else {
      await files.failedPermanent.abort();
      await store.remove(batchId, 'failedPermanent');
    }
    return {
      path: remaining.path,
      lines: counts.remaining,
      inputRef: job.inputRef,
      failedPermanent,
      succeededSkipped: counts.skipSucceeded,
      unresolved: counts.skipUnresolved,
    };
  } catch (err) {
    await files.remaining.abort();
    await files.failedPermanent.abort();
    throw err;
  }
}

/**
 * The requests file a cancellation named (`requests`), read from the worker's disk. Missing or
 * unreadable, it costs remaining.jsonl only: the results stand, and the summary says why.
 */
export async function openRequestsFile(location: string): Promise<FileContent> {
  const file = location.startsWith('file://') ? fileURLToPath(location) : location;
  try {
    const handle = await fs.promises.open(file, 'r');
    const { size } = await handle.stat();
    return { body: handle.createReadStream(), expectedBytes: size, encoding: null };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputFileGoneError(
      location,
      `the requests file ${location} cannot be read on this worker (${code})`,
    );
  }
}

/**
 * remaining.jsonl and failed-permanent.jsonl without an input (an API that keeps none, and no
 * requests file): one `{"custom_id"}` line per request, from what its result said.
 */
export async function writeRemainingIds(
  job: Pick<RemainingJob, 'store' | 'batchId' | 'tally' | 'signal' | 'storage'> & { resultsRef: string },
): Promise<RemainingSummary> {
  const { store, batchId, tally } = job;
  const files: Record<'remaining' | 'failedPermanent', ResultWriter> = {
    remaining: store.open(batchId, 'remaining', job.signal),
    failedPermanent: store.open(batchId, 'failedPermanent', job.signal),
  };
  const counts = { remaining: 0, failedPermanent: 0, skipSucceeded: 0, skipUnresolved: 0 };
  try {
    for (const { customId } of tally.ids()) {
      const where = destinationOf(tally, customId);
      counts[where]++;
      if (where === 'remaining' || where === 'failedPermanent')
        await files[where].write(`${JSON.stringify({ custom_id: customId })}\n`);
    }
    const commit = (file: ResultWriter, what: string) =>
      job.storage ? job.storage.run(what, () => file.commit()) : file.commit();
    const remaining = await commit(files.remaining, 'commit remaining.jsonl');
    let failedPermanent: RemainingSummary['failedPermanent'] = null;
    if (counts.failedPermanent > 0) {
      const written = await commit(files.failedPermanent, 'commit failed-permanent.jsonl');
      failedPermanent = { path: written.path, lines: counts.failedPermanent };
    } else {
      await files.failedPermanent.abort();
      await store.remove(batchId, 'failedPermanent');
    }
    return {
      path: remaining.path,
      lines: counts.remaining,
      inputRef: job.resultsRef,
      idsOnly: true,
      failedPermanent,
      succeededSkipped: counts.skipSucceeded,
      unresolved: counts.skipUnresolved,
    };
  } catch (err) {
    await files.remaining.abort();
    await files.failedPermanent.abort();
    throw err;
  }
}
