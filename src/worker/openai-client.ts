/** The worker's and the CLI's OpenAI client, from the validated environment. */
import type OpenAI from 'openai';
import { createOpenAIClient } from '../providers/openai/client';
import { requireApiKey, type Config } from './config';

/** The client the environment describes (OPENAI_API_KEY, OPENAI_BASE_URL, ...). */
export function openAIClientFromConfig(config: Config): OpenAI {
  return createOpenAIClient({
    apiKey: requireApiKey(config),
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    ...(config.OPENAI_ORG_ID ? { organization: config.OPENAI_ORG_ID } : {}),
    ...(config.OPENAI_PROJECT_ID ? { project: config.OPENAI_PROJECT_ID } : {}),
    timeoutMs: config.OPENAI_TIMEOUT_MS,
  });
}
