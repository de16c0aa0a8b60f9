/** The markdown shown as "current details" in the Temporal UI. */
import type { CancelProgress } from '../shared/progress';

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function renderDetails(state: CancelProgress, maxPollMs: number): string {
  const lines = [`**Batch** \`${state.batchId}\` · **phase** ${state.phase}`];
  const b = state.batch;
  if (b) {
    const c = b.requestCounts;
    lines.push(`**Status** ${b.status}`);
    lines.push(`**Requests** ${c.completed} completed, ${c.failed} failed, ${c.total} total`);
  } else {
    lines.push('**Status** not read yet');
  }
  lines.push(`**Reads** ${state.polls}${state.lastReadAt ? ` (last ${iso(state.lastReadAt)})` : ''}`);
  if (state.phase === 'waiting' && state.nextCheckInBy) {
    lines.push(
      `**Next poll** within ${Math.round(maxPollMs / 1000)}s · next report by ${iso(state.nextCheckInBy)}`,
    );
  }
  if (state.results) {
    const r = state.results;
    lines.push(`**Results** ${r.succeeded} succeeded, ${r.quarantined} quarantined → \`${r.directory}\``);
  }
  return lines.join('\n\n');
}
