/**
 * `openai-batch-cancel/schemas`: the zod schemas of the workflow contract, for validating a
 * cancellation's input before a start, or a result, progress or summary read from elsewhere (the
 * JSON Schemas in `docs/schemas/` are generated from these).
 */
export {
  CancelBatchInputSchema,
  BatchIdSchema,
  DurationSchema,
  PollPolicySchema,
  describeZodError,
} from './cancel-input';
export {
  CancelBatchResultSchema,
  BatchSnapshotSchema,
  ResultsSummarySchema,
  ResultFileSummarySchema,
  RemainingSummarySchema,
  BatchFailureReasonSchema,
  ReconciliationSchema,
  UsageReportSchema,
  ModelUsageSchema,
  TokenCountsSchema,
} from './result-schema';
export { CleanupPolicySchema } from './cleanup-policy';
