import { CancelledFailure } from '@temporalio/common';
import { DownloadSlots } from '../../src/activities/download-slots';

describe('DownloadSlots', () => {
  it('lets `size` downloads run and queues the rest in order', async () => {
    const slots = new DownloadSlots(2);
    const signal = new AbortController().signal;
    const a = await slots.acquire(signal);
    const b = await slots.acquire(signal);
    const order: string[] = [];
    const c = slots.acquire(signal).then((release) => (order.push('c'), release));
    const d = slots.acquire(signal).then((release) => (order.push('d'), release));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    expect(slots.waiting).toBe(2);
    a();
    a(); // a second release frees nothing more
    const releaseC = await c;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['c']);
    b();
    releaseC();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    // All free again: two at once, no waiting.
    await slots.acquire(signal);
    await slots.acquire(signal);
    expect(slots.waiting).toBe(0);
  });

  it('gives up waiting when the activity is cancelled, without taking a slot', async () => {
    const slots = new DownloadSlots(1);
    const release = await slots.acquire(new AbortController().signal);
    const cancel = new AbortController();
    const waiting = slots.acquire(cancel.signal);
    cancel.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledFailure);
    expect(slots.waiting).toBe(0);
    release();
    const again = await slots.acquire(new AbortController().signal);
    expect(typeof again).toBe('function');
  });
});
