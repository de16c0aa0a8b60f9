/**
 * Webhooks, as OpenAI sends them: on every terminal transition of a batch (completed, cancelled,
 * expired, failed) one signed `batch.*` event is POSTed to the configured URL. Faults make it as
 * unreliable as the real thing allows: duplicates, reordering, delay, drops, bad signatures; a 5xx
 * or a network error is retried with backoff, as OpenAI does (at least once, in no given order).
 *
 * Batch state is lazy (src of truth: state.ts), so a watcher looks for transitions every `tickMs`
 * at the simulator's clock; a batch seeded already terminal made no transition and sends nothing.
 */
import { seconds } from './batch-object';
import { hexFrom, unitFloat } from './prng';
import { type BatchRecord, evaluate } from './state';
import { webhookHeaders } from './webhook-signing';

/** Event types per terminal status. */
const EVENT_TYPE = {
  completed: 'batch.completed',
  cancelled: 'batch.cancelled',
  expired: 'batch.expired',
  failed: 'batch.failed',
} as const;
export type WebhookEventType = (typeof EVENT_TYPE)[keyof typeof EVENT_TYPE];

/** Random faults of webhook delivery; rates are probabilities drawn from the seeded PRNG. */
export interface WebhookFaults {
  /** An event is delivered twice (same id). */
  duplicateRate?: number;
  /** An event is never sent: the receiver must not be needed for correctness. */
  dropRate?: number;
  /** An event is sent with a signature made with another secret (then not sent genuinely). */
  badSignatureRate?: number;
  /** Every event waits this long before its first delivery. @default 0 */
  delayMs?: number;
  /**
   * Events becoming due within this window are held and delivered newest first (out of order).
   * @default 0 (in order)
   */
  reorderWindowMs?: number;
}

export interface WebhookOptions {
  /** Where to POST events, e.g. `http://127.0.0.1:8788/openai/webhooks`. */
  url: string;
  /** The endpoint's signing secret, `whsec_<base64>`. */
  secret: string;
  faults?: WebhookFaults;
  /** How often terminal transitions are looked for. @default 50 */
  tickMs?: number;
  /** Delivery attempts per event (5xx and network errors retry). @default 8 */
  maxAttempts?: number;
  /** First retry after this; each next one twice as late, at most 10 s. @default 200 */
  retryInitialMs?: number;
}

/** One delivery attempt, for tests and benchmarks. */
export interface WebhookDelivery {
  eventId: string;
  type: WebhookEventType;
  batchId: string;
  /** Epoch ms (simulator clock) of the batch's terminal transition. */
  transitionAt: number;
  /** Epoch ms (wall clock) the attempt was sent and answered. */
  sentAt: number;
  answeredAt: number;
  attempt: number;
  /** HTTP status, or 0 for a network error. */
  status: number;
  forged: boolean;
  stale: boolean;
}

/** What the sender did so far. */
export interface WebhookSenderStats {
  /** Terminal transitions seen. */
  transitions: number;
  /** Events dropped by the fault plan (never sent). */
  dropped: number;
  /** Each terminal transition seen: batch, event, the transition's instant (simulator clock). */
  events: {
    batchId: string;
    eventId: string;
    type: WebhookEventType;
    transitionAt: number;
    dropped: boolean;
  }[];
  deliveries: WebhookDelivery[];
}

/** An event sent by hand (tests): any type for any batch, optionally stale or forged. */
export interface ManualWebhook {
  batchId: string;
  type: WebhookEventType;
  /** Reuse an event id (a redelivery). @default a new one */
  eventId?: string;
  /** Sign with a timestamp this many seconds in the past (a replayed event). @default 0 */
  ageSeconds?: number;
  /** Sign with another secret. @default false */
  forged?: boolean;
}

interface PendingEvent {
  eventId: string;
  type: WebhookEventType;
  batchId: string;
  transitionAt: number;
  forged: boolean;
  ageSeconds: number;
}

const FORGED_SECRET = `whsec_${Buffer.from('not the endpoint secret at all!!').toString('base64')}`;
const SALT = { id: 1, duplicate: 2, drop: 3, forge: 4 } as const;

export class WebhookSender {
  private readonly watched = new Map<string, BatchRecord>();
  private readonly timer: NodeJS.Timeout;
  private readonly held: PendingEvent[] = [];
  private holdTimer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private closed = false;
  private readonly counts = { transitions: 0, dropped: 0 };
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly events: WebhookSenderStats['events'] = [];

  constructor(
    private readonly opts: WebhookOptions,
    private readonly seed: number,
    private readonly clock: () => number,
  ) {
    this.timer = setInterval(() => this.scan(), opts.tickMs ?? 50);
    this.timer.unref();
  }

  /** Called for each new batch: one already terminal made no transition and is not watched. */
  register(record: BatchRecord): void {
    if (!isTerminal(evaluate(record, this.clock()).status)) this.watched.set(record.id, record);
  }

  private scan(): void {
    const now = this.clock();
    for (const [id, record] of this.watched) {
      const state = evaluate(record, now);
      if (!isTerminal(state.status)) continue;
      this.watched.delete(id);
      this.counts.transitions++;
      const transitionAt = state.cancelledAt ?? state.completedAt ?? state.expiredAt ?? state.failedAt ?? now;
      this.emit(id, EVENT_TYPE[state.status as keyof typeof EVENT_TYPE], transitionAt);
    }
  }

  private nextEventId(): string {
    this.seq++;
    return `evt_${hexFrom(24, this.seed, this.seq, SALT.id)}`;
  }

  private emit(batchId: string, type: WebhookEventType, transitionAt: number): void {
    const faults = this.opts.faults ?? {};
    const n = this.seq + 1;
    const event: PendingEvent = {
      eventId: this.nextEventId(),
      type,
      batchId,
      transitionAt,
      forged: unitFloat(this.seed, n, SALT.forge) < (faults.badSignatureRate ?? 0),
      ageSeconds: 0,
    };
    const dropped = unitFloat(this.seed, n, SALT.drop) < (faults.dropRate ?? 0);
    this.events.push({ batchId, eventId: event.eventId, type, transitionAt, dropped });
    if (dropped) {
      this.counts.dropped++;
      return;
    }
    const copies = unitFloat(this.seed, n, SALT.duplicate) < (faults.duplicateRate ?? 0) ? 2 : 1;
    const window = faults.reorderWindowMs ?? 0;
    for (let i = 0; i < copies; i++) {
      if (window > 0) this.hold(event, window);
      else this.later(faults.delayMs ?? 0, () => this.deliver(event, 1));
    }
  }

  /** Holds events for the window, then delivers them newest first. */
  private hold(event: PendingEvent, window: number): void {
    this.held.push(event);
    if (this.holdTimer) return;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null;
      const batch = this.held.splice(0).reverse();
      for (const e of batch) this.later(this.opts.faults?.delayMs ?? 0, () => this.deliver(e, 1));
    }, window);
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      fn();
    }, ms);
    this.retryTimers.add(t);
  }

  private deliver(event: PendingEvent, attempt: number): void {
    if (this.closed) return;
    const p: Promise<void> = this.post(event, attempt).then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async post(event: PendingEvent, attempt: number): Promise<WebhookDelivery> {
    const body = JSON.stringify({
      id: event.eventId,
      object: 'event',
      created_at: seconds(event.transitionAt),
      type: event.type,
      data: { id: event.batchId },
    });
    const timestamp = Math.floor(Date.now() / 1000) - event.ageSeconds;
    const secret = event.forged ? FORGED_SECRET : this.opts.secret;
    const sentAt = Date.now();
    let status = 0;
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: webhookHeaders(secret, event.eventId, timestamp, body),
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = 0;
    }
    const delivery: WebhookDelivery = {
      eventId: event.eventId,
      type: event.type,
      batchId: event.batchId,
      transitionAt: event.transitionAt,
      sentAt,
      answeredAt: Date.now(),
      attempt,
      status,
      forged: event.forged,
      stale: event.ageSeconds > 0,
    };
    this.deliveries.push(delivery);
    const retryable = status === 0 || status >= 500;
    if (retryable && attempt < (this.opts.maxAttempts ?? 8)) {
      const backoff = Math.min(10_000, (this.opts.retryInitialMs ?? 200) * 2 ** (attempt - 1));
      this.later(backoff, () => this.deliver(event, attempt + 1));
    }
    return delivery;
  }

  /** Sends one event now, outside the fault plan (tests: stale replays, forgeries, stray types). */
  async send(manual: ManualWebhook): Promise<WebhookDelivery> {
    const event: PendingEvent = {
      eventId: manual.eventId ?? this.nextEventId(),
      type: manual.type,
      batchId: manual.batchId,
      transitionAt: this.clock(),
      forged: manual.forged ?? false,
      ageSeconds: manual.ageSeconds ?? 0,
    };
    return this.post(event, 1);
  }

  /** Replaces the fault plan for events from now on. */
  setFaults(faults: WebhookFaults): void {
    this.opts.faults = faults;
  }

  stats(): WebhookSenderStats {
    return { ...this.counts, events: [...this.events], deliveries: [...this.deliveries] };
  }

  /** Stops watching and retrying; waits for deliveries in flight. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    for (const t of this.retryTimers) clearTimeout(t);
    await Promise.allSettled([...this.inFlight]);
  }
}

function isTerminal(status: string): status is keyof typeof EVENT_TYPE {
  return status in EVENT_TYPE;
}
