/**
 * Custom search attributes that let ops find cancellations in the Temporal UI and with visibility
 * queries (`OpenAIBatchStatus = 'cancelling'`). Registered on the dev server by the test helpers,
 * the demo and docker-compose.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const OPENAI_BATCH_ID = defineSearchAttributeKey('OpenAIBatchId', 'KEYWORD');
export const OPENAI_BATCH_STATUS = defineSearchAttributeKey('OpenAIBatchStatus', 'KEYWORD');

export const CUSTOM_SEARCH_ATTRIBUTES = [OPENAI_BATCH_ID, OPENAI_BATCH_STATUS] as const;
