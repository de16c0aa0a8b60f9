/**
 * Azure OpenAI's Batch API behind the port: the same batch and file objects as OpenAI's, so
 * OpenAI's provider serves it with Azure's spelling of the status (any case). Azure's other
 * differences need nothing here: a completed batch's empty error file collects as an empty file,
 * and `expired`, which Azure says it does not use, is handled as OpenAI's.
 */
import type OpenAI from 'openai';
import type { BatchProvider } from '../types';
import { openaiProvider, type OpenAIDialect } from '../openai/provider';
import { AZURE_BATCH_SCHEMAS } from '../openai/schemas';

export const AZURE_OPENAI = 'azure-openai';

export const AZURE_DIALECT: OpenAIDialect = { name: AZURE_OPENAI, schemas: AZURE_BATCH_SCHEMAS };

/** The provider of the batches a client built by `createAzureOpenAIClient` can reach. */
export function azureOpenAIProvider(client: OpenAI, account: string): BatchProvider {
  return openaiProvider(client, account, AZURE_DIALECT);
}
