/**
 * Policy and summary of `cleanupBatchesWorkflow`: which batches a scheduled cleanup cancels (stale
 * or past a deadline) and which it collects (already terminal, results not collected yet).
 * Validated with zod in the workflow and in the schedule client.
 */
import { z } from 'zod';
import { AccountNameSchema, CancelBatchFieldsSchema, DurationSchema } from './cancel-input';

/** Terminal outcomes (`BatchSnapshot.outcome`) whose results a cleanup may collect. */
export const COLLECTABLE_STATUSES = ['expired', 'cancelled', 'failed'] as const;
export type CollectableStatus = (typeof COLLECTABLE_STATUSES)[number];

const MetadataFilterSchema = z
  .string()
  .regex(/^[^=]{1,64}=.{0,512}$/, "must look like key=value, e.g. 'team=research'")
  .transform((s) => {
    const eq = s.indexOf('=');
    return { key: s.slice(0, eq), value: s.slice(eq + 1) };
  });

/** zod schema of the cleanup policy run by `cleanupBatchesWorkflow`. */
export const CleanupPolicySchema = z.object({
  /**
   * The account whose batches this cleanup lists and cancels (one schedule per account); its
   * children cancel in the same account. Absent: the default account.
   */
  account: AccountNameSchema.optional(),
  /** Non-terminal batches created longer ago than this are cancelled. Unset: age alone cancels nothing. */
  maxAge: DurationSchema.optional(),
  /**
   * Metadata key holding a deadline (unix seconds, unix milliseconds, an ISO 8601 date-time with an
   * offset, or a date read as UTC; see `parseDeadline`); non-terminal batches past it are cancelled.
   */
  deadlineMetadataKey: z.string().min(1).max(64).optional(),
  /** Terminal outcomes whose results are collected (once per batch). @default ['expired'] */
  collectStatuses: z.array(z.enum(COLLECTABLE_STATUSES)).default(['expired']),
  /** Only batches whose metadata has `key=value`. */
  metadataFilter: MetadataFilterSchema.optional(),
  /** After a successful collection, delete the batch's output and error files from OpenAI. @default false */
  deleteFilesAfterCollect: z.boolean().default(false),
  /** Only report what would be done: start no child, change nothing. @default false */
  dryRun: z.boolean().default(false),
  /**
   * Children started per second. Each child's first step is the batch's cancel request, so this
   * bounds the rate of cancel requests; how many children are then waiting is not bounded by it
   * (a wait costs nothing while the batch finishes). @default 10
   */
  maxConcurrentChildren: z.number().int().min(1).max(100).default(10),
  /**
   * Only batches created within this window are looked at; paging stops at the first older one
   * (the list is newest first). Keep it within the namespace's retention: a batch whose finished
   * child has been deleted by retention would otherwise be collected again. It must also reach past
   * `maxAge` and the 24 h completion window, or stale and expired batches are never seen. @default 72h
   */
  lookback: DurationSchema.default(72 * 60 * 60 * 1000),
  /** Batches per list call (OpenAI allows 1..100). @default 100 */
  pageSize: z.number().int().min(1).max(100).default(100),
  /** Pages per run before continuing as new (history stays small). @default 10 */
  pagesPerRun: z.number().int().min(1).max(1000).default(10),
  /** Options passed to every child `cancelBatchWorkflow` (poll policy, maxWait, ...). */
  cancelOptions: CancelBatchFieldsSchema.omit({ batchId: true, account: true }).partial().optional(),
});

/** What callers (schedule, client) pass. */
export type CleanupPolicyInput = z.input<typeof CleanupPolicySchema>;
/** What the workflow works with: defaults applied, durations in ms, filter split. */
export type CleanupPolicy = z.output<typeof CleanupPolicySchema>;

export {
  MAX_REPORTED_ERRORS,
  emptyCleanupSummary,
  type BatchSummary,
  type CleanupCarry,
  type CleanupSummary,
  type SkipReason,
} from './cleanup-summary';
