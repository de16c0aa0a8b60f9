/** An OpenAI project as an account of the accounts file: `[accounts.<name>]` with `provider = "openai"`. */
import { z } from 'zod';
import {
  describeKeySource,
  KEY_FIELDS,
  keySourceOf,
  oneKeySource,
  parseTable,
  readKey,
} from '../accounts/table';
import type { AccountSpec } from '../accounts/spec';
import { ConfigError } from '../../contract/errors';
import { createOpenAIClient } from './client';
import { openaiProvider } from './provider';

/** OpenAI's public API, where an account without `base_url` goes. */
export const OPENAI_API_URL = 'https://api.openai.com/v1';

const OpenAIAccountSchema = z
  .strictObject({
    provider: z.literal('openai'),
    base_url: z.url({ message: 'must be a URL such as https://api.openai.com/v1' }).optional(),
    organization: z.string().min(1).optional(),
    project: z.string().min(1).optional(),
    timeout_ms: z.number().int().positive().optional(),
    ...KEY_FIELDS,
  })
  .superRefine((t, ctx) => {
    oneKeySource(t, ctx);
    if (!keySourceOf(t))
      ctx.addIssue({
        code: 'custom',
        path: ['api_key_env'],
        message: 'required (or api_key_file): where the key of this project is',
      });
  });

export function openaiAccount(table: unknown, name: string): AccountSpec {
  const t = parseTable(OpenAIAccountSchema, table);
  const source = keySourceOf(t);
  // The schema refuses a table without one: this only narrows the type.
  if (!source) throw new ConfigError(['api_key_env: required (or api_key_file)']);
  const endpoint = t.base_url ?? OPENAI_API_URL;
  return {
    name,
    provider: 'openai',
    endpoint,
    credential: describeKeySource(source),
    webhookSecretEnv: t.webhook_secret_env,
    connect: (env) =>
      openaiProvider(
        createOpenAIClient({
          apiKey: readKey(source, env),
          baseURL: endpoint,
          ...(t.organization ? { organization: t.organization } : {}),
          ...(t.project ? { project: t.project } : {}),
          ...(t.timeout_ms ? { timeoutMs: t.timeout_ms } : {}),
        }),
        name,
      ),
  };
}
