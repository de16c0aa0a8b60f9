/**
 * Bounds the downloads running at once on one worker. Activity slots are many (a wait reading
 * frequent polls holds one while it sleeps, which costs nothing), but each download holds buffers,
 * a socket and a file: more slots must not mean more downloads at once.
 */
import { CancelledFailure } from '@temporalio/common';

export class DownloadSlots {
  private free: number;
  private readonly queue: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Waits for a free slot (or the signal's abort); returns the function that frees it. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    if (this.free > 0) {
      this.free--;
    } else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = this.queue.indexOf(grant);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new CancelledFailure('cancelled while waiting for a download slot'));
        };
        const grant = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        this.queue.push(grant);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // A freed slot passes straight to the next waiter, so the count never goes above `size`.
      if (next) next();
      else this.free++;
    };
  }

  /** Downloads waiting for a slot (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }
}
