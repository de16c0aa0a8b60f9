/**
 * Keeps the run's search attributes in step with what the workflow last saw: batch status, request
 * counts as numbers and the stuck marker. Only changed keys are sent, in one upsert, so a check-in
 * where nothing moved adds nothing to history.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { BatchSnapshot } from '../contract/progress';
import {
  OPENAI_BATCH_REQUESTS_COMPLETED,
  OPENAI_BATCH_REQUESTS_FAILED,
  OPENAI_BATCH_REQUESTS_TOTAL,
  OPENAI_BATCH_STATUS,
  OPENAI_BATCH_STUCK,
} from '../contract/search-attributes';

type Pairs = SearchAttributeUpdatePair[];

export interface AttributeReporter {
  (batch: BatchSnapshot | null, stuck: boolean): void;
  /** Sends `pair` with the next upsert instead of in one of its own. */
  alsoSend(pair: SearchAttributeUpdatePair): void;
}

export function makeAttributeReporter(): AttributeReporter {
  const sent: { status?: string; succeeded?: number; failed?: number; total?: number; stuck?: boolean } = {};
  let pending: Pairs = [];
  const report = (batch: BatchSnapshot | null, stuck: boolean) => {
    const pairs: Pairs = pending;
    pending = [];
    if (batch && batch.status !== sent.status) {
      sent.status = batch.status;
      pairs.push({ key: OPENAI_BATCH_STATUS, value: batch.status });
    }
    const c = batch?.requestCounts;
    if (c && c.succeeded !== sent.succeeded) {
      sent.succeeded = c.succeeded;
      pairs.push({ key: OPENAI_BATCH_REQUESTS_COMPLETED, value: c.succeeded });
    }
    if (c && c.failed !== sent.failed) {
      sent.failed = c.failed;
      pairs.push({ key: OPENAI_BATCH_REQUESTS_FAILED, value: c.failed });
    }
    if (c && c.total !== sent.total) {
      sent.total = c.total;
      pairs.push({ key: OPENAI_BATCH_REQUESTS_TOTAL, value: c.total });
    }
    // Unset means "never stuck": the key appears once a run is marked, and flips back when it ends.
    if (stuck !== (sent.stuck ?? false)) {
      sent.stuck = stuck;
      pairs.push({ key: OPENAI_BATCH_STUCK, value: stuck });
    }
    if (pairs.length > 0) upsertSearchAttributes(pairs);
  };
  return Object.assign(report, {
    alsoSend: (pair: SearchAttributeUpdatePair) => {
      pending.push(pair);
    },
  });
}
