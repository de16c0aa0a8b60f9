/**
 * What every account table of an accounts file may hold besides its provider's own settings: where
 * its key is (a variable's name, or a secret file's path: never the key) and its webhook secret's
 * variable. Each provider's schema spreads these fields; `readKey` reads the key when the worker
 * connects.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../contract/errors';
import type { Env } from './spec';

/**
 * Upper case only: a key pasted where a variable's name belongs (Azure's keys are letters and
 * digits) is refused here, and the messages, which never quote a refused value, do not print it.
 */
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
const envName = z
  .string()
  .regex(ENV_NAME, 'must be the name of an environment variable in upper case, e.g. OPENAI_API_KEY_RESEARCH');
/** A path, never a bare word: a key pasted here would otherwise be printed as "cannot read <key>". */
const KEY_FILE = /^(\/|\.{1,2}\/)/;

/** zod shapes of the key fields: at most one of api_key_env and api_key_file (the provider says if one is needed). */
export const KEY_FIELDS = {
  /** The variable holding the key. */
  api_key_env: envName.optional(),
  /** A file holding the key (a mounted secret); surrounding whitespace is dropped. */
  api_key_file: z
    .string()
    .regex(KEY_FILE, 'must be a path to the file holding the key (absolute, or ./relative)')
    .optional(),
  /** The variable holding this account's webhook signing secret (the `webhooks` receiver). */
  webhook_secret_env: envName.optional(),
};

/** Where a table says its key is. */
export type KeySource = { env: string } | { file: string };

/** The key source of a table's key fields, or a problem naming the field. */
export function keySourceOf(table: {
  api_key_env?: string | undefined;
  api_key_file?: string | undefined;
}): KeySource | undefined {
  if (table.api_key_env) return { env: table.api_key_env };
  if (table.api_key_file) return { file: table.api_key_file };
  return undefined;
}

/** How `accounts list` names a key source: the variable or the file, never the key. */
export function describeKeySource(source: KeySource): string {
  return 'env' in source ? `$${source.env}` : `file ${source.file}`;
}

/**
 * The key a source holds; throws a message naming the variable or file (never a value) when it
 * is unset, empty or unreadable.
 */
export function readKey(source: KeySource, env: Env): string {
  if ('env' in source) {
    const key = env[source.env];
    if (!key)
      throw new Error(`api_key_env: ${source.env} is not set (the key of this account belongs there)`);
    return key;
  }
  let text: string;
  try {
    text = fs.readFileSync(source.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`api_key_file: cannot read ${source.file} (${code})`);
  }
  const key = text.trim();
  if (!key) throw new Error(`api_key_file: ${source.file} is empty`);
  return key;
}

/** The refinement every provider's table applies: one key source, not two. */
export function oneKeySource(
  table: { api_key_env?: string | undefined; api_key_file?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (table.api_key_env && table.api_key_file)
    ctx.addIssue({
      code: 'custom',
      path: ['api_key_file'],
      message: 'give api_key_env or api_key_file, not both',
    });
}

/**
 * One account table validated with its provider's schema; a ConfigError names each bad field
 * (the file reader prefixes `accounts.<name>.`).
 */
export function parseTable<S extends z.ZodType>(schema: S, table: unknown): z.output<S> {
  const result = schema.safeParse(table);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.flatMap((i) => {
      const at = i.path.map(String);
      // zod reports unknown fields on their table: name each as a field of its own.
      if (i.code === 'unrecognized_keys')
        return i.keys.map(
          (k) => `${[...at, k].join('.')}: unknown field (see the README's Accounts section)`,
        );
      return [at.length ? `${at.join('.')}: ${i.message}` : i.message];
    }),
  );
}
