/** The worker's and the CLI's batch API, from the validated environment. */
import { createOpenAIClient } from '../providers/openai/client';
import { openaiProvider } from '../providers/openai/provider';
import type { BatchProvider } from '../providers/types';
import { requireApiKey, type Config } from './config';

/** OpenAI's Batch API as the environment describes it (OPENAI_API_KEY, OPENAI_BASE_URL, ...). */
export function providerFromConfig(config: Config): BatchProvider {
  return openaiProvider(
    createOpenAIClient({
      apiKey: requireApiKey(config),
      ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
      ...(config.OPENAI_ORG_ID ? { organization: config.OPENAI_ORG_ID } : {}),
      ...(config.OPENAI_PROJECT_ID ? { project: config.OPENAI_PROJECT_ID } : {}),
      timeoutMs: config.OPENAI_TIMEOUT_MS,
    }),
  );
}
