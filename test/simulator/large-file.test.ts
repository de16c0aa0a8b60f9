/**
 * Large result files are generated and streamed, never held: a 200k-line (~140 MB) output file is
 * downloaded through the SDK while memory stays far below the file's size, and its bytes are exactly
 * what `expectedFile` and the Content-Length header announce.
 */
import { type BatchSimulator } from '../../tools/simulator';
import { clientFor, measureResponse, startSimulator } from './helpers';

const LINES = 200_000;
const LINE_BYTES = 700; // above the ~610 bytes of an unpadded chat.completion line

function memoryInUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('large file streaming', () => {
  let sim: BatchSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: () => Date.UTC(2025, 5, 1) });
  });
  afterAll(() => sim.close());

  it('streams 200k lines with bounded memory, matching expectedFile and Content-Length', async () => {
    const batch = sim.seedBatch({
      status: 'completed',
      requests: LINES,
      failedFraction: 0,
      lineBytes: LINE_BYTES,
    });
    const fileId = batch.output_file_id ?? '';
    const meta = await clientFor(sim).files.retrieve(fileId);
    expect(meta.bytes).toBe(LINES * LINE_BYTES); // every line padded to exactly lineBytes

    const baseline = memoryInUse();
    let peak = baseline;
    let chunks = 0;
    const response = await clientFor(sim).files.content(fileId);
    expect(Number(response.headers.get('content-length'))).toBe(meta.bytes);
    const got = await measureResponse(response, () => {
      if (++chunks % 50 === 0) peak = Math.max(peak, memoryInUse());
    });
    expect(got.error).toBeUndefined();
    expect(got.lines).toBe(LINES);
    expect(got.bytes).toBe(meta.bytes);
    // Holding the file would cost 140 MB; a generated, backpressured stream stays well under half.
    expect(peak - baseline).toBeLessThan(meta.bytes / 2);

    const expected = await sim.expectedFile(fileId);
    expect(got).toEqual({ bytes: expected.bytes, lines: expected.lines, sha256: expected.sha256 });
  });

  it('knows the size of a million-line file without rendering it', async () => {
    const batch = sim.seedBatch({
      status: 'cancelled',
      requests: 1_000_000,
      completedFraction: 0.3,
      lineBytes: 1000,
    });
    const started = Date.now();
    const output = await clientFor(sim).files.retrieve(batch.output_file_id ?? '');
    const errors = await clientFor(sim).files.retrieve(batch.error_file_id ?? '');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(output.bytes).toBe((batch.request_counts?.completed ?? 0) * 1000);
    expect(errors.bytes).toBeGreaterThan(700_000 * 150);
  });
});

describe('close()', () => {
  it('returns promptly while a large download is stalled and a delayed request is pending', async () => {
    const sim = await startSimulator();
    const batch = sim.seedBatch({ status: 'completed', requests: 100_000 });
    const client = clientFor(sim);
    const stalled = await client.files.content(batch.output_file_id ?? ''); // headers read, body never consumed
    sim.injectFault('batches.list', { kind: 'latency', ms: 60_000 });
    const delayed = client.batches.list().catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await delayed).toBeInstanceOf(Error); // the delayed call was dropped, not answered
    await expect(stalled.text()).rejects.toThrow();
  });
});
