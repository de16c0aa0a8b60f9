/**
 * The reconciliation of a collection: each input custom_id placed in exactly one outcome, and
 * whatever does not fit (a duplicated input id, a result for an id not in the input, an id with
 * several results, a damaged result line whose id cannot be read) reported.
 */
import { MAX_UNBALANCED_IDS, type Reconciliation } from '../contract/results';
import type { ResultTally } from './result-tally';

/** Where one input line went (see write-remaining.ts). */
export type InputOutcome = 'succeeded' | 'failedPermanent' | 'remaining' | 'quarantined';

export class Reconciler {
  private inputLines = 0;
  private duplicates = 0;
  private readonly counts: Record<InputOutcome, number> = {
    succeeded: 0,
    failedPermanent: 0,
    remaining: 0,
    quarantined: 0,
  };
  private readonly duplicated: string[] = [];

  constructor(private readonly tally: ResultTally) {}

  /**
   * One input line: counted under its outcome, or as a duplicate when an earlier line had the
   * same custom_id (an input line without a readable custom_id goes to remaining).
   */
  input(customId: string | undefined, outcome: InputOutcome): void {
    this.inputLines++;
    if (customId !== undefined && !this.tally.markInput(customId)) {
      this.duplicates++;
      if (this.duplicated.length < MAX_UNBALANCED_IDS) this.duplicated.push(customId);
      return;
    }
    this.counts[outcome]++;
  }

  /** Once every input line has been seen. */
  result(): Reconciliation {
    const odd = new Set(this.duplicated);
    const duplicatedIds = odd.size;
    for (const id of this.tally.ids()) {
      if (odd.size >= MAX_UNBALANCED_IDS) break;
      if (!id.inInput && id.results > 0) odd.add(id.customId);
      else if (id.results > 1 && !odd.has(id.customId)) odd.add(id.customId);
    }
    let stray = odd.size > duplicatedIds;
    // The loop above stops at the cap: check the rest without listing it.
    if (!stray && odd.size >= MAX_UNBALANCED_IDS) {
      for (const id of this.tally.ids()) if (!id.inInput || id.results > 1) stray = true;
    }
    const unplaced = this.tally.quarantined - this.tally.recovered;
    return {
      inputLines: this.inputLines,
      ...this.counts,
      duplicates: this.duplicates,
      balanced: this.duplicates === 0 && !stray && unplaced === 0,
      unbalancedIds: [...odd].slice(0, MAX_UNBALANCED_IDS),
    };
  }
}
