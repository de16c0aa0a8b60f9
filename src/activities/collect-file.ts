/**
 * One result file (output or errors): downloaded, validated line by line, written atomically with
 * its quarantined lines beside it; or, when an earlier attempt already committed it, re-read from
 * disk after checking its sha256, so a retry downloads only what is missing.
 */
import type { BatchProvider, ClassifiedResult } from '../providers/types';
import { sha256OfStream } from '../results/atomic-file';
import type { Line } from '../results/line-splitter';
import type { ResultFileName } from '../results/local-store';
import type { ResultTally } from '../results/result-tally';
import type { ResultsStore } from '../results/store';
import { streamLines } from '../results/stream-lines';
import { validateLine } from '../results/validate-line';
import type { ResultFileSummary } from '../contract/results';
import type { StorageLiveness } from './storage-liveness';

const QUARANTINE_RAW_LIMIT = 64 * 1024;
/**
 * The longest quarantine record {@link quarantineRecord} writes: `raw` JSON-escaped (a control
 * character takes 6 bytes, `\u0001`), `rawBase64` (4 bytes per 3), and the short fields. A line
 * heavy in control characters makes a record of ~480 KB; reading the part file back with a
 * smaller limit got a 1 KB preview that JSON.parse refused, and every retry failed the same way.
 */
export const QUARANTINE_RECORD_MAX_BYTES =
  6 * QUARANTINE_RAW_LIMIT + 4 * Math.ceil(QUARANTINE_RAW_LIMIT / 3) + 16 * 1024;

export type ResultKind = 'output' | 'errors';

/** Bytes and lines moved so far: heartbeat details, and the sign that the attempt is not stuck. */
export interface Progress {
  file: string;
  bytes: number;
  lines: number;
}

export interface FileJob {
  provider: BatchProvider;
  store: ResultsStore;
  batchId: string;
  kind: ResultKind;
  ref: string;
  tally: ResultTally;
  progress: Progress;
  maxLineBytes: number;
  signal: AbortSignal;
  /** Keeps the attempt alive through slow storage calls (commits, re-hashes). */
  storage: StorageLiveness;
  /**
   * Set when the API serves every outcome in one file (the output and errors refs are the same):
   * this file keeps only its own lines, successes in output, the rest in errors, and only the
   * output pass quarantines, so a damaged line is counted once.
   */
  splitFrom?: 'shared';
}

/** Whether a line belongs in `kind`'s file when one source holds both (see `FileJob.splitFrom`). */
function belongs(job: FileJob, result: ClassifiedResult | null): boolean {
  if (job.splitFrom === undefined) return true;
  if (result === null) return job.kind === 'output';
  return (result.disposition === 'succeeded') === (job.kind === 'output');
}

export function quarantinePartOf(kind: ResultKind): ResultFileName {
  return kind === 'output' ? 'quarantineOutput' : 'quarantineErrors';
}

export async function collectFile(job: FileJob): Promise<ResultFileSummary> {
  const { store, batchId, kind, ref, tally, progress } = job;
  const target = store.open(batchId, kind, job.signal);
  const quarantine = store.open(batchId, quarantinePartOf(kind), job.signal);
  let lines = 0;
  let quarantined = 0;
  let lineNumber = 0;
  try {
    const { body, expectedBytes } = await job.provider.openFile(ref, job.signal);
    const source = await streamLines(body, {
      maxLineBytes: job.maxLineBytes,
      ...(expectedBytes !== undefined ? { expectedBytes } : {}),
      onLines: async (batch: Line[]) => {
        const valid: Buffer[] = [];
        for (const line of batch) {
          lineNumber++;
          progress.lines++;
          progress.bytes += line.length;
          const verdict = validateLine(line, job.provider.resultLine);
          if (!belongs(job, verdict.ok ? verdict.value : null)) continue;
          if (verdict.ok) {
            tally.add(verdict.value);
            valid.push(line.raw);
            lines++;
          } else {
            quarantined++;
            tally.addQuarantined(job.provider.recoverResult(line.content));
            await quarantine.write(quarantineRecord(kind, ref, lineNumber, verdict.reason, line));
          }
        }
        await target.write(valid.length === 1 ? valid[0]! : Buffer.concat(valid));
      },
    });
    const { storage } = job;
    // The quarantine part first: a committed result file always has its quarantined lines beside it.
    if (quarantined > 0) await storage.run(`commit the quarantine of ${kind}`, () => quarantine.commit());
    else {
      await quarantine.abort();
      await store.remove(batchId, quarantinePartOf(kind));
    }
    const written = await storage.run(`commit ${kind}`, () => target.commit());
    // With nothing quarantined every served line was written, so the file is the source byte for
    // byte and its digest is already known: hashing a second time cost ~8% of a large download.
    const sha256 =
      quarantined === 0 && written.bytes === source.bytes
        ? source.sha256
        : await storage.run(`hash ${kind}`, async () =>
            sha256OfStream(await readCommitted(store, batchId, kind), () => storage.touch()),
          );
    return {
      ref,
      path: written.path,
      lines,
      bytes: written.bytes,
      sha256,
      sourceBytes: source.bytes,
      sourceSha256: source.sha256,
      quarantined,
    };
  } catch (err) {
    await quarantine.abort();
    await target.abort();
    throw err;
  }
}

/**
 * Takes over a file an earlier attempt committed: checks it is still the file it recorded
 * (sha256), then tallies it from disk. Undefined when it is not: the caller downloads it again.
 */
export async function resumeFile(
  job: FileJob,
  committed: ResultFileSummary,
): Promise<ResultFileSummary | undefined> {
  const { store, batchId, kind, tally, progress } = job;
  if (committed.ref !== job.ref || committed.path !== store.pathOf(batchId, kind)) return undefined;
  const part = quarantinePartOf(kind);
  const { storage } = job;
  // Size first (cheap on any store), then the checksum: only the very file recorded is skipped.
  try {
    if ((await store.stat(batchId, kind))?.bytes !== committed.bytes) return undefined;
    const sha256 = await storage.run(`re-hash the committed ${kind}`, async () =>
      sha256OfStream(await readCommitted(store, batchId, kind), () => storage.touch()),
    );
    if (sha256 !== committed.sha256) return undefined;
    if (committed.quarantined > 0 && (await store.stat(batchId, part)) === undefined) return undefined;
  } catch {
    return undefined;
  }
  // Every record must read back before anything is tallied: one that does not (a part written by
  // an older version, a damaged disk) means downloading the file again, not failing every retry.
  if (committed.quarantined > 0 && !(await quarantineRecordsReadable(store, batchId, part))) return undefined;
  await streamLines(await readCommitted(store, batchId, kind), {
    maxLineBytes: job.maxLineBytes,
    onLines: async (batch) => {
      for (const line of batch) {
        progress.lines++;
        progress.bytes += line.length;
        const verdict = validateLine(line, job.provider.resultLine);
        if (verdict.ok) tally.add(verdict.value);
      }
    },
  });
  if (committed.quarantined > 0) {
    await streamLines(await readCommitted(store, batchId, part), {
      maxLineBytes: QUARANTINE_RECORD_MAX_BYTES,
      onLines: async (batch) => {
        for (const line of batch) tally.addQuarantined(job.provider.recoverResult(rawOfRecord(line)!));
      },
    });
  }
  return committed;
}

/** A quarantine record's raw bytes, or undefined when the record does not read back. */
function rawOfRecord(line: Line): Buffer | undefined {
  if (line.oversized) return undefined;
  try {
    const record = JSON.parse(line.content.toString('utf8')) as { rawBase64?: unknown };
    return typeof record.rawBase64 === 'string' ? Buffer.from(record.rawBase64, 'base64') : undefined;
  } catch {
    return undefined;
  }
}

async function quarantineRecordsReadable(
  store: ResultsStore,
  batchId: string,
  part: ResultFileName,
): Promise<boolean> {
  let readable = true;
  await streamLines(await readCommitted(store, batchId, part), {
    maxLineBytes: QUARANTINE_RECORD_MAX_BYTES,
    onLines: async (batch) => {
      if (readable && batch.some((line) => rawOfRecord(line) === undefined)) readable = false;
    },
  });
  return readable;
}

/** A file this collection (or an earlier attempt) committed; its absence is a store failure. */
async function readCommitted(store: ResultsStore, batchId: string, file: ResultFileName) {
  const body = await store.read(batchId, file);
  if (body === undefined) throw new Error(`${store.pathOf(batchId, file)} vanished after it was committed`);
  return body;
}

function quarantineRecord(
  source: string,
  ref: string,
  lineNumber: number,
  reason: string,
  line: Line,
): string {
  const raw = line.content.subarray(0, QUARANTINE_RAW_LIMIT);
  return `${JSON.stringify({
    source,
    ref,
    lineNumber,
    reason,
    bytes: line.length,
    raw: raw.toString('utf8'),
    rawBase64: raw.toString('base64'),
  })}\n`;
}
