/**
 * What the result lines say about each request, across the output and error files: counts for the
 * summary, and per custom_id whether it may be resubmitted. Lines arrive classified by their
 * provider. Quarantined lines count too: their custom_id (and outcome, when readable) is recovered
 * from the raw bytes by the provider, so a request that succeeded
 * is never put back into remaining.jsonl just because its result line was damaged.
 */
import type { ClassifiedResult, RecoveredResult, ResultDisposition } from '../providers/types';
import { UsageTally } from './usage-tally';

/**
 * A request's disposition (providers/types.ts), or unresolved: a damaged result line whose outcome
 * cannot be read, in neither file, counted so a person can check the quarantine.
 */
export type Disposition = ResultDisposition | 'unresolved';

/** When a custom_id has several results, the most final one decides. */
const RANK: Record<Disposition, number> = { succeeded: 3, permanent: 2, unresolved: 1, retriable: 0 };

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

  add(line: ClassifiedResult): void {
    this.note(line.customId, line.disposition);
    if (line.disposition === 'succeeded') {
      this.succeeded++;
      this.usage.add(line.model, line.tokens);
      return;
    }
    const code = line.failureCode ?? 'unknown';
    this.failedByCode[code] = (this.failedByCode[code] ?? 0) + 1;
  }

  /**
   * A quarantined result line: counted, and its custom_id noted when it can be read (`found`: what
   * its provider recovered from the raw bytes).
   */
  addQuarantined(found: RecoveredResult | undefined): void {
    this.quarantined++;
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
