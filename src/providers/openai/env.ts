/**
 * OpenAI's settings as the environment gives them (OPENAI_API_KEY, OPENAI_BASE_URL, ...), in one
 * place: the worker's configuration includes them, and the provider's definition reads them.
 * The key stays here and in the SDK client: never in workflow input or logs.
 */
import { z } from 'zod';
import { parseEnv } from '../../contract/env';
import { ConfigError } from '../../contract/errors';
import type { OpenAIClientOptions } from './client';

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** zod shapes of OpenAI's environment variables. */
export const OPENAI_ENV = {
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.url({ message: 'must be a URL such as https://api.openai.com/v1' }).optional(),
  OPENAI_ORG_ID: optionalString,
  OPENAI_PROJECT_ID: optionalString,
  OPENAI_TIMEOUT_MS: positiveInt(60_000),
  /** The webhook endpoint's signing secret (`whsec_…`), for the `webhooks` receiver only. */
  OPENAI_WEBHOOK_SECRET: optionalString,
};
const OpenAIEnvSchema = z.object(OPENAI_ENV);
export type OpenAIEnv = z.infer<typeof OpenAIEnvSchema>;

/** The API key, or a ConfigError saying how to get going without one. */
export function requireApiKey(env: Pick<OpenAIEnv, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL'>): string {
  if (!env.OPENAI_API_KEY) {
    // Already pointed somewhere (the simulator, a proxy): only the key is missing.
    throw new ConfigError([
      env.OPENAI_BASE_URL
        ? `OPENAI_API_KEY: required: the key of the API at ${env.OPENAI_BASE_URL} (the simulator prints its own, sk-simulator unless started with --api-key)`
        : 'OPENAI_API_KEY: required to talk to OpenAI (set it, or point OPENAI_BASE_URL at the simulator with its key)',
    ]);
  }
  return env.OPENAI_API_KEY;
}

/** The SDK client's options from validated settings (a ConfigError without a key). */
export function clientOptionsOf(env: OpenAIEnv): OpenAIClientOptions {
  return {
    apiKey: requireApiKey(env),
    ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
    ...(env.OPENAI_ORG_ID ? { organization: env.OPENAI_ORG_ID } : {}),
    ...(env.OPENAI_PROJECT_ID ? { project: env.OPENAI_PROJECT_ID } : {}),
    timeoutMs: env.OPENAI_TIMEOUT_MS,
  };
}

/** Validates OpenAI's variables of `env`; a ConfigError names each bad one (never its value). */
export function parseOpenAIEnv(env: Readonly<Record<string, string | undefined>>): OpenAIEnv {
  return parseEnv(OpenAIEnvSchema, env);
}
