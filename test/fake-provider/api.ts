/**
 * A fake batch API, in memory, with words and shapes of its own (no OpenAI field anywhere): jobs
 * `job-<n>` that go QUEUED → RUNNING, STOPPING on a stop request and STOPPED a while later, or
 * FINISHED when every item ran; results and inputs as blobs of JSONL under opaque blob names. It
 * stands in for "a second batch API" in the provider-registry test; it is not a fake Temporal.
 */
export type JobState = 'QUEUED' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FINISHED';

export interface Job {
  jobId: string;
  state: JobState;
  createdSec: number;
  stoppedSec: number | null;
  items: { key: string; done: 'ok' | 'error' | null }[];
  /** Blob names: what the job was given, what it produced. */
  inputBlob: string;
  resultBlob: string | null;
  labels: Record<string, string>;
  stopAfterMs: number;
}

/** What the fake API answers with when it refuses: an HTTP-like status and a message. */
export class FakeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'FakeApiError';
  }
}

export class FakeBatchApi {
  private readonly jobs = new Map<string, Job>();
  private readonly blobs = new Map<string, Buffer>();
  private next = 0;
  readonly calls: Record<string, number> = { get: 0, stop: 0, list: 0, blob: 0, deleteBlob: 0 };

  /** A running job of `items` items, of which `doneOk` succeeded and `doneError` failed so far. */
  seed(opts: { items: number; doneOk: number; doneError: number; stopAfterMs: number }): Job {
    const n = ++this.next;
    const jobId = `job-${n}`;
    const items = Array.from({ length: opts.items }, (_, i) => ({
      key: `item-${i}`,
      done: (i < opts.doneOk
        ? 'ok'
        : i < opts.doneOk + opts.doneError
          ? 'error'
          : null) as Job['items'][number]['done'],
    }));
    const inputBlob = `blob-in-${n}`;
    this.blobs.set(
      inputBlob,
      Buffer.from(
        items.map((it) => JSON.stringify({ key: it.key, prompt: `say ${it.key}` }) + '\n').join(''),
      ),
    );
    const job: Job = {
      jobId,
      state: 'RUNNING',
      createdSec: Math.floor(Date.now() / 1000),
      stoppedSec: null,
      items,
      inputBlob,
      resultBlob: null,
      labels: {},
      stopAfterMs: opts.stopAfterMs,
    };
    this.jobs.set(jobId, job);
    return job;
  }

  async getJob(jobId: string): Promise<Job> {
    this.calls.get!++;
    await tick();
    return { ...this.find(jobId) };
  }

  /** Asks the job to stop; a job already ended answers 409. */
  async stopJob(jobId: string): Promise<Job> {
    this.calls.stop!++;
    await tick();
    const job = this.find(jobId);
    if (job.state === 'STOPPED' || job.state === 'FINISHED')
      throw new FakeApiError(409, `${jobId} has ended`);
    if (job.state !== 'STOPPING') {
      job.state = 'STOPPING';
      setTimeout(() => this.settle(job), job.stopAfterMs).unref();
    }
    return { ...job };
  }

  async listJobs(after: string | null, limit: number): Promise<{ jobs: Job[]; more: boolean }> {
    this.calls.list!++;
    await tick();
    const all = [...this.jobs.values()].reverse();
    const from = after === null ? 0 : all.findIndex((j) => j.jobId === after) + 1;
    const page = all.slice(from, from + limit);
    return { jobs: page.map((j) => ({ ...j })), more: from + limit < all.length };
  }

  async readBlob(name: string): Promise<Buffer> {
    this.calls.blob!++;
    await tick();
    const blob = this.blobs.get(name);
    if (!blob) throw new FakeApiError(404, `no blob ${name}`);
    return blob;
  }

  async deleteBlob(name: string): Promise<void> {
    this.calls.deleteBlob!++;
    if (!this.blobs.delete(name)) throw new FakeApiError(404, `no blob ${name}`);
  }

  /** The bytes of the job's results, once it has ended. */
  resultBytes(jobId: string): Buffer | undefined {
    const name = this.find(jobId).resultBlob;
    return name ? this.blobs.get(name) : undefined;
  }

  private find(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new FakeApiError(404, `no job ${jobId}`);
    return job;
  }

  /** STOPPING → STOPPED: results are written, items never run are reported as not run. */
  private settle(job: Job): void {
    job.state = 'STOPPED';
    job.stoppedSec = Math.floor(Date.now() / 1000);
    const lines = job.items.map((it) =>
      it.done === 'ok'
        ? { key: it.key, result: 'ok', text: `said ${it.key}`, engine: 'fake-1', tokens: { in: 3, out: 5 } }
        : it.done === 'error'
          ? { key: it.key, result: 'error', reason: 'invalid_prompt' }
          : { key: it.key, result: 'not_run' },
    );
    job.resultBlob = `blob-out-${job.jobId}`;
    this.blobs.set(job.resultBlob, Buffer.from(lines.map((l) => JSON.stringify(l) + '\n').join('')));
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
