/** An Anthropic organization's key as an account of the accounts file: `provider = "anthropic"`. */
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
import { createAnthropicClient } from './client';
import { anthropicProvider } from './provider';
import { ANTHROPIC } from './snapshot';

export const ANTHROPIC_API_ORIGIN = 'https://api.anthropic.com';

const AnthropicAccountSchema = z
  .strictObject({
    provider: z.literal(ANTHROPIC),
    base_url: z.url({ message: 'must be the API origin, e.g. https://api.anthropic.com' }).optional(),
    workspace_id: z
      .string()
      .regex(/^wrkspc_[A-Za-z0-9]{1,100}$/, 'must be a workspace id such as wrkspc_01abc')
      .optional(),
    timeout_ms: z.number().int().positive().optional(),
    ...KEY_FIELDS,
  })
  .superRefine((t, ctx) => {
    oneKeySource(t, ctx);
    if (!keySourceOf(t))
      ctx.addIssue({
        code: 'custom',
        path: ['api_key_env'],
        message: 'required (or api_key_file): where the key of this account is',
      });
    // Anthropic sends no batch webhooks: a secret here would verify nothing.
    if (t.webhook_secret_env)
      ctx.addIssue({
        code: 'custom',
        path: ['webhook_secret_env'],
        message: 'Anthropic sends no batch webhooks: remove it (the wait polls)',
      });
  });

export function anthropicAccount(table: unknown, name: string): AccountSpec {
  const t = parseTable(AnthropicAccountSchema, table);
  const source = keySourceOf(t);
  return {
    name,
    provider: ANTHROPIC,
    endpoint: `${(t.base_url ?? ANTHROPIC_API_ORIGIN).replace(/\/+$/, '')}${t.workspace_id ? ` (workspace ${t.workspace_id})` : ''}`,
    credential: source ? describeKeySource(source) : '(none)',
    webhookSecretEnv: undefined,
    connect: (env) => {
      if (!source) throw new Error('api_key_env: required (where the key of this account is)');
      return anthropicProvider(
        createAnthropicClient({
          apiKey: readKey(source, env),
          baseURL: t.base_url,
          workspaceId: t.workspace_id,
          timeoutMs: t.timeout_ms,
        }),
        name,
      );
    },
  };
}
