/**
 * The batch registry: creating (through the API or seeded), viewing at the clock's now, listing and
 * cancelling. Result files are registered the first time a terminal batch is looked at, with ids
 * derived from the batch, so the order of look-ups never changes what anyone sees.
 */
import { type Batch, type BatchListPage, type BatchStatus } from '../../src/providers/openai/schemas';
import { batchObject, seconds } from './batch-object';
import { batchUsage } from './file-content';
import { batchNotFound, cannotCancel } from './errors';
import { inputPlan, resultPlan, type ResultRole } from './file-content';
import { type FileRegistry } from './files';
import { batchId, resultFileId } from './ids';
import { type InputError } from './input-validation';
import { listPage } from './list-page';
import { hash32 } from './prng';
import { createdRecord, type RecordIdentity, seededRecord } from './records';
import { GeneratedRequests, type RequestSet } from './requests';
import { type BatchRecord, type BatchState, evaluate, hasResultFiles, isCancellable } from './state';
import { type SeedBatchSpec, type SimulatorTiming } from './types';

export interface NewBatch {
  inputFileId: string;
  endpoint: string;
  metadata: Record<string, string> | null;
  requests: RequestSet;
  errors: InputError[] | null;
  /** This batch answers one request every this many ms instead of `timing.perRequestMs`. */
  perRequestMs?: number;
}

export class BatchRegistry {
  private readonly records = new Map<string, BatchRecord>();
  /** Oldest first; listing walks it backwards, newest first like OpenAI. */
  private readonly order: BatchRecord[] = [];
  /** Told of every new batch (the webhook sender watches it for its terminal transition). */
  onRegister: ((record: BatchRecord) => void) | null = null;

  constructor(
    private readonly seed: number,
    private readonly clock: () => number,
    private readonly timing: SimulatorTiming,
    private readonly files: FileRegistry,
    /** Azure gives a batch completed without failures an empty error file; OpenAI gives none. */
    private readonly emptyErrorFile = false,
  ) {}

  private identity(fields: Omit<RecordIdentity, 'seq' | 'id' | 'key'>, id?: string): RecordIdentity {
    const seq = this.order.length + 1;
    return { ...fields, seq, id: id ?? this.freshId(seq), key: hash32(this.seed, seq, 0xba7c4) };
  }

  /** The seed's id for `seq`, unless a batch seeded under a chosen id already took it. */
  private freshId(seq: number): string {
    for (let round = 0; ; round++) {
      // Round 0 is the usual id; later rounds only vary the hash input's high part.
      const id = batchId(this.seed, seq + round * 0x1_0000_0000);
      if (!this.records.has(id)) return id;
    }
  }

  private register(record: BatchRecord): Batch {
    this.records.set(record.id, record);
    this.order.push(record);
    this.onRegister?.(record);
    return this.render(record);
  }

  create({ perRequestMs, ...spec }: NewBatch): Batch {
    const identity = this.identity({
      ...spec,
      lineBytes: 0,
      cancelDelayMs: this.timing.cancelDelayMs,
      cancelDrainMs: 0,
    });
    const timing = perRequestMs === undefined ? this.timing : { ...this.timing, perRequestMs };
    return this.register(createdRecord(identity, timing, this.clock(), spec.errors));
  }

  seedBatch(spec: SeedBatchSpec & { status: BatchStatus }): Batch {
    if (spec.id !== undefined && this.records.has(spec.id)) {
      throw new Error(`seedBatch: a batch with id '${spec.id}' already exists`);
    }
    const endpoint = spec.endpoint ?? '/v1/chat/completions';
    const seq = this.order.length + 1;
    const requests = new GeneratedRequests(
      spec.requests,
      endpoint,
      spec.failedFraction ?? 0.1,
      hash32(this.seed, seq, 0xfa11),
      {
        ...(spec.content?.models ? { models: spec.content.models } : {}),
        duplicateIds: spec.content?.duplicateIds ?? 0,
      },
    );
    const failed = spec.status === 'failed';
    const now = this.clock();
    const inputFile = this.files.add({
      filename: `seeded_batch_${seq}_input.jsonl`,
      purpose: 'batch',
      createdAt: seconds(spec.createdAt !== undefined ? spec.createdAt * 1000 : now),
      plan: () => inputPlan(record, failed),
      generated: { requests, valid: !failed },
    });
    const identity = this.identity(
      {
        endpoint,
        inputFileId: inputFile.id,
        metadata: spec.metadata ?? null,
        requests,
        lineBytes: spec.lineBytes ?? 300,
        cancelDelayMs: spec.cancelDelayMs ?? this.timing.cancelDelayMs,
        cancelDrainMs: spec.cancelDrainMs ?? 0,
        ...(spec.content
          ? {
              content: {
                detailedUsage: spec.content.detailedUsage ?? false,
                reportUsage: spec.content.reportUsage ?? false,
                strayResults: spec.content.strayResults ?? 0,
              },
            }
          : {}),
      },
      spec.id,
    );
    const shape = {
      status: spec.status,
      processed: Math.round((spec.completedFraction ?? 0.5) * spec.requests),
      createdAt: spec.createdAt === undefined ? undefined : spec.createdAt * 1000,
    };
    const errors = [
      {
        code: 'missing_required_parameter',
        message: "Missing required parameter: 'custom_id'.",
        param: 'custom_id',
        line: 1,
      },
    ];
    const record = seededRecord(identity, this.timing, now, shape, errors);
    return this.register(record);
  }

  /** The record behind an id, for the files of seeded batches and for tests. */
  record(id: string): BatchRecord {
    const record = this.records.get(id);
    if (!record) throw batchNotFound(id);
    return record;
  }

  view(id: string): Batch {
    return this.render(this.record(id));
  }

  find(id: string): Batch | undefined {
    const record = this.records.get(id);
    return record ? this.render(record) : undefined;
  }

  list(limit: number, after: string | undefined): BatchListPage {
    // Newest first, like OpenAI.
    return listPage([...this.order].reverse(), limit, after, (r) => this.render(r));
  }

  cancel(id: string): Batch {
    const record = this.record(id);
    const now = this.clock();
    const state = evaluate(record, now);
    if (state.status === 'cancelling') return this.render(record);
    if (!isCancellable(state.status)) throw cannotCancel(state.status);
    record.cancellingAt = now;
    return this.render(record);
  }

  private resultFile(record: BatchRecord, state: BatchState, role: ResultRole): string | null {
    const lines =
      role === 'output'
        ? state.succeeded + (record.content?.strayResults ?? 0)
        : state.failed + (state.unprocessedReason ? state.total - state.processed : 0);
    const emptyAllowed = this.emptyErrorFile && role === 'error' && state.status === 'completed';
    if (!hasResultFiles(state) || (lines === 0 && !emptyAllowed)) return null;
    const id = resultFileId(this.seed, record.seq, role);
    if (!this.files.has(id)) {
      const frozen = { ...state };
      const finishedAt = state.completedAt ?? state.cancelledAt ?? state.expiredAt ?? this.clock();
      this.files.add(
        {
          filename: `${record.id}_${role}.jsonl`,
          purpose: 'batch_output',
          createdAt: seconds(finishedAt),
          plan: () => resultPlan(record, frozen, role),
        },
        id,
      );
    }
    return id;
  }

  private render(record: BatchRecord): Batch {
    const state = evaluate(record, this.clock());
    const batch = batchObject(record, state, {
      output: this.resultFile(record, state, 'output'),
      error: this.resultFile(record, state, 'error'),
    });
    return record.content?.reportUsage ? { ...batch, usage: batchUsage(record, state) } : batch;
  }
}
