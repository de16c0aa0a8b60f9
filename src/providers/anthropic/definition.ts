/**
 * Anthropic's Message Batches API as the registry knows it: as an account of the accounts file
 * (account.ts), or as a worker's default account with `BATCH_PROVIDER=anthropic` and the SDK's own
 * variables (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL).
 */
import { z } from 'zod';
import { parseEnv } from '../../contract/env';
import { ConfigError } from '../../contract/errors';
import type { ProviderDefinition } from '../types';
import { optionalString, positiveInt } from '../openai/env';
import { anthropicAccount } from './account';
import { AnthropicBatchIdSchema } from './batch-id';
import { createAnthropicClient, DEFAULT_ANTHROPIC_TIMEOUT_MS } from './client';
import { anthropicProvider } from './provider';
import { ANTHROPIC } from './snapshot';
import { meaningOfWord } from './status';

const AnthropicEnvSchema = z.object({
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: z.url({ message: 'must be the API origin, e.g. https://api.anthropic.com' }).optional(),
  ANTHROPIC_TIMEOUT_MS: positiveInt(DEFAULT_ANTHROPIC_TIMEOUT_MS),
});

export const anthropicDefinition: ProviderDefinition = {
  name: ANTHROPIC,
  batchId: AnthropicBatchIdSchema,
  meaningOf: meaningOfWord,
  account: anthropicAccount,
  fromEnv: (env, account) => {
    const e = parseEnv(AnthropicEnvSchema, env);
    if (!e.ANTHROPIC_API_KEY)
      throw new ConfigError([
        'ANTHROPIC_API_KEY: required with BATCH_PROVIDER=anthropic (or use an accounts file)',
      ]);
    return anthropicProvider(
      createAnthropicClient({
        apiKey: e.ANTHROPIC_API_KEY,
        baseURL: e.ANTHROPIC_BASE_URL,
        timeoutMs: e.ANTHROPIC_TIMEOUT_MS,
      }),
      account,
    );
  },
};
