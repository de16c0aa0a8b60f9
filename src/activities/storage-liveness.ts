/**
 * Liveness of a collection's storage work. The stall gate (collect-results.ts) stops heartbeating
 * when no downloaded byte moved for a while, so a dead download ends its attempt at the heartbeat
 * timeout. Storage work moves no downloaded byte: an fsync of a large file on a busy network
 * volume, or the re-hash of a committed file, can take longer than the heartbeat timeout, and
 * each retry then downloaded everything again and timed out again, forever. While a storage call
 * runs it counts as alive until it has been quiet (no chunk hashed, no call finished) for
 * `maxQuietMs`; a call hung longer than that (a dead disk) still ends the attempt, and the next
 * attempt counts it as a storage failure (`storing` in the heartbeat details).
 */
export class StorageLiveness {
  private running = 0;
  private what: string | undefined;
  private activeAt = 0;

  constructor(
    private readonly maxQuietMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs one storage call (`what`, e.g. "commit output") under the gate. */
  async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    this.running++;
    this.what = what;
    this.activeAt = this.now();
    try {
      return await op();
    } finally {
      this.running--;
      this.activeAt = this.now();
      if (this.running === 0) this.what = undefined;
    }
  }

  /** The storage call made progress (a chunk was hashed). */
  touch(): void {
    this.activeAt = this.now();
  }

  /** The storage call running now, if any: heartbeated, so a retry knows its attempt died in one. */
  get current(): string | undefined {
    return this.what;
  }

  /** Undefined when no storage call runs; otherwise whether it has been quiet less than the bound. */
  alive(): boolean | undefined {
    if (this.running === 0) return undefined;
    return this.now() - this.activeAt < this.maxQuietMs;
  }

  /** When storage work last moved (started, progressed or finished); 0 before any. */
  get lastActiveAt(): number {
    return this.activeAt;
  }
}
