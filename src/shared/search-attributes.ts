/**
 * Custom search attributes that let ops find cancellations in the Temporal UI and with visibility
 * queries (`OpenAIBatchStatus = 'cancelling'`, `OpenAIBatchStuck = true`,
 * `OpenAIBatchRequestsCompleted > 1000`). Registered on the dev server by the dev stack and the
 * test helpers, by the compose init job, and by hand on Temporal Cloud (see the README).
 */
import { defineSearchAttributeKey } from '@temporalio/common';

/** Search attribute: the OpenAI batch id of a cancellation. */
export const OPENAI_BATCH_ID = defineSearchAttributeKey('OpenAIBatchId', 'KEYWORD');
/** Search attribute: the batch status last seen (`unknown` before the first read). */
export const OPENAI_BATCH_STATUS = defineSearchAttributeKey('OpenAIBatchStatus', 'KEYWORD');
/** True while the batch has stayed `cancelling` past the stuck threshold; false once it left. */
export const OPENAI_BATCH_STUCK = defineSearchAttributeKey('OpenAIBatchStuck', 'BOOL');
/** The batch's request counts as last reported (at a check-in or at the end). */
export const OPENAI_BATCH_REQUESTS_COMPLETED = defineSearchAttributeKey(
  'OpenAIBatchRequestsCompleted',
  'INT',
);
export const OPENAI_BATCH_REQUESTS_FAILED = defineSearchAttributeKey('OpenAIBatchRequestsFailed', 'INT');
export const OPENAI_BATCH_REQUESTS_TOTAL = defineSearchAttributeKey('OpenAIBatchRequestsTotal', 'INT');

/** Every custom search attribute: register these, each with its type, in your namespace before starting workflows. */
export const CUSTOM_SEARCH_ATTRIBUTES = [
  OPENAI_BATCH_ID,
  OPENAI_BATCH_STATUS,
  OPENAI_BATCH_STUCK,
  OPENAI_BATCH_REQUESTS_COMPLETED,
  OPENAI_BATCH_REQUESTS_FAILED,
  OPENAI_BATCH_REQUESTS_TOTAL,
] as const;

/** The type names the Temporal CLI and `tcld` take (`--type Int`). */
export const CLI_TYPE_NAMES = { KEYWORD: 'Keyword', BOOL: 'Bool', INT: 'Int' } as const;

/** `Name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  return CUSTOM_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${CLI_TYPE_NAMES[k.type]}`);
}
