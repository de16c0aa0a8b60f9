/** The markdown shown as "current details" in the Temporal UI. */
import type { DetectedBy } from '../contract/batch-event';
import type { CancelProgress } from '../contract/progress';
import {
  describeBatchReported,
  describeFailureReason,
  describeReconciliation,
  describeTokens,
  nextStep,
} from '../contract/salvage-report';

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `45s` under two minutes (scaled-down tests), `34 min` above. */
function span(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)} min`;
}

export interface DetailsOptions {
  maxPollMs: number;
  /** Webhook events end the wait: the poll is the fallback. */
  webhooks?: boolean;
  stuckAfterMs: number;
  /** Workflow time of this report. */
  now: number;
}

const SEEN_BY: Record<DetectedBy, string> = {
  webhook: 'webhook (an OpenAI event ended the wait; a read confirmed it)',
  poll: 'poll',
  refresh: 'refresh (a `refresh` update read it)',
};

export function renderDetails(state: CancelProgress, opts: DetailsOptions): string {
  const account = state.account ? ` · **account** \`${state.account}\`` : '';
  const lines = [`**Batch** \`${state.batchId}\`${account} · **phase** ${state.phase}`];
  if (state.stuck) {
    lines.push(
      `**⚠ Stuck** still cancelling after ${span(opts.now - state.startedAt)} ` +
        `(threshold ${span(opts.stuckAfterMs)}): OpenAI has not finished the cancel. ` +
        `The wait goes on; check the batch in the OpenAI dashboard or contact OpenAI support.`,
    );
  }
  const b = state.batch;
  if (b) {
    const c = b.requestCounts;
    lines.push(`**Status** ${b.status}`);
    lines.push(`**Requests** ${c.succeeded} succeeded, ${c.failed} failed, ${c.total} total`);
    if (b.errors) lines.push(`**Failed because** ${describeFailureReason(b.errors).join('; ')}`);
  } else {
    lines.push('**Status** not read yet');
  }
  lines.push(`**Reads** ${state.polls}${state.lastReadAt ? ` (last ${iso(state.lastReadAt)})` : ''}`);
  if (state.detectedBy) {
    lines.push(`**Seen terminal by** ${SEEN_BY[state.detectedBy]}`);
  }
  if (state.webhookEvents) lines.push(`**Webhook events** ${state.webhookEvents}`);
  if (state.phase === 'waiting' && state.nextCheckInBy) {
    lines.push(
      `**Next poll** within ${Math.round(opts.maxPollMs / 1000)}s` +
        `${opts.webhooks ? ' (fallback: a webhook event ends the wait at once)' : ''}` +
        ` · next check-in by ${iso(state.nextCheckInBy)}`,
    );
    lines.push(
      `**Live** this page is as of the last check-in; the pending \`awaitTerminal\` activity's ` +
        `heartbeat details hold the latest read (status, counts, reads), as does ` +
        `\`openai-batch-cancel watch ${state.batchId}${state.account ? ` --account ${state.account}` : ''}\`.`,
    );
  }
  if (state.results) {
    const r = state.results;
    lines.push(`**Results** ${r.succeeded} succeeded, ${r.quarantined} quarantined → \`${r.directory}\``);
    if (r.reconciliation) {
      const text = describeReconciliation(r.reconciliation);
      lines.push(r.reconciliation.balanced ? `**Reconciliation** ${text}` : `**⚠ Reconciliation** ${text}`);
    }
    for (const [model, u] of Object.entries(r.usage?.byModel ?? {}))
      lines.push(`**Tokens** \`${model}\` ${u.requests} requests: ${describeTokens(u)}`);
    const reported = r.usage ? describeBatchReported(r.usage) : null;
    if (reported) lines.push(`**Batch usage** ${reported}`);
    const next = nextStep(r);
    if (next) lines.push(`**Next step** \`${next}\``);
  }
  return lines.join('\n\n');
}
