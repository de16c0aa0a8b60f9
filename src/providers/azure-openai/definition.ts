/**
 * Azure OpenAI's Batch API as the registry knows it: as an account of the accounts file
 * (account.ts), or as a worker's default account with `BATCH_PROVIDER=azure-openai` and the SDK's
 * own variables (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, OPENAI_API_VERSION).
 */
import { z } from 'zod';
import { parseEnv } from '../../contract/env';
import { ConfigError } from '../../contract/errors';
import type { ProviderDefinition } from '../types';
import { OpenAIBatchIdSchema } from '../openai/batch-id';
import { meaningOfWord } from '../openai/status';
import { optionalString, positiveInt } from '../openai/env';
import { azureOpenAIAccount, AZURE_API_VERSION } from './account';
import { createAzureOpenAIClient } from './client';
import { AZURE_OPENAI, azureOpenAIProvider } from './provider';

const AzureEnvSchema = z.object({
  AZURE_OPENAI_ENDPOINT: z
    .url({ message: 'must be the resource endpoint, e.g. https://my-resource.openai.azure.com' })
    .optional(),
  AZURE_OPENAI_API_KEY: optionalString,
  OPENAI_API_VERSION: AZURE_API_VERSION.optional(),
  OPENAI_TIMEOUT_MS: positiveInt(60_000),
});

export const azureOpenAIDefinition: ProviderDefinition = {
  name: AZURE_OPENAI,
  // Azure's batch ids have OpenAI's form (`batch_<uuid>`).
  batchId: OpenAIBatchIdSchema,
  meaningOf: (status) => meaningOfWord(status.toLowerCase()),
  account: azureOpenAIAccount,
  fromEnv: (env, account) => {
    const e = parseEnv(AzureEnvSchema, env);
    const missing = [
      ...(e.AZURE_OPENAI_ENDPOINT
        ? []
        : ['AZURE_OPENAI_ENDPOINT: required with BATCH_PROVIDER=azure-openai']),
      ...(e.AZURE_OPENAI_API_KEY
        ? []
        : [
            'AZURE_OPENAI_API_KEY: required with BATCH_PROVIDER=azure-openai (or use an accounts file with auth = "entra-id")',
          ]),
      ...(e.OPENAI_API_VERSION
        ? []
        : ['OPENAI_API_VERSION: required with BATCH_PROVIDER=azure-openai, e.g. 2024-10-21']),
    ];
    if (missing.length || !e.AZURE_OPENAI_ENDPOINT || !e.AZURE_OPENAI_API_KEY) throw new ConfigError(missing);
    return azureOpenAIProvider(
      createAzureOpenAIClient({
        endpoint: e.AZURE_OPENAI_ENDPOINT,
        api: 'classic',
        apiVersion: e.OPENAI_API_VERSION,
        credential: { apiKey: e.AZURE_OPENAI_API_KEY },
        timeoutMs: e.OPENAI_TIMEOUT_MS,
      }),
      account,
    );
  },
};
