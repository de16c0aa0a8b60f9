/**
 * Custom search attributes that let ops find cancellations in the Temporal UI and with visibility
 * queries (`OpenAIBatchStatus = 'cancelling'`, `OpenAIBatchStuck = true`,
 * `OpenAIBatchRequestsCompleted > 1000`). This list is the only one: `openai-batch-cancel setup`
 * registers it (also in the compose init job), the worker checks it at start, the dev stack and the
 * test helpers register it, and the commands the worker and the README print for Temporal Cloud
 * are made from it.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

/** Search attribute: the OpenAI batch id of a cancellation. */
export const OPENAI_BATCH_ID = defineSearchAttributeKey('OpenAIBatchId', 'KEYWORD');
/**
 * Search attribute: the account of a cancellation (`research`, `azure-east`); unset for the
 * default account, so `OpenAIBatchAccount IS NULL` finds those.
 */
export const OPENAI_BATCH_ACCOUNT = defineSearchAttributeKey('OpenAIBatchAccount', 'KEYWORD');
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
  OPENAI_BATCH_ACCOUNT,
] as const;

/** The type names the Temporal CLI and `tcld` take (`--type Int`). */
export const CLI_TYPE_NAMES = { KEYWORD: 'Keyword', BOOL: 'Bool', INT: 'Int' } as const;

/** The type of one of the product's search attributes. */
export type ProductSearchAttributeType = (typeof CUSTOM_SEARCH_ATTRIBUTES)[number]['type'];

/** The server's `IndexedValueType` numbers (temporal.api.enums.v1) of the product's types. */
export const INDEXED_VALUE_TYPES = { KEYWORD: 2, INT: 3, BOOL: 5 } as const;

/** Every `IndexedValueType` by number, as the CLI names it: says what a mistyped attribute is instead. */
const ALL_INDEXED_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'Text',
  2: 'Keyword',
  3: 'Int',
  4: 'Double',
  5: 'Bool',
  6: 'Datetime',
  7: 'KeywordList',
};

/** The CLI's name of an `IndexedValueType` as the server lists it (a number, or its enum name). */
export function indexedTypeName(value: unknown): string {
  if (typeof value === 'number') return ALL_INDEXED_TYPE_NAMES[value] ?? `type ${value}`;
  if (typeof value === 'string') {
    const key = value
      .replace(/^INDEXED_VALUE_TYPE_/, '')
      .replace(/_/g, '')
      .toLowerCase();
    const found = Object.values(ALL_INDEXED_TYPE_NAMES).find((n) => n.toLowerCase() === key);
    return found ?? value;
  }
  return String(value);
}

/** `Name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  return CUSTOM_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${CLI_TYPE_NAMES[k.type]}`);
}
