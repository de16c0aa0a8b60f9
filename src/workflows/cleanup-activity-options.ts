/** Timeouts and retry policies of the cleanup's activities (list a page, delete files). */
import type { ActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURE_TYPES } from '../shared/failure-types';

const nonRetryableErrorTypes = [...NON_RETRYABLE_FAILURE_TYPES];

/** One list call: a 5xx page is retried (1 s doubling to 30 s) for up to 30 minutes. */
export const listBatchesPageOptions: ActivityOptions = {
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes },
};

/** A few DELETE calls; a failure is reported in the summary, never fails the cleanup. */
export const deleteFilesOptions: ActivityOptions = {
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes },
};
