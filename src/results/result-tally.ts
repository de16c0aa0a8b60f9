/**
 * What the result lines say about each request, across the output and error files: counts for the
 * summary, and per custom_id whether it may be resubmitted. Quarantined lines count too: their
 * custom_id (and status, when readable) is recovered from the raw bytes, so a request that succeeded
 * is never put back into remaining.jsonl just because its result line was damaged.
 */
import { isSuccessfulResult, type BatchResultLine } from '../providers/openai/schemas';
import { UsageTally } from './usage-tally';

/**
 * succeeded: never resubmit. permanent: a 4xx that will fail again (failed-permanent.jsonl).
 * retriable: cancelled, expired, 408/409/429/5xx (remaining.jsonl). unresolved: a damaged result
 * line whose outcome cannot be read: neither file, counted so a person can check the quarantine.
 */
export type Disposition = 'succeeded' | 'permanent' | 'retriable' | 'unresolved';

/** When a custom_id has several results, the most final one decides. */
const RANK: Record<Disposition, number> = { succeeded: 3, permanent: 2, unresolved: 1, retriable: 0 };

const RETRIABLE_STATUS = new Set([408, 409, 429]);

export function dispositionOfStatus(status: number): Disposition {
  if (status >= 200 && status < 300) return 'succeeded';
  if (status >= 400 && status < 500 && !RETRIABLE_STATUS.has(status)) return 'permanent';
  return 'retriable';
}

/** An `error` without a response: the batch never ran the request (cancelled, expired, ...). */
function dispositionOf(line: BatchResultLine): Disposition {
  if (isSuccessfulResult(line)) return 'succeeded';
  if (line.response) return dispositionOfStatus(line.response.status_code);
  return 'retriable';
}

const CUSTOM_ID = /"custom_id"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const STATUS_CODE = /"status_code"\s*:\s*(\d{3})\b/;

/** The custom_id written in a raw (possibly damaged) line, if it can be read. */
export function recoverCustomId(raw: Buffer): string | undefined {
  const m = CUSTOM_ID.exec(raw.toString('utf8'));
  if (!m) return undefined;
  try {
    const id = JSON.parse(`"${m[1]}"`) as string;
    return id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** What a damaged result line says, as far as it can be read. */
export function recoverResult(raw: Buffer): { customId: string; disposition: Disposition } | undefined {
  const customId = recoverCustomId(raw);
  if (customId === undefined) return undefined;
  const status = STATUS_CODE.exec(raw.toString('utf8'));
  return { customId, disposition: status ? dispositionOfStatus(Number(status[1])) : 'unresolved' };
}

const DISPOSITIONS: readonly Disposition[] = ['retriable', 'unresolved', 'permanent', 'succeeded'];
const CODE: Record<Disposition, number> = { retriable: 0, unresolved: 1, permanent: 2, succeeded: 3 };
/** Packed per custom_id: bits 0-1 the disposition, bit 2 "seen in the input", the rest the result count. */
const SEEN = 4;
const ONE_RESULT = 8;

/** What the tally knows about one custom_id once the input has been read. */
export interface IdRecord {
  customId: string;
  /** Result lines naming it (a damaged one counts when its custom_id was recovered). */
  results: number;
  inInput: boolean;
}

export class ResultTally {
  succeeded = 0;
  failedByCode: Record<string, number> = {};
  quarantined = 0;
  /** Quarantined lines whose custom_id was recovered. */
  recovered = 0;
  readonly usage = new UsageTally();
  /**
   * custom_id → packed disposition, input mark and result count. One small number per request,
   * bounded by the API's 50,000 requests per batch (a few MB at that size).
   */
  private readonly byId = new Map<string, number>();

  add(line: BatchResultLine): void {
    const disposition = dispositionOf(line);
    this.note(line.custom_id, disposition);
    if (disposition === 'succeeded') {
      this.succeeded++;
      this.usage.add(line);
      return;
    }
    const code = line.error?.code ?? (line.response ? `http_${line.response.status_code}` : 'unknown');
    this.failedByCode[code] = (this.failedByCode[code] ?? 0) + 1;
  }

  /** A quarantined result line: counted, and its custom_id noted when it can be read. */
  addQuarantined(raw: Buffer): void {
    this.quarantined++;
    const found = recoverResult(raw);
    if (!found) return;
    this.recovered++;
    this.note(found.customId, found.disposition);
  }

  dispositionOf(customId: string): Disposition | undefined {
    const packed = this.byId.get(customId);
    return packed === undefined || packed < ONE_RESULT ? undefined : DISPOSITIONS[packed & 3];
  }

  /** Marks an input line's custom_id; false when an earlier input line already had it. */
  markInput(customId: string): boolean {
    const packed = this.byId.get(customId) ?? 0;
    if (packed & SEEN) return false;
    this.byId.set(customId, packed | SEEN);
    return true;
  }

  /** Every custom_id seen in a result or the input, with what is known of it. */
  *ids(): Generator<IdRecord> {
    for (const [customId, packed] of this.byId)
      yield { customId, results: Math.floor(packed / ONE_RESULT), inInput: (packed & SEEN) !== 0 };
  }

  private note(customId: string, disposition: Disposition): void {
    const packed = this.byId.get(customId);
    if (packed === undefined) {
      this.byId.set(customId, CODE[disposition] + ONE_RESULT);
      return;
    }
    const before = DISPOSITIONS[packed & 3]!;
    const keep = packed < ONE_RESULT || RANK[disposition] > RANK[before] ? CODE[disposition] : CODE[before];
    this.byId.set(customId, packed - (packed & 3) + keep + ONE_RESULT);
  }
}
