/**
 * cleanupBatchesWorkflow: walks the batch list page by page and, per batch, starts a
 * `cancelBatchWorkflow` child to cancel it (non-terminal and stale or past its deadline) or to
 * collect its results (already terminal). Children use the cancel workflow's own id and
 * REJECT_DUPLICATE, so a batch processed before (by any run, schedule or CLI) is never processed
 * twice; they are ABANDONed so they outlive the cleanup. Deterministic: no I/O here.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { describeZodError, type CancelBatchInput } from '../shared/cancel-input';
import {
  CleanupPolicySchema,
  emptyCleanupSummary,
  MAX_REPORTED_ERRORS,
  type BatchSummary,
  type CleanupCarry,
  type CleanupPolicy,
  type CleanupPolicyInput,
  type CleanupSummary,
  type SkipReason,
} from '../shared/cleanup-policy';
import { selectBatch } from '../shared/cleanup-select';
import { cancelWorkflowId } from '../shared/constants';
import { FailureType } from '../shared/failure-types';
import { OPENAI_BATCH_ID, OPENAI_BATCH_STATUS } from '../shared/search-attributes';
import type { cancelBatchWorkflow } from './cancel-batch';
import { deleteFilesOptions, listBatchesPageOptions } from './cleanup-activity-options';

const { listBatchesPage } = proxyActivities<Activities>(listBatchesPageOptions);
const { deleteFiles } = proxyActivities<Activities>(deleteFilesOptions);

function parsePolicy(raw: CleanupPolicyInput): CleanupPolicy {
  const parsed = CleanupPolicySchema.safeParse(raw);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid cleanupBatchesWorkflow policy: ${describeZodError(parsed.error)}`,
      FailureType.InvalidInput,
    );
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

  async function handleBatch(batch: BatchSummary, kind: 'cancel' | 'collect', why: string): Promise<void> {
    const input: CancelBatchInput = {
      ...policy.cancelOptions,
      batchId: batch.id,
      reason: `scheduled cleanup: ${why}`,
    };
    let child;
    try {
      child = await startChild<typeof cancelBatchWorkflow>('cancelBatchWorkflow', {
        workflowId: cancelWorkflowId(batch.id),
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
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
      return;
    }
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

  // Bounded concurrency: at most maxConcurrentChildren children are awaited at once.
  const inFlight = new Set<Promise<void>>();
  const launch = async (batch: BatchSummary, kind: 'cancel' | 'collect', why: string) => {
    while (inFlight.size >= policy.maxConcurrentChildren) await Promise.race(inFlight);
    const p: Promise<void> = handleBatch(batch, kind, why).finally(() => inFlight.delete(p));
    inFlight.add(p);
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
    for (const batch of page.batches) {
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
      await launch(batch, decision.action, why);
    }
    if (!page.hasMore || page.lastId === null) break;
    after = page.lastId;
  }
  await Promise.all(inFlight);
  report('done');
  return totals;
}
