import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { classifyApiError } from './classify';
import { METRIC } from '../metrics';
import {
  BatchInputLineSchema,
  BatchResultLineSchema,
  isSuccessfulResult,
  type BatchResultLine,
} from '../openai/schemas';
import { sha256OfFile, type AtomicFile } from '../results/atomic-file';
import type { Line } from '../results/line-splitter';
import { UnsafeBatchIdError, type LocalResultsStore } from '../results/local-store';
import { streamLines } from '../results/stream-lines';
import { validateLine } from '../results/validate-line';
import { FailureType } from '../shared/failure-types';
import type { ResultFileSummary, ResultsSummary } from '../shared/results';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';

export interface CollectResultsInput {
  batchId: string;
  inputFileId: string;
  outputFileId: string | null;
  errorFileId: string | null;
  /** Write `remaining.jsonl` (input lines without a successful result). */
  writeRemaining: boolean;
}

const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
const QUARANTINE_RAW_LIMIT = 64 * 1024;

interface Progress {
  file: string;
  bytes: number;
  lines: number;
}

/** Tallies what the result lines say, across the output and error files. */
class Tally {
  succeeded = 0;
  failedByCode: Record<string, number> = {};
  quarantined = 0;
  readonly succeededIds: Set<string> | null;
  constructor(trackIds: boolean) {
    this.succeededIds = trackIds ? new Set() : null;
  }
  add(line: BatchResultLine): void {
    if (isSuccessfulResult(line)) {
      this.succeeded++;
      this.succeededIds?.add(line.custom_id);
      return;
    }
    const code = line.error?.code ?? (line.response ? `http_${line.response.status_code}` : 'unknown');
    this.failedByCode[code] = (this.failedByCode[code] ?? 0) + 1;
  }
}

/**
 * Streams the output and error files into the results store, validating every line, and writes
 * a summary. Files are written under temporary names and renamed only when complete, so a retry
 * after a crash or a cut connection starts clean and never duplicates a line. Returns the
 * summary, never the lines.
 */
export function makeCollectResults(deps: ActivityDeps) {
  const maxLineBytes = deps.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;

  async function download(fileId: string, signal: AbortSignal) {
    const res = await deps.openai.files.content(fileId, { signal });
    if (!res.body)
      throw ApplicationFailure.retryable(`file ${fileId} came back without a body`, FailureType.Transient);
    const length = res.headers.get('content-length');
    return {
      body: res.body as AsyncIterable<Uint8Array>,
      expectedBytes: length ? Number(length) : undefined,
    };
  }

  async function collectFile(
    store: LocalResultsStore,
    batchId: string,
    kind: 'output' | 'errors',
    fileId: string,
    tally: Tally,
    quarantine: AtomicFile,
    progress: Progress,
    signal: AbortSignal,
  ): Promise<ResultFileSummary> {
    const target = store.open(batchId, kind);
    let lines = 0;
    let quarantined = 0;
    let lineNumber = 0;
    try {
      const { body, expectedBytes } = await download(fileId, signal);
      const source = await streamLines(body, {
        maxLineBytes,
        ...(expectedBytes !== undefined ? { expectedBytes } : {}),
        onLines: async (batch: Line[]) => {
          const valid: Buffer[] = [];
          for (const line of batch) {
            lineNumber++;
            progress.lines++;
            progress.bytes += line.length;
            const verdict = validateLine(line, BatchResultLineSchema);
            if (verdict.ok) {
              tally.add(verdict.value);
              valid.push(line.raw);
              lines++;
            } else {
              quarantined++;
              await quarantine.write(quarantineRecord(kind, fileId, lineNumber, verdict.reason, line));
            }
          }
          await target.write(valid.length === 1 ? valid[0]! : Buffer.concat(valid));
        },
      });
      const written = await target.commit();
      tally.quarantined += quarantined;
      // With nothing quarantined every served line was written, so the file is the source byte for
      // byte and its digest is already known: hashing a second time cost ~8% of a large download.
      const sha256 =
        quarantined === 0 && written.bytes === source.bytes
          ? source.sha256
          : await sha256OfFile(written.path);
      return {
        fileId,
        path: written.path,
        lines,
        bytes: written.bytes,
        sha256,
        sourceBytes: source.bytes,
        sourceSha256: source.sha256,
        quarantined,
      };
    } catch (err) {
      await target.abort();
      throw err;
    }
  }

  async function writeRemaining(
    store: LocalResultsStore,
    batchId: string,
    inputFileId: string,
    succeeded: Set<string>,
    progress: Progress,
    signal: AbortSignal,
  ): Promise<{ path: string; lines: number; inputFileId: string }> {
    const target = store.open(batchId, 'remaining');
    let lines = 0;
    try {
      const { body, expectedBytes } = await download(inputFileId, signal);
      await streamLines(body, {
        maxLineBytes,
        ...(expectedBytes !== undefined ? { expectedBytes } : {}),
        onLines: async (batch) => {
          const keep: Buffer[] = [];
          for (const line of batch) {
            progress.lines++;
            progress.bytes += line.length;
            if (line.content.length === 0) continue;
            const verdict = validateLine(line, BatchInputLineSchema);
            if (verdict.ok && succeeded.has(verdict.value.custom_id)) continue;
            // Unparseable input lines are kept too: they never ran, so they are still to do.
            keep.push(line.oversized ? Buffer.alloc(0) : line.content, Buffer.from('\n'));
            lines++;
          }
          await target.write(Buffer.concat(keep));
        },
      });
      const written = await target.commit();
      return { path: written.path, lines, inputFileId };
    } catch (err) {
      await target.abort();
      throw err;
    }
  }

  return async function collectResults(input: CollectResultsInput): Promise<ResultsSummary> {
    const ctx = Context.current();
    const store = deps.results;
    const { batchId } = input;
    const progress: Progress = { file: '', bytes: 0, lines: 0 };
    const tally = new Tally(input.writeRemaining);
    let quarantine: AtomicFile | undefined;
    try {
      const directory = await store.prepare(batchId);
      const q = (quarantine = store.open(batchId, 'quarantine'));
      return await withHeartbeat(
        () => ({ ...progress }),
        async () => {
          progress.file = 'output';
          const output = input.outputFileId
            ? await collectFile(
                store,
                batchId,
                'output',
                input.outputFileId,
                tally,
                q,
                progress,
                ctx.cancellationSignal,
              )
            : null;
          progress.file = 'errors';
          const errors = input.errorFileId
            ? await collectFile(
                store,
                batchId,
                'errors',
                input.errorFileId,
                tally,
                q,
                progress,
                ctx.cancellationSignal,
              )
            : null;
          progress.file = 'remaining';
          const remaining =
            input.writeRemaining && tally.succeededIds
              ? await writeRemaining(
                  store,
                  batchId,
                  input.inputFileId,
                  tally.succeededIds,
                  progress,
                  ctx.cancellationSignal,
                )
              : null;
          // Files a previous collection wrote but this one has no source for would mislead: remove them.
          if (!output) await store.remove(batchId, 'output');
          if (!errors) await store.remove(batchId, 'errors');
          if (!remaining) await store.remove(batchId, 'remaining');
          let quarantinePath: string | null = null;
          if (tally.quarantined > 0) quarantinePath = (await q.commit()).path;
          else {
            await q.abort();
            await store.remove(batchId, 'quarantine');
          }
          const summary: ResultsSummary = {
            batchId,
            directory,
            output,
            errors,
            succeeded: tally.succeeded,
            failedByCode: tally.failedByCode,
            quarantinePath,
            quarantined: tally.quarantined,
            remaining,
            summaryPath: store.pathOf(batchId, 'summary'),
          };
          await store.writeJson(batchId, 'summary', { ...summary, collectedAt: new Date().toISOString() });
          const lines = ctx.metricMeter.createCounter(
            METRIC.resultLinesCollected,
            '1',
            'result lines written or quarantined',
          );
          lines.add((output?.lines ?? 0) + (errors?.lines ?? 0), { outcome: 'valid' });
          lines.add(tally.quarantined, { outcome: 'quarantined' });
          ctx.log.info('results collected', {
            batchId,
            succeeded: summary.succeeded,
            quarantined: summary.quarantined,
          });
          return summary;
        },
      );
    } catch (err) {
      await quarantine?.abort();
      if (err instanceof UnsafeBatchIdError) {
        throw ApplicationFailure.nonRetryable(err.message, FailureType.InvalidInput);
      }
      throw classifyApiError(err, { action: `collect results of batch ${batchId}` });
    }
  };
}

function quarantineRecord(
  source: string,
  fileId: string,
  lineNumber: number,
  reason: string,
  line: Line,
): string {
  const raw = line.content.subarray(0, QUARANTINE_RAW_LIMIT);
  return `${JSON.stringify({
    source,
    fileId,
    lineNumber,
    reason,
    bytes: line.length,
    raw: raw.toString('utf8'),
    rawBase64: raw.toString('base64'),
  })}\n`;
}
