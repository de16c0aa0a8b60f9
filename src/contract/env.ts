/** Environment variables validated with zod, in one way for the worker's configuration and each provider's own. */
import type { z } from 'zod';
import { ConfigError } from './errors';

/**
 * The variables `schema` names, taken from `env` (an empty one counts as unset) and validated; a
 * ConfigError names each bad variable, never its value (it could be a secret).
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> {
  const picked = Object.fromEntries(
    Object.keys(schema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const result = schema.safeParse(picked);
  if (!result.success)
    throw new ConfigError(result.error.issues.map((i) => `${String(i.path[0] ?? '(env)')}: ${i.message}`));
  return result.data;
}
