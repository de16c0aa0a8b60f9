/**
 * The workflow's result as a zod schema: the contract for callers in any language (its JSON Schema
 * is generated into docs/schemas/ from here). The compile-time checks at the bottom keep it equal to
 * the TypeScript types the workflow returns, so the two cannot drift apart.
 */
import { z } from 'zod';
import {
  BATCH_OUTCOMES,
  BATCH_PHASES,
  MAX_BATCH_ERRORS_KEPT,
  type BatchFailureReason,
  type BatchSnapshot,
  type TokenCounts,
} from './batch-snapshot';
import {
  MAX_UNBALANCED_IDS,
  type CancelBatchResult,
  type ModelUsage,
  type Reconciliation,
  type RemainingSummary,
  type ResultFileSummary,
  type ResultsSummary,
  type UsageReport,
} from './results';

const epochSeconds = z.number().describe('Unix time in seconds');
const RequestCountsSchema = z
  .object({
    total: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    processing: z.number().int().describe('Neither succeeded nor failed (yet)'),
  })
  .describe("The batch's request counts as the API last reported them");
const OutcomeSchema = z.enum(BATCH_OUTCOMES).describe('How a terminal batch ended');

/** zod schema of `BatchFailureReason`. */
export const BatchFailureReasonSchema = z
  .object({
    count: z.number().int().describe("Entries in the API's list (may exceed data.length)"),
    data: z.array(
      z.object({
        code: z.string().nullable(),
        message: z.string().nullable(),
        line: z.number().int().nullable(),
        param: z.string().nullable(),
      }),
    ),
  })
  .describe(`Why a batch failed, as the API said in errors.data[] (first ${MAX_BATCH_ERRORS_KEPT} kept)`);

const tokenFields = {
  inputTokens: z.number().int(),
  cachedInputTokens: z.number().int().describe('Of inputTokens, served from the prompt cache'),
  cacheCreationInputTokens: z
    .number()
    .int()
    .optional()
    .describe('Of inputTokens, written to the prompt cache (Anthropic); absent where the API reports none'),
  outputTokens: z.number().int(),
  reasoningTokens: z.number().int().describe('Of outputTokens, spent on reasoning'),
};

/** zod schema of `TokenCounts`. */
export const TokenCountsSchema = z.object(tokenFields).describe('Token counts');

/** zod schema of `ModelUsage`. */
export const ModelUsageSchema = z
  .object({ requests: z.number().int().describe('Successful results of this model'), ...tokenFields })
  .describe("Tokens of one model's successful results");

/** zod schema of `UsageReport`. */
export const UsageReportSchema = z
  .object({
    byModel: z.record(z.string(), ModelUsageSchema).describe('Keyed by the model each response names'),
    batchReported: TokenCountsSchema.nullable().describe(
      "The batch object's usage; null when the API did not report it (batches before 2025-09-07)",
    ),
  })
  .describe('Token usage of the salvaged results');

/** zod schema of `Reconciliation`. */
export const ReconciliationSchema = z
  .object({
    inputLines: z.number().int().describe('Non-empty lines of the input file'),
    succeeded: z.number().int(),
    failedPermanent: z.number().int(),
    remaining: z.number().int(),
    quarantined: z.number().int(),
    duplicates: z.number().int().describe('Input lines repeating an earlier custom_id'),
    balanced: z
      .boolean()
      .describe('Every result belongs to exactly one input line, and every input line to one outcome'),
    unbalancedIds: z.array(z.string()).describe(`Ids that do not add up (first ${MAX_UNBALANCED_IDS})`),
  })
  .describe('Where each input custom_id ended: succeeded, failedPermanent, remaining or quarantined');

/** zod schema of `BatchSnapshot`. */
export const BatchSnapshotSchema = z
  .object({
    provider: z.string().describe('The batch API that holds the batch (openai, ...)'),
    account: z.string().describe('The account of that API the batch belongs to'),
    id: z.string(),
    status: z.string().describe("The provider's own status word"),
    phase: z.enum(BATCH_PHASES),
    outcome: OutcomeSchema.nullable().describe('Null until the batch is terminal'),
    requestCounts: RequestCountsSchema,
    resultRefs: z
      .object({ output: z.string().nullable(), errors: z.string().nullable(), input: z.string().nullable() })
      .describe("Where the batch's results are, as the provider names them (opaque)"),
    createdAt: epochSeconds,
    endedAt: epochSeconds.nullable().describe('When the batch became terminal, when the API says'),
    errors: BatchFailureReasonSchema.nullable().describe("For a failed batch: the API's reasons, bounded"),
    usage: TokenCountsSchema.nullable().describe("The batch's own token usage, when the API reports it"),
  })
  .describe('A batch as the product keeps it, whichever API holds it');

/** zod schema of `ResultFileSummary`. */
export const ResultFileSummarySchema = z.object({
  ref: z.string().describe("The provider's reference of the file the lines came from"),
  path: z.string().describe('Where the valid lines were written (on the worker)'),
  lines: z.number().int().describe('Valid lines written'),
  bytes: z.number().int(),
  sha256: z.string(),
  sourceBytes: z.number().int().describe('Bytes of the file exactly as served'),
  sourceSha256: z.string(),
  quarantined: z.number().int().describe('Lines that failed validation, kept in the quarantine file'),
});

/** zod schema of `RemainingSummary`. */
export const RemainingSummarySchema = z.object({
  path: z.string(),
  lines: z.number().int().describe('Input lines written to remaining.jsonl'),
  inputRef: z.string().describe("The provider's reference of the input"),
  idsOnly: z
    .boolean()
    .optional()
    .describe(
      'True when the API keeps no input and no requests file was named: the lines are custom_ids only',
    ),
  failedPermanent: z
    .object({ path: z.string(), lines: z.number().int() })
    .nullable()
    .optional()
    .describe('failed-permanent.jsonl: requests that failed with a 4xx a resubmission would repeat'),
  succeededSkipped: z.number().int().optional().describe('Input lines left out because they succeeded'),
  unresolved: z
    .number()
    .int()
    .optional()
    .describe('Input lines left out because their only result line was damaged and unreadable'),
});

const AccountFieldSchema = z
  .string()
  .optional()
  .describe("The batch's account; absent for the default account");

/** zod schema of `ResultsSummary`. */
export const ResultsSummarySchema = z
  .object({
    batchId: z.string(),
    account: AccountFieldSchema,
    directory: z.string(),
    output: ResultFileSummarySchema.nullable(),
    errors: ResultFileSummarySchema.nullable(),
    succeeded: z.number().int().describe('Results with a 2xx response and no error'),
    failedByCode: z
      .record(z.string(), z.number().int())
      .describe('Other results, counted by error code (batch_cancelled, batch_expired, http_400, ...)'),
    quarantinePath: z.string().nullable(),
    quarantined: z.number().int(),
    remaining: RemainingSummarySchema.nullable().describe(
      'remaining.jsonl: input lines safe to resubmit; null when not asked for or the input file could not be read',
    ),
    remainingUnavailable: z
      .object({ inputRef: z.string().nullable(), reason: z.string() })
      .nullable()
      .optional()
      .describe('Why remaining is null although it was asked for (e.g. the input file was deleted)'),
    quarantineRecovered: z
      .number()
      .int()
      .optional()
      .describe('Quarantined result lines whose custom_id was read from the raw bytes'),
    batchErrors: BatchFailureReasonSchema.nullable().optional(),
    reconciliation: ReconciliationSchema.nullable()
      .optional()
      .describe('Null when the input file could not be read; absent in results of older runs'),
    usage: UsageReportSchema.nullable().optional().describe('Absent in results of older runs'),
    summaryPath: z.string(),
  })
  .describe('Where the salvaged results are, and what they hold');

/**
 * zod schema of `CancelBatchResult`, the `cancelBatchWorkflow` result. Its JSON Schema is
 * docs/schemas/cancel-batch-result.schema.json.
 */
export const CancelBatchResultSchema = z
  .object({
    batchId: z.string(),
    account: AccountFieldSchema,
    finalStatus: z.string().describe("The provider's word for the terminal status the batch reached"),
    outcome: OutcomeSchema,
    cancelOutcome: z.enum(['cancel-requested', 'already-terminal']).describe('What the cancel request found'),
    requestCounts: RequestCountsSchema,
    batch: BatchSnapshotSchema,
    results: ResultsSummarySchema.nullable().describe(
      "Null when collection was not asked for (collectResults 'never', or 'if-cancelled' and not cancelled)",
    ),
    polls: z.number().int().describe('Reads of the batch made'),
    timings: z
      .object({
        startedAt: z.number(),
        terminalSeenAt: z.number(),
        finishedAt: z.number(),
        waitedMs: z.number(),
      })
      .describe('Epoch milliseconds, and the time spent waiting for a terminal status'),
  })
  .describe('The result of cancelBatchWorkflow');

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertSame<T extends true>(): T | undefined {
  return undefined;
}
// A failure here means a result type changed: change its schema the same way (and `npm run schemas`).
assertSame<Equal<z.infer<typeof BatchFailureReasonSchema>, BatchFailureReason>>();
assertSame<Equal<z.infer<typeof TokenCountsSchema>, TokenCounts>>();
assertSame<Equal<z.infer<typeof ModelUsageSchema>, ModelUsage>>();
assertSame<Equal<z.infer<typeof UsageReportSchema>, UsageReport>>();
assertSame<Equal<z.infer<typeof ReconciliationSchema>, Reconciliation>>();
assertSame<Equal<z.infer<typeof RemainingSummarySchema>, RemainingSummary>>();
assertSame<Equal<z.infer<typeof BatchSnapshotSchema>, BatchSnapshot>>();
assertSame<Equal<z.infer<typeof ResultFileSummarySchema>, ResultFileSummary>>();
assertSame<Equal<z.infer<typeof ResultsSummarySchema>, ResultsSummary>>();
assertSame<Equal<z.infer<typeof CancelBatchResultSchema>, CancelBatchResult>>();
