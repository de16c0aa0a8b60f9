/**
 * The plain script the overhead benchmarks compare against: the OpenAI SDK, no durability, the
 * same poll schedule as the durable runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type OpenAI from 'openai';
import { isTerminalStatus } from '../src/providers/openai/status';
import { sleep } from './lib';

/** The poll schedule of every overhead run, durable and plain. */
export const BENCH_POLL = { initialInterval: 500, backoffCoefficient: 1.5, maxInterval: 2000 };

/** A poll schedule in ms (BENCH_POLL, or the product's defaults). */
export interface BenchPoll {
  initialInterval: number;
  backoffCoefficient: number;
  maxInterval: number;
}

/**
 * cancel → read with the same backoff until terminal → download output and error files. Returns
 * the batch API calls made (the cancel and the reads).
 */
export async function plainCancel(
  openai: OpenAI,
  batchId: string,
  dir: string,
  poll: BenchPoll = BENCH_POLL,
): Promise<number> {
  await openai.batches.cancel(batchId);
  let interval = poll.initialInterval;
  let batch = await openai.batches.retrieve(batchId);
  let calls = 2;
  while (!isTerminalStatus(batch.status)) {
    await sleep(interval);
    interval = Math.min(poll.maxInterval, interval * poll.backoffCoefficient);
    batch = await openai.batches.retrieve(batchId);
    calls++;
  }
  for (const [kind, id] of [
    ['output', batch.output_file_id],
    ['errors', batch.error_file_id],
  ] as const) {
    if (!id) continue;
    const res = await openai.files.content(id);
    if (!res.body) throw new Error(`no body for ${id}`);
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream),
      fs.createWriteStream(path.join(dir, `${batchId}.${kind}.jsonl`)),
    );
  }
  return calls;
}
