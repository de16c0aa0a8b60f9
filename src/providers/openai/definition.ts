/** OpenAI's Batch API as the registry knows it (src/providers/registry.ts). */
import type { ProviderDefinition } from '../types';
import { OpenAIBatchIdSchema } from './batch-id';
import { createOpenAIClient } from './client';
import { clientOptionsOf, parseOpenAIEnv } from './env';
import { openaiProvider } from './provider';
import { meaningOfWord } from './status';
import { openaiWebhooks } from './webhook-verify';
import { openaiAccount } from './account';

export const openaiDefinition: ProviderDefinition = {
  name: 'openai',
  batchId: OpenAIBatchIdSchema,
  meaningOf: meaningOfWord,
  webhooks: openaiWebhooks,
  account: openaiAccount,
  fromEnv: (env, account) =>
    openaiProvider(createOpenAIClient(clientOptionsOf(parseOpenAIEnv(env))), account),
};
