/** An Azure OpenAI resource as an account of the accounts file: `provider = "azure-openai"`. */
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
import { createAzureOpenAIClient, entraIdTokens, type AzureCredential } from './client';
import { AZURE_OPENAI, azureOpenAIProvider } from './provider';

/** Azure OpenAI's dated API versions (`2024-10-21`, `2025-04-01-preview`). */
export const AZURE_API_VERSION = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'must be an Azure OpenAI API version such as 2024-10-21');

const AzureAccountSchema = z
  .strictObject({
    provider: z.literal(AZURE_OPENAI),
    endpoint: z.url({ message: 'must be the resource endpoint, e.g. https://my-resource.openai.azure.com' }),
    api: z.enum(['classic', 'v1']).default('classic'),
    api_version: AZURE_API_VERSION.optional(),
    auth: z.enum(['api-key', 'entra-id']).default('api-key'),
    timeout_ms: z.number().int().positive().optional(),
    ...KEY_FIELDS,
  })
  .superRefine((t, ctx) => {
    oneKeySource(t, ctx);
    if (t.api === 'classic' && !t.api_version)
      ctx.addIssue({
        code: 'custom',
        path: ['api_version'],
        message: 'required on the classic surface (e.g. "2024-10-21"), or set api = "v1"',
      });
    if (t.auth === 'api-key' && !keySourceOf(t))
      ctx.addIssue({
        code: 'custom',
        path: ['api_key_env'],
        message: 'required (or api_key_file, or auth = "entra-id"): where the key of this resource is',
      });
    // Azure OpenAI sends no webhooks: a secret here would verify nothing.
    if (t.webhook_secret_env)
      ctx.addIssue({
        code: 'custom',
        path: ['webhook_secret_env'],
        message: 'Azure OpenAI sends no batch webhooks: remove it (the wait polls)',
      });
    if (t.auth === 'entra-id' && keySourceOf(t))
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message: 'entra-id takes no api_key_env or api_key_file',
      });
  });

export function azureOpenAIAccount(table: unknown, name: string): AccountSpec {
  const t = parseTable(AzureAccountSchema, table);
  const source = keySourceOf(t);
  const surface = t.api === 'v1' ? '/openai/v1' : `/openai (api-version ${t.api_version ?? '?'})`;
  return {
    name,
    provider: AZURE_OPENAI,
    endpoint: `${t.endpoint.replace(/\/+$/, '')}${surface}`,
    credential: source ? describeKeySource(source) : 'Entra ID (DefaultAzureCredential)',
    // Refused by the schema: Azure OpenAI sends no batch webhooks.
    webhookSecretEnv: undefined,
    connect: (env) => {
      const credential: AzureCredential = source
        ? { apiKey: readKey(source, env) }
        : { tokenProvider: entraIdTokens() };
      return azureOpenAIProvider(
        createAzureOpenAIClient({
          endpoint: t.endpoint,
          api: t.api,
          apiVersion: t.api_version,
          credential,
          timeoutMs: t.timeout_ms,
        }),
        name,
      );
    },
  };
}
