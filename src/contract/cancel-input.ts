/**
 * Input of `cancelBatchWorkflow`, validated with zod inside the workflow (so a bad start fails fast
 * and names the field) and in the client (so the caller hears it before anything starts).
 */
import { z } from 'zod';
import { POLL_DEFAULTS, type PollPolicy } from './poll-schedule';
import { msToNumber } from '@temporalio/common/lib/time';
import { ACCOUNT_NAME_PATTERN, DEFAULT_ACCOUNT } from './account';

/**
 * A batch id of any batch API: one segment of letters, digits, `.`, `_` or `-`, never `.`-led and
 * never holding `..`, so it can name a directory and a workflow id. The provider that owns the
 * batch checks its own form (`batch_…` for OpenAI) before any call.
 */
export const BATCH_ID_PATTERN = /^(?!.*\.\.)[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;
/** zod schema of a batch id (see `BATCH_ID_PATTERN`). */
export const BatchIdSchema = z
  .string()
  .regex(BATCH_ID_PATTERN, 'must be a batch id: letters, digits, ".", "_" or "-" (at most 255), no ".."');

/** zod schema of an account name (see `ACCOUNT_NAME_PATTERN`). */
export const AccountNameSchema = z
  .string()
  .regex(
    ACCOUNT_NAME_PATTERN,
    'must be an account name: letters, digits, "_" or "-" (at most 64), not "-"-led, not "batch_"-led',
  );

/** A duration as milliseconds or an `ms`-style string ('30s', '10 minutes'), normalized to ms. */
export const DurationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  let ms: number;
  try {
    ms = msToNumber(value as never);
  } catch {
    ms = Number.NaN;
  }
  if (!Number.isFinite(ms) || ms <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a positive duration (ms or '30s'), got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

/** When to download the result files: always, only if the batch ended cancelled, or never. */
export const COLLECT_MODES = ['always', 'if-cancelled', 'never'] as const;
/** One of `COLLECT_MODES`. */
export type CollectMode = (typeof COLLECT_MODES)[number];

export { POLL_DEFAULTS, type PollPolicy } from './poll-schedule';

/**
 * zod schema of the poll schedule: first wait, growth factor, longest wait. `maxInterval` is left
 * unset when not given: its default depends on `webhooks` (see `CancelBatchInputSchema`).
 */
export const PollPolicySchema = z
  .object({
    /** First wait between two reads of the batch. @default 5s, or 30 min with `webhooks: true` */
    initialInterval: DurationSchema.optional().describe(
      'First wait between two reads of the batch (default 5s; 30 min with webhooks: true)',
    ),
    /** Each wait is the previous one times this. @default 1.5 */
    backoffCoefficient: z
      .number()
      .min(1)
      .max(10)
      .default(POLL_DEFAULTS.backoffCoefficient)
      .describe('Each wait is the previous one times this'),
    /**
     * Longest wait between two reads: a status change is seen within this.
     * @default 60s, or 30 min with `webhooks: true`
     */
    maxInterval: DurationSchema.optional().describe(
      'Longest wait between two reads (default 60s; 30 min with webhooks: true)',
    ),
  })
  .refine((p) => p.maxInterval === undefined || p.maxInterval >= (p.initialInterval ?? 0), {
    message: 'maxInterval must be at least initialInterval',
    path: ['maxInterval'],
  });
/**
 * The fields of the `cancelBatchWorkflow` input before the poll default is resolved: what other
 * schemas pick from (the cleanup's `cancelOptions`).
 */
export const CancelBatchFieldsSchema = z.object({
  batchId: BatchIdSchema.describe('The batch to cancel, e.g. batch_abc123 (OpenAI)'),
  /**
   * The worker's account the batch belongs to (an OpenAI project, an Azure OpenAI resource), as
   * its accounts file names it. @default 'default' (the worker's OPENAI_API_KEY)
   */
  account: AccountNameSchema.default(DEFAULT_ACCOUNT).describe(
    "The worker's account the batch belongs to, as its accounts file names it (default: the worker's OPENAI_API_KEY)",
  ),
  poll: PollPolicySchema.prefault({}),
  /**
   * OpenAI webhooks signal this cancellation (the `webhooks` receiver runs): the wait ends on the
   * event, and polling, the fallback, defaults to one read every 30 min. Events are acted on
   * either way; this only sets the fallback's pace. @default false
   */
  webhooks: z
    .boolean()
    .default(false)
    .describe('OpenAI webhooks reach this cancellation: poll less often, as a fallback (default false)'),
  /** Give up waiting for a terminal status after this long. Cancellations have taken 25+ minutes. @default 2h */
  maxWait: DurationSchema.default(2 * 60 * 60 * 1000).describe(
    'Give up waiting for a terminal status after this long (default 2h)',
  ),
  /**
   * How often the wait reports back to the workflow (current details, progress query) while the
   * batch stays non-terminal. Fewer check-ins keep history small. @default 10 minutes
   */
  checkInInterval: DurationSchema.default(10 * 60 * 1000).describe(
    'How often the wait reports progress while the batch stays non-terminal (default 10 minutes)',
  ),
  /**
   * A batch still `cancelling` this long after the cancellation started is marked stuck
   * (`OpenAIBatchStuck`, current details, `list --stuck`). @default 30 minutes
   */
  stuckAfter: DurationSchema.default(30 * 60 * 1000).describe(
    'A batch still cancelling this long after the cancellation started is marked stuck (default 30 minutes)',
  ),
  /** When to download the output and error files. @default 'always' */
  collectResults: z
    .enum(COLLECT_MODES)
    .default('always')
    .describe('When to download the output and error files'),
  /** Also write `remaining.jsonl`: input lines with no successful result, ready to resubmit. @default true */
  writeRemaining: z
    .boolean()
    .default(true)
    .describe('Also write remaining.jsonl: input lines with no successful result, ready to resubmit'),
  /**
   * For an API that keeps no copy of the requests (Anthropic): the JSONL of `{custom_id, params}`
   * lines that was submitted, as an absolute path the worker can read. remaining.jsonl then holds
   * the full requests, ready to resubmit, and every request is reconciled; without it,
   * remaining.jsonl lists only the custom_ids.
   */
  requests: z
    .string()
    .max(4096)
    .refine(
      (p) => p.startsWith('/') || p.startsWith('file:///'),
      'must be an absolute path (or file:///…) the worker can read',
    )
    .optional()
    .describe(
      'Anthropic: the submitted requests JSONL (absolute path on the worker), for a full remaining.jsonl',
    ),
  /** Free text shown in the UI summary, e.g. who asked for the cancellation. */
  reason: z.string().max(200).optional().describe('Free text shown in the UI summary'),
});

/**
 * zod schema of the `cancelBatchWorkflow` input: only `batchId` is required. Its JSON Schema is
 * docs/schemas/cancel-batch-input.schema.json.
 */
export const CancelBatchInputSchema = CancelBatchFieldsSchema.transform(({ poll, ...rest }) => {
  // A cap given alone also bounds the default first interval (`maxInterval: '2m'` with webhooks).
  const initialInterval =
    poll.initialInterval ??
    Math.min(
      rest.webhooks ? POLL_DEFAULTS.intervalWithWebhooks : POLL_DEFAULTS.initialInterval,
      poll.maxInterval ?? Infinity,
    );
  const maxInterval =
    poll.maxInterval ??
    Math.max(initialInterval, rest.webhooks ? POLL_DEFAULTS.intervalWithWebhooks : POLL_DEFAULTS.maxInterval);
  const resolved: PollPolicy = { ...poll, initialInterval, maxInterval };
  return { ...rest, poll: resolved };
});

/** What callers pass: every option may be left out. */
export type CancelBatchInput = z.input<typeof CancelBatchInputSchema>;
/** What the workflow works with: defaults applied, durations in ms. */
export type CancelBatchOptions = z.output<typeof CancelBatchInputSchema>;

/** Human-readable list of what is wrong, each issue naming its field (under `field`, when given). */
export function describeZodError(error: z.ZodError, field?: string): string {
  const at = (path: PropertyKey[]) => [field, ...path].filter((p) => p !== undefined).join('.') || '(input)';
  return error.issues.map((i) => `${at(i.path)}: ${i.message}`).join('; ');
}
