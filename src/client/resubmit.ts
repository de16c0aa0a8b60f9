/**
 * The next step after a cancellation: remaining.jsonl submitted as new batch(es) with the old
 * batch's endpoint and completion window, linked to it by metadata. Idempotent: the new batches
 * carry `resubmitted_from` and their part number, so a second run (after a crash or by mistake)
 * finds them by listing and creates only the parts that do not exist yet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BatchProvider } from '../providers/types';
import { openResultsStore } from '../results/open-store';
import { accountField, accountFlag, accountOf } from '../contract/account';
import { splitRemaining, type SplitOptions } from '../results/split-remaining';
import { BatchCancelError } from '../contract/errors';

/** Metadata keys linking a new batch to the one it resubmits. */
export const RESUBMIT_METADATA = {
  from: 'resubmitted_from',
  /** 1-based part number, as a string. */
  part: 'resubmitted_part',
  parts: 'resubmitted_parts',
} as const;

/** Options of {@link resubmitRemaining}. */
export interface ResubmitOptions extends Pick<SplitOptions, 'maxRequests' | 'maxBytes'> {
  batchId: string;
  /** The batch's account: its results are under `<resultsDir>/<account>/`. @default 'default' */
  account?: string;
  /** Where the cancellation wrote its results: RESULTS_DIR, or any RESULTS_URL (`s3://bucket/prefix`). */
  resultsDir: string;
  /** Rewrite each request's `body.model`. */
  model?: string;
  /** Plan and look up, but upload and create nothing. */
  dryRun?: boolean;
}

/** One part of remaining.jsonl and the batch it became. */
export interface ResubmittedPart {
  part: number;
  lines: number;
  bytes: number;
  /** `created` now, `found` from an earlier run, `planned` in a dry run. */
  outcome: 'created' | 'found' | 'planned';
  /** The new batch, or null in a dry run for a part not created yet. */
  newBatchId: string | null;
}

/** What {@link resubmitRemaining} found, created or (in a dry run) would create. */
export interface ResubmitReport {
  batchId: string;
  /** The account of the old batch and the new ones; absent for the default. */
  account?: string;
  remainingPath: string;
  endpoint: string;
  completionWindow: string;
  model: string | null;
  dryRun: boolean;
  parts: ResubmittedPart[];
}

/**
 * Thrown when there is nothing a resubmission could read or submit; `reason` says which:
 * `no-remaining` (no remaining.jsonl where it looked), `not-submittable` (the old batch lacks what
 * a new one needs), `provider` (the batch API cannot be submitted to by this product).
 */
export class NothingToResubmitError extends BatchCancelError {
  constructor(
    message: string,
    readonly reason: 'no-remaining' | 'not-submittable' | 'provider' = 'no-remaining',
  ) {
    super(message);
    this.name = 'NothingToResubmitError';
  }
}

/**
 * Submits a cancelled batch's `remaining.jsonl` (written by the cancellation under `resultsDir`)
 * as new batch(es) with the old batch's endpoint and completion window, split at the Batch API's
 * 50,000 requests / 200 MB per file, each with metadata `resubmitted_from` (the old batch id),
 * `resubmitted_part` and `resubmitted_parts`. Idempotent: parts whose batch already exists (found
 * by listing batches) are reported as `found`, not created again.
 *
 * `provider` is the batch API the old batch lives in, e.g.
 * `openaiProvider(createOpenAIClient({ apiKey }))` (both from `openai-batch-cancel/worker`).
 *
 * @throws NothingToResubmitError when there is no remaining.jsonl, the old batch lacks an endpoint,
 *   or the provider cannot submit batches
 * @throws OpenAICallError when an OpenAI call fails (its message says what to do; `retryable`)
 */
export async function resubmitRemaining(
  provider: BatchProvider,
  opts: ResubmitOptions,
): Promise<ResubmitReport> {
  const api = provider.submitter;
  if (!api) {
    throw new NothingToResubmitError(
      `the ${provider.name} provider cannot submit batches: resubmit remaining.jsonl by hand`,
      'provider',
    );
  }
  const store = openResultsStore(opts.resultsDir).forAccount(accountOf(opts));
  const remainingPath = store.pathOf(opts.batchId, 'remaining');
  if ((await store.stat(opts.batchId, 'remaining')) === undefined) {
    throw new NothingToResubmitError(
      `no remaining.jsonl for ${opts.batchId} in ${store.batchDir(opts.batchId)}: collect the results first ` +
        `(openai-batch-cancel cancel ${opts.batchId}${accountFlag(opts.account)}), or pass --results-dir where the worker wrote them`,
    );
  }
  const old = await api.describe(opts.batchId);
  if (!old.endpoint || !old.completionWindow) {
    throw new NothingToResubmitError(
      `batch ${opts.batchId} as read from OpenAI has no endpoint or completion_window: cannot resubmit it`,
      'not-submittable',
    );
  }
  // The parts are cut on this machine, wherever the store is (owner-only, removed at the end).
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), `obc-resubmit-${opts.batchId}-`));
  try {
    const remaining = await store.read(opts.batchId, 'remaining');
    if (remaining === undefined)
      throw new NothingToResubmitError(`${remainingPath} vanished while resubmitting`);
    const parts = await splitRemaining(remaining, work, {
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.maxRequests ? { maxRequests: opts.maxRequests } : {}),
      ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
    });
    const earlier = new Map<string, string>();
    if (parts.length > 0) {
      for (const b of await api.findByMetadata(RESUBMIT_METADATA.from, opts.batchId)) {
        const part = b.metadata?.[RESUBMIT_METADATA.part] ?? '1';
        // Newest first: keep the newest batch of each part.
        if (!earlier.has(part)) earlier.set(part, b.id);
      }
    }
    const report: ResubmittedPart[] = [];
    for (const part of parts) {
      const found = earlier.get(String(part.index));
      const base = { part: part.index, lines: part.lines, bytes: part.bytes };
      if (found) {
        report.push({ ...base, outcome: 'found', newBatchId: found });
        continue;
      }
      if (opts.dryRun) {
        report.push({ ...base, outcome: 'planned', newBatchId: null });
        continue;
      }
      const newBatchId = await api.submit({
        path: part.path,
        name: `${opts.batchId}-remaining-${part.index}.jsonl`,
        endpoint: old.endpoint,
        completionWindow: old.completionWindow,
        metadata: {
          [RESUBMIT_METADATA.from]: opts.batchId,
          [RESUBMIT_METADATA.part]: String(part.index),
          [RESUBMIT_METADATA.parts]: String(parts.length),
        },
      });
      report.push({ ...base, outcome: 'created', newBatchId });
    }
    return {
      batchId: opts.batchId,
      ...accountField(opts.account),
      remainingPath,
      endpoint: old.endpoint,
      completionWindow: old.completionWindow,
      model: opts.model ?? null,
      dryRun: opts.dryRun ?? false,
      parts: report,
    };
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}
