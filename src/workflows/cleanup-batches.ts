/**
 * cleanupBatchesWorkflow: walks the batch list page by page (newest first, back to the policy's
 * lookback) and, per batch, starts a `cancelBatchWorkflow` child to cancel it (non-terminal and
 * stale or past its deadline) or to collect its results (already terminal). Children use the
 * cancel workflow's own id and ALLOW_DUPLICATE_FAILED_ONLY: a batch whose cancellation is running
 * or completed (from any run, schedule or CLI) is skipped, one whose cancellation failed is tried
 * again. Children are started at a bounded rate, then awaited together; they are ABANDONed so they
 * outlive the cleanup. Each batch is a `cleanupChildWorkflow` that runs the cancellation and
 * returns a small outcome (the full result stays in the cancellation's history), and a run
 * continues as new before its history passes MAX_CLEANUP_EVENTS_PER_RUN.
 * Deterministic: no I/O here.
 */
import { continueAsNew, proxyActivities, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CleanupKind } from './cleanup-child';
import { cleanupTally, startCleanupChild } from './cleanup-start';
import { accountField } from '../contract/account';
import type { CleanupPolicy, CleanupPolicyInput } from '../contract/cleanup-policy';
import {
  emptyCleanupSummary,
  type BatchSummary,
  type CleanupCarry,
  type CleanupSummary,
} from '../contract/cleanup-summary';
import { selectBatch } from '../contract/cleanup-select';
import { invalidInputFailure } from '../contract/failure-types';
import { listBatchesPageOptions } from '../contract/activity-options';
import { loadCancelInputSchema, loadCleanupPolicySchema } from './lazy-schemas';

const { listBatchesPage } = proxyActivities<Activities>(listBatchesPageOptions);

/**
 * A run continues as new before its history would pass this many events, counting what the
 * children in flight and the next page may still add (EVENTS_PER_CHILD each): far below
 * Temporal's 10,240-event warning, whatever the page size and pages per run.
 */
export const MAX_CLEANUP_EVENTS_PER_RUN = 2_500;
/** A child's start, its started and completed events, and a share of the workflow tasks and timers. */
const EVENTS_PER_CHILD = 8;

/** Children awaited at once: far below the server's limit of pending children per workflow (2000). */
const MAX_PENDING_CHILDREN = 1000;

function parsePolicy(raw: CleanupPolicyInput): CleanupPolicy {
  const { CleanupPolicySchema } = loadCleanupPolicySchema();
  const { describeZodError } = loadCancelInputSchema();
  const parsed = CleanupPolicySchema.safeParse(raw);
  if (!parsed.success) {
    throw invalidInputFailure('cleanupBatchesWorkflow policy', describeZodError(parsed.error));
  }
  return parsed.data;
}

export async function cleanupBatchesWorkflow(
  rawPolicy: CleanupPolicyInput,
  carry?: CleanupCarry,
): Promise<CleanupSummary> {
  const policy = parsePolicy(rawPolicy);
  const totals = carry?.totals ?? emptyCleanupSummary(policy.dryRun);
  totals.runs++;
  let after = carry?.after ?? null;
  const metadataKeys = [policy.deadlineMetadataKey, policy.metadataFilter?.key].filter(
    (k): k is string => k !== undefined,
  );

  const tally = cleanupTally(totals);
  const { skip } = tally;
  const report = (note: string) =>
    setCurrentDetails(
      `**Cleanup** ${policy.dryRun ? '(dry run) ' : ''}${note}\n\n` +
        `scanned ${totals.scanned} · cancelled ${totals.cancelled} · collected ${totals.collected} · ` +
        `errors ${totals.errors.length}`,
    );
  type Kind = CleanupKind;
  const startOne = (batch: BatchSummary, kind: Kind, why: string) =>
    startCleanupChild({ batch, kind, why }, policy, tally);

  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    const tracked: Promise<void> = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  // Up to maxConcurrentChildren starts per second, never waiting for a result.
  let nextGroupAt = 0;
  const launchPaced = async (group: { batch: BatchSummary; kind: Kind; why: string }[]) => {
    while (inFlight.size + group.length > MAX_PENDING_CHILDREN) await Promise.race(inFlight);
    const wait = nextGroupAt - Date.now();
    if (wait > 0) await sleep(wait);
    nextGroupAt = Date.now() + 1000;
    const children = await Promise.all(group.map((c) => startOne(c.batch, c.kind, c.why)));
    for (const child of children) if (child) track(child.finish());
  };

  for (let pages = 0; ; pages++) {
    // What the history holds, what the children in flight and the next page may still add.
    const eventsBy = workflowInfo().historyLength + (inFlight.size + policy.pageSize) * EVENTS_PER_CHILD;
    const overBudget = eventsBy >= MAX_CLEANUP_EVENTS_PER_RUN;
    if (pages >= policy.pagesPerRun || workflowInfo().continueAsNewSuggested || overBudget) {
      report(`continuing as new after ${after}`);
      await Promise.all(inFlight);
      return continueAsNew<typeof cleanupBatchesWorkflow>(rawPolicy, { after, totals });
    }
    report(`listing page ${pages + 1} of this run`);
    const page = await listBatchesPage.executeWithOptions(
      { ...listBatchesPageOptions, summary: `list batches after ${after ?? '(start)'}` },
      [{ after, limit: policy.pageSize, metadataKeys, ...accountField(policy.account) }],
    );
    totals.scanned += page.batches.length;
    const nowMs = Date.now();
    const candidates: { batch: BatchSummary; kind: Kind; why: string }[] = [];
    let pastLookback = false;
    for (const batch of page.batches) {
      if (nowMs - batch.createdAt * 1000 > policy.lookback) {
        // Newest first: this batch and every later one are older than the window.
        pastLookback = true;
        skip('older-than-lookback');
        continue;
      }
      const decision = selectBatch(batch, policy, nowMs);
      if (decision.action === 'skip') {
        skip(decision.reason);
        continue;
      }
      if (policy.dryRun) {
        if (decision.action === 'cancel') totals.cancelled++;
        else totals.collected++;
        continue;
      }
      const why =
        decision.action === 'cancel' ? decision.why : `${batch.outcome ?? batch.status}, collect results`;
      candidates.push({ batch, kind: decision.action, why });
    }
    for (let i = 0; i < candidates.length; i += policy.maxConcurrentChildren) {
      await launchPaced(candidates.slice(i, i + policy.maxConcurrentChildren));
    }
    if (pastLookback || !page.hasMore || page.lastId === null) break;
    after = page.lastId;
  }
  await Promise.all(inFlight);
  report('done');
  return totals;
}
