/**
 * What one run of cancelBatchWorkflow knows and shows: its progress (the `progress` query), the
 * newest read of the batch, the Web UI details, the search attributes and the stuck marker, and
 * the handlers that feed it (webhook events, the `refresh` update). Deterministic.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { metricMeter, proxyActivities, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { readBatchOptions } from '../contract/activity-options';
import { batchEventSignal, type BatchEvent, type DetectedBy } from '../contract/batch-event';
import { isTerminal } from '../contract/batch-snapshot';
import type { CancelBatchCarry } from '../contract/cancel-carry';
import type { CancelBatchOptions } from '../contract/cancel-input';
import { METRIC } from '../contract/metric-names';
import { accountField } from '../contract/account';
import { progressQuery, refreshUpdate, type BatchSnapshot, type CancelProgress } from '../contract/progress';
import { renderDetails } from './details';
import { makeAttributeReporter } from './report-attributes';

const { readBatchAt } = proxyActivities<Activities>(readBatchOptions);

/** Event ids remembered to drop redelivered duplicates; a batch gets only a few events. */
const MAX_REMEMBERED_EVENTS = 100;

export class CancelRun {
  readonly state: CancelProgress;
  /** Known once the input is validated (the begin step), or carried over. */
  options: CancelBatchOptions | null;
  /** Event ids already seen, newest last. */
  readonly seenEvents: string[];
  /** An event received and not yet confirmed by a read. */
  pendingEvent: BatchEvent | null;
  /** Which path's read first showed the terminal status. */
  terminalBy: DetectedBy | null = null;
  /** Set while a wait attempt runs: ends it (an event arrived, or a refresh read a terminal status). */
  wake: (() => void) | null = null;
  readonly finished = metricMeter.createCounter(METRIC.cancellationsFinished);
  private readonly reportAttributes = makeAttributeReporter();

  constructor(
    readonly batchId: string,
    /** Whose batch: every activity of the run reads and collects through this account. */
    readonly account: string,
    carry: CancelBatchCarry | undefined,
  ) {
    this.options = carry?.options ?? null;
    this.seenEvents = carry ? [...carry.seenEvents] : [];
    this.pendingEvent = carry?.pendingEvent ?? null;
    this.state = carry?.state ?? {
      batchId,
      ...accountField(account),
      phase: 'requesting-cancel',
      batch: null,
      polls: 0,
      startedAt: Date.now(),
      lastReadAt: null,
      nextCheckInBy: null,
      cancelOutcome: null,
      results: null,
    };
  }

  /** Sends `pair` with the next search attribute upsert instead of in one of its own. */
  alsoSend(pair: SearchAttributeUpdatePair): void {
    this.reportAttributes.alsoSend(pair);
  }

  /** When a batch still cancelling counts as stuck: `stuckAfter` from the run's start (never, before the options are known). */
  get stuckAtMs(): number {
    return this.options ? this.state.startedAt + this.options.stuckAfter : Infinity;
  }

  /** Shows the state in the Web UI (nothing before the options are known). */
  report(): void {
    const opts = this.options;
    if (!opts) return;
    setCurrentDetails(
      renderDetails(this.state, {
        maxPollMs: opts.poll.maxInterval,
        webhooks: opts.webhooks,
        stuckAfterMs: opts.stuckAfter,
        now: Date.now(),
      }),
    );
  }

  /** Marks or clears "stuck" and upserts what changed (one command at most). */
  checkIn(): void {
    const cancelling = this.state.batch?.phase === 'cancelling' && this.state.phase === 'waiting';
    this.state.stuck = cancelling && Date.now() >= this.stuckAtMs;
    this.reportAttributes(this.state.batch, this.state.stuck);
  }

  /**
   * Keeps the newest read, by when it was made, not when it arrived; a terminal batch never
   * changes again, so once read no later answer replaces it, and a terminal read always wins.
   * Returns the snapshot the run now holds.
   */
  observe(batch: BatchSnapshot, readAt: number, by: DetectedBy): BatchSnapshot {
    const known = this.state.batch;
    if (known && isTerminal(known)) return known;
    const terminal = isTerminal(batch);
    if (known && !terminal && readAt < (this.state.lastReadAt ?? -Infinity)) return known;
    if (terminal) this.terminalBy = by;
    this.state.batch = batch;
    this.state.lastReadAt = Math.max(readAt, this.state.lastReadAt ?? readAt);
    this.checkIn();
    this.report();
    return batch;
  }

  /** The `progress` query, the `refresh` update and the `batchEvent` signal. */
  listen(): void {
    setHandler(batchEventSignal, (event) => {
      if (this.seenEvents.includes(event.eventId)) return;
      this.seenEvents.push(event.eventId);
      if (this.seenEvents.length > MAX_REMEMBERED_EVENTS) this.seenEvents.shift();
      this.state.webhookEvents = (this.state.webhookEvents ?? 0) + 1;
      // Once terminal, an event changes nothing.
      if (this.state.phase !== 'requesting-cancel' && this.state.phase !== 'waiting') return;
      this.pendingEvent = event;
      this.wake?.();
    });
    setHandler(progressQuery, () => this.state);
    setHandler(refreshUpdate, async () => {
      const read = await readBatchAt.executeWithOptions(
        { ...readBatchOptions, summary: `read ${this.batchId} now` },
        [this.batchId, this.account],
      );
      this.state.polls++;
      const latest = this.observe(read.batch, read.readAt, 'refresh');
      if (isTerminal(latest)) this.wake?.();
      return latest;
    });
  }
}
