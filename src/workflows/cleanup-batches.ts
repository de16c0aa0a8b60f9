/**
 * cleanupBatchesWorkflow: walks the batch list page by page (newest first, back to the policy's
 * lookback) and, per batch, starts a `cancelBatchWorkflow` child to cancel it (non-terminal and
 * stale or past its deadline) or to collect its results (already terminal). Children use the
 * cancel workflow's own id and ALLOW_DUPLICATE_FAILED_ONLY: a batch whose cancellation is running
 * or completed (from any run, schedule or CLI) is skipped, one whose cancellation failed is tried
 * again. Children are started at a bounded rate, then awaited together; they are ABANDONed so they
 * outlive the cleanup. Deterministic: no I/O here.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ChildWorkflowFailure,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  sleep,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CancelBatchInput } from '../shared/cancel-input';
import type { CleanupPolicy, CleanupPolicyInput } from '../shared/cleanup-policy';
import {
  emptyCleanupSummary,
  MAX_REPORTED_ERRORS,
  type BatchSummary,
  type CleanupCarry,
  type CleanupSummary,
  type SkipReason,
} from '../shared/cleanup-summary';
import { selectBatch } from '../shared/cleanup-select';
import { cancelWorkflowId } from '../shared/constants';
import { invalidInputFailure } from '../shared/failure-types';
import { OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from '../shared/search-attributes';
import type { cancelBatchWorkflow } from './cancel-batch';
import { deleteFilesOptions, listBatchesPageOptions } from './activity-options';
import { loadCancelInputSchema, loadCleanupPolicySchema } from './lazy-schemas';

const { listBatchesPage } = proxyActivities<Activities>(listBatchesPageOptions);
const { deleteFiles } = proxyActivities<Activities>(deleteFilesOptions);

/**
 * Marks runs that start children at a bounded rate and await them together, restart failed
 * children and stop paging at the lookback. Older histories replay the earlier path.
 */
const PACED_STARTS_PATCH = 'cleanup-paced-starts-lookback';

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

function errorMessage(err: unknown): string {
  if (err instanceof ChildWorkflowFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
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

  const skip = (reason: SkipReason) => {
    totals.skipped[reason] = (totals.skipped[reason] ?? 0) + 1;
  };
  const fail = (batchId: string, err: unknown) => {
    if (totals.errors.length < MAX_REPORTED_ERRORS)
      totals.errors.push({ batchId, message: errorMessage(err) });
  };
  const report = (note: string) =>
    setCurrentDetails(
      `**Cleanup** ${policy.dryRun ? '(dry run) ' : ''}${note}\n\n` +
        `scanned ${totals.scanned} · cancelled ${totals.cancelled} · collected ${totals.collected} · ` +
        `errors ${totals.errors.length}`,
    );

  const paced = patched(PACED_STARTS_PATCH);
  type Kind = 'cancel' | 'collect';
  type Child = ChildWorkflowHandle<typeof cancelBatchWorkflow>;

  /** Starts the child; null when it exists already (skipped) or could not start (reported). */
  async function startOne(batch: BatchSummary, kind: Kind, why: string): Promise<Child | null> {
    const input: CancelBatchInput = {
      ...policy.cancelOptions,
      batchId: batch.id,
      reason: `scheduled cleanup: ${why}`,
    };
    try {
      return await startChild<typeof cancelBatchWorkflow>('cancelBatchWorkflow', {
        workflowId: cancelWorkflowId(batch.id),
        args: [input],
        // A failed, terminated or timed-out child is no outcome: the next run tries again.
        workflowIdReusePolicy: paced ? 'ALLOW_DUPLICATE_FAILED_ONLY' : 'REJECT_DUPLICATE',
        parentClosePolicy: 'ABANDON',
        typedSearchAttributes: [
          { key: OPENAI_BATCH_ID, value: batch.id },
          { key: OPENAI_BATCH_STATUS, value: batch.status },
        ],
        staticSummary: `Cleanup: ${kind} OpenAI batch \`${batch.id}\` (${why})`,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) skip('already-processed');
      else fail(batch.id, err);
      return null;
    }
  }

  async function finishOne(child: Child, batch: BatchSummary, kind: Kind): Promise<void> {
    let result;
    try {
      result = await child.result();
    } catch (err) {
      fail(batch.id, err);
      return;
    }
    if (kind === 'cancel') totals.cancelled++;
    else totals.collected++;
    if (!policy.deleteFilesAfterCollect || !result.results) return;
    const r = result.results;
    // A source that produced quarantined lines is the only full copy of those lines: keep it.
    const keepQuarantined = patched('keep-sources-with-quarantined-lines');
    const deletable = (id: string | null, written: { quarantined: number } | null): id is string =>
      id !== null && (!keepQuarantined || !written || written.quarantined === 0);
    const fileIds = [
      ...(deletable(result.batch.outputFileId, r.output) ? [result.batch.outputFileId] : []),
      ...(deletable(result.batch.errorFileId, r.errors) ? [result.batch.errorFileId] : []),
    ];
    if (fileIds.length === 0) return;
    try {
      const deleted = await deleteFiles.executeWithOptions(
        { ...deleteFilesOptions, summary: `delete result files of ${batch.id}` },
        [fileIds],
      );
      totals.filesDeleted += deleted.deleted.length;
    } catch (err) {
      fail(batch.id, err);
    }
  }

  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    const tracked: Promise<void> = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  // Before the patch: at most maxConcurrentChildren children, each started and awaited in turn, so
  // a cancel request waited for earlier batches to finish.
  const launchAwaited = async (batch: BatchSummary, kind: Kind, why: string) => {
    while (inFlight.size >= policy.maxConcurrentChildren) await Promise.race(inFlight);
    track(
      (async () => {
        const child = await startOne(batch, kind, why);
        if (child) await finishOne(child, batch, kind);
      })(),
    );
  };

  // Since the patch: up to maxConcurrentChildren starts per second, never waiting for a result.
  let nextGroupAt = 0;
  const launchPaced = async (group: { batch: BatchSummary; kind: Kind; why: string }[]) => {
    while (inFlight.size + group.length > MAX_PENDING_CHILDREN) await Promise.race(inFlight);
    const wait = nextGroupAt - Date.now();
    if (wait > 0) await sleep(wait);
    nextGroupAt = Date.now() + 1000;
    const children = await Promise.all(group.map((c) => startOne(c.batch, c.kind, c.why)));
    children.forEach((child, i) => {
      const c = group[i];
      if (child && c) track(finishOne(child, c.batch, c.kind));
    });
  };

  for (let pages = 0; ; pages++) {
    if (pages >= policy.pagesPerRun || workflowInfo().continueAsNewSuggested) {
      report(`continuing as new after ${after}`);
      await Promise.all(inFlight);
      return continueAsNew<typeof cleanupBatchesWorkflow>(rawPolicy, { after, totals });
    }
    report(`listing page ${pages + 1} of this run`);
    const page = await listBatchesPage.executeWithOptions(
      { ...listBatchesPageOptions, summary: `list batches after ${after ?? '(start)'}` },
      [{ after, limit: policy.pageSize, metadataKeys }],
    );
    totals.scanned += page.batches.length;
    const nowMs = Date.now();
    const candidates: { batch: BatchSummary; kind: Kind; why: string }[] = [];
    let pastLookback = false;
    for (const batch of page.batches) {
      if (paced && nowMs - batch.createdAt * 1000 > policy.lookback) {
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
      const why = decision.action === 'cancel' ? decision.why : `${batch.status}, collect results`;
      if (paced) candidates.push({ batch, kind: decision.action, why });
      else await launchAwaited(batch, decision.action, why);
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
