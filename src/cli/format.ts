/** Human-readable text for progress, results and listings. `--json` output bypasses this file. */
import { DEFAULT_ACCOUNT } from '../contract/account';
import { workflowColumn } from './failing-task';
import type { CancellationListing, CancellationStart } from '../client/cancellations';
import type { CancelProgress, RequestCounts } from '../contract/progress';
import type { CancelBatchResult, ResultsSummary } from '../contract/results';
import { costOf, costReport, describeCost, type PriceTable } from './prices';
import {
  describeBatchReported,
  describeFailureReason,
  describeReconciliation,
  describeTokens,
  nextStep,
} from '../contract/salvage-report';
import type { ProgressView } from './read-progress';

/** `950ms`, `12s`, `1m 05s`, `2h 03m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.floor(ms / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `40 succeeded, 2 failed, 50 total`. */
export function requestsText(c: RequestCounts): string {
  return `${c.succeeded} succeeded, ${c.failed} failed, ${c.total} total`;
}

function counts(p: Pick<CancelProgress, 'batch'>): string {
  const c = p.batch?.requestCounts;
  return c ? `${c.succeeded}/${c.failed}/${c.total}` : '-/-/-';
}

/** Elapsed time of a cancellation: until now while it runs, until it finished afterwards. */
export function elapsedOf(view: ProgressView, now: number): number {
  if (view.result) return view.result.timings.finishedAt - view.result.timings.startedAt;
  return view.progress ? now - view.progress.startedAt : 0;
}

/** One line: `batch_x  cancelling  120/12/300 done/failed/total  elapsed 1m 05s  reads 7  waiting`. */
export function progressLine(view: ProgressView, now = Date.now()): string {
  const p = view.progress;
  const status = p?.batch?.status ?? 'unknown';
  const phase = p?.phase ?? view.workflowStatus.toLowerCase();
  return [
    view.batchId,
    status.padEnd(11),
    `${counts({ batch: p?.batch ?? null })} succeeded/failed/total`,
    `elapsed ${formatDuration(elapsedOf(view, now))}`,
    `reads ${p?.polls ?? 0}${p?.lastReadAt && !view.result ? ` (last ${formatDuration(now - p.lastReadAt)} ago)` : ''}`,
    p?.stuck ? `${phase} STUCK` : phase,
  ].join('  ');
}

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

function resultsRows(r: ResultsSummary): [string, string][] {
  const failed = Object.entries(r.failedByCode)
    .map(([code, n]) => `${code}=${n}`)
    .join(', ');
  const rows: [string, string][] = [
    ['succeeded', `${r.succeeded} results${failed ? `; not succeeded: ${failed}` : ''}`],
  ];
  if (r.output) rows.push(['output', `${r.output.path} (${r.output.lines} lines)`]);
  if (r.errors) rows.push(['errors', `${r.errors.path} (${r.errors.lines} lines)`]);
  if (r.quarantinePath && r.quarantined > 0)
    rows.push(['quarantined', `${r.quarantinePath} (${r.quarantined} lines)`]);
  if (r.quarantineRecovered)
    rows.push(['recovered', `${r.quarantineRecovered} quarantined lines still named their custom_id`]);
  if (r.remaining) {
    const skipped = r.remaining.succeededSkipped
      ? `; ${r.remaining.succeededSkipped} succeeded, left out`
      : '';
    rows.push(['remaining', `${r.remaining.path} (${r.remaining.lines} lines to resubmit${skipped})`]);
    if (r.remaining.failedPermanent)
      rows.push([
        'failed for good',
        `${r.remaining.failedPermanent.path} (${r.remaining.failedPermanent.lines} lines that a resubmission would fail again)`,
      ]);
    if (r.remaining.unresolved)
      rows.push([
        'unresolved',
        `${r.remaining.unresolved} lines left out: their result is damaged, see quarantined`,
      ]);
  } else if (r.remainingUnavailable) {
    rows.push(['remaining', `not written: ${r.remainingUnavailable.reason}`]);
  }
  rows.push(['summary', r.summaryPath]);
  return rows;
}

/** The salvage report: does it add up, tokens by model (and cost with a price table), next step. */
export function salvageRows(r: ResultsSummary, prices?: PriceTable): [string, string][] {
  const rows: [string, string][] = [];
  if (r.reconciliation) rows.push(['reconciliation', describeReconciliation(r.reconciliation)]);
  else if (r.reconciliation === null)
    rows.push(['reconciliation', 'not done: the input file could not be read']);
  for (const [model, u] of Object.entries(r.usage?.byModel ?? {})) {
    const cost = prices ? describeCost(costOf(model, u, prices)) : '';
    rows.push([`tokens ${model}`, `${u.requests} requests: ${describeTokens(u)}${cost}`]);
  }
  const reported = r.usage ? describeBatchReported(r.usage) : null;
  if (reported) rows.push(['batch usage', reported]);
  rows.push(['next step', nextStep(r) ?? 'nothing to resubmit']);
  return rows;
}

/** Several lines describing what a `status` query found. */
export function progressDetails(view: ProgressView, now = Date.now()): string {
  const p = view.progress;
  const rows: [string, string][] = [
    ['batch', view.batchId],
    ...(view.account ? [['account', view.account] as [string, string]] : []),
    ['workflow', `${view.workflowId} (${view.workflowStatus})`],
  ];
  if (view.failure) rows.push(['failure', view.failure]);
  if (p) {
    const c = p.batch?.requestCounts;
    rows.push(['phase', p.phase]);
    rows.push([
      'batch status',
      `${p.batch?.status ?? 'not read yet'}${p.cancelOutcome ? ` (${p.cancelOutcome})` : ''}`,
    ]);
    rows.push(['requests', c ? requestsText(c) : 'unknown']);
    // A finished run reads no more: "last read 20s ago" would only age.
    const last = p.lastReadAt && !view.result ? `, last read ${formatDuration(now - p.lastReadAt)} ago` : '';
    const next =
      p.nextCheckInBy && !view.result
        ? `, next check-in within ${formatDuration(p.nextCheckInBy - now)}`
        : '';
    rows.push(['elapsed', `${formatDuration(elapsedOf(view, now))}, ${p.polls} reads${last}${next}`]);
    if (p.live?.nextReadAt && !view.result)
      rows.push(['next read', `in ${formatDuration(p.live.nextReadAt - now)} (attempt ${p.live.attempt})`]);
    if (p.stuck)
      rows.push(['stuck', 'still cancelling past the stuck threshold; OpenAI has not finished the cancel']);
    if (p.detectedBy || p.webhookEvents) {
      const events = p.webhookEvents ? `${p.webhookEvents} webhook event(s)` : 'no webhook events';
      rows.push(['seen terminal by', `${p.detectedBy ?? 'not yet'} (${events})`]);
    }
    if (p.results) rows.push(...resultsRows(p.results));
  }
  return table(rows);
}

/** Several lines summing up a finished cancellation, where its results are, and the salvage report. */
export function resultText(r: CancelBatchResult, prices?: PriceTable): string {
  const c = r.requestCounts;
  const rows: [string, string][] = [
    ['batch', `${r.batchId}: ${r.finalStatus} (${r.cancelOutcome})`],
    ...(r.account ? [['account', r.account] as [string, string]] : []),
    ['requests', requestsText(c)],
    ['took', `${formatDuration(r.timings.finishedAt - r.timings.startedAt)}, ${r.polls} reads`],
  ];
  if (r.batch.errors) rows.push(['failed because', describeFailureReason(r.batch.errors).join('; ')]);
  if (r.results) rows.push(...resultsRows(r.results), ...salvageRows(r.results, prices));
  else rows.push(['results', 'not collected']);
  return table(rows);
}

/** The result for `--json`: as returned, plus `cost` when a price table was given. */
export function withCost(r: CancelBatchResult, prices?: PriceTable): CancelBatchResult & { cost?: unknown } {
  if (!prices || !r.results?.usage) return r;
  return { ...r, cost: costReport(r.results.usage.byModel, prices) };
}

/** One line saying what `cancel` found and did for a batch. */
export function startText(batchId: string, s: CancellationStart): string {
  const prev = s.previous;
  switch (s.outcome) {
    case 'started':
      return `${batchId}: cancellation started (run ${s.runId})`;
    case 'already-running':
      return `${batchId}: cancellation already running (run ${s.runId}); nothing new started`;
    case 'already-finished': {
      const r = s.result;
      const where = r?.results ? `, results in ${r.results.summaryPath}` : '';
      return `${batchId}: already finished: ${r?.finalStatus ?? 'unknown'} (${r?.cancelOutcome ?? '-'})${where}; pass --rerun to collect again`;
    }
    case 'restarted-after-failure':
      return (
        `${batchId}: cancellation restarted after the previous run ${prev?.status ?? 'failed'}` +
        `${prev?.failure ? ` (${prev.failure})` : ''} (run ${s.runId})`
      );
    case 'rerun-after-finish':
      return `${batchId}: cancellation started again (--rerun; the previous run completed) (run ${s.runId})`;
  }
}

/** A table of cancellations, newest first. */
export function listingTable(rows: (CancellationListing & { failure?: string })[]): string {
  if (rows.length === 0) return 'no cancellations found';
  // Why a run failed, only when one did: `unknown - FAILED` alone says nothing.
  const reasons = rows.some((r) => r.failure);
  // Which account, only when one is not the default: setups without accounts see what they saw.
  const accounts = rows.some((r) => r.account !== DEFAULT_ACCOUNT);
  const header = [
    ...(accounts ? ['ACCOUNT'] : []),
    'BATCH',
    'BATCH STATUS',
    'REQUESTS',
    'WORKFLOW',
    'STARTED',
    'CLOSED',
  ];
  if (reasons) header.push('REASON');
  const body = rows.map((r) => [
    ...(accounts ? [r.account] : []),
    r.batchId,
    `${r.batchStatus ?? '-'}${r.stuck ? ' (STUCK)' : ''}`,
    r.requestCounts ? `${r.requestCounts.succeeded}/${r.requestCounts.failed}/${r.requestCounts.total}` : '-',
    workflowColumn(r),
    r.startTime.toISOString(),
    r.closeTime?.toISOString() ?? '-',
    ...(reasons ? [r.failure ?? ''] : []),
  ]);
  return columns([header, ...body]);
}

/** Rows as aligned columns, two spaces apart (the first row is the header). */
export function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((cols) =>
      cols
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
