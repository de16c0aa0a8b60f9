/**
 * Custom search attributes that let ops find cancellations in the Temporal UI and with visibility
 * queries (`OpenAIBatchStatus = 'cancelling'`). Registered on the dev server by the test helpers,
 * the demo and docker-compose.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

/** Search attribute: the OpenAI batch id of a cancellation. */
export const OPENAI_BATCH_ID = defineSearchAttributeKey('OpenAIBatchId', 'KEYWORD');
/** Search attribute: the batch status last seen (`unknown` before the first read). */
export const OPENAI_BATCH_STATUS = defineSearchAttributeKey('OpenAIBatchStatus', 'KEYWORD');

/** Every custom search attribute: register these (Keyword) in your namespace before starting workflows. */
export const CUSTOM_SEARCH_ATTRIBUTES = [OPENAI_BATCH_ID, OPENAI_BATCH_STATUS] as const;
