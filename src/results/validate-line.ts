/** Turns one raw line into a validated value or a reason to quarantine it. */
import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import type { Line } from './line-splitter';

export type LineVerdict<T> = { ok: true; value: T } | { ok: false; reason: string };

export function validateLine<T>(line: Line, schema: z.ZodType<T>): LineVerdict<T> {
  if (line.oversized) return { ok: false, reason: `line-too-long (${line.length} bytes)` };
  if (!isUtf8(line.content)) return { ok: false, reason: 'invalid-utf8' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid-json' };
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      reason: `schema: ${issue ? `${issue.path.join('.') || '(line)'}: ${issue.message}` : 'invalid'}`,
    };
  }
  return { ok: true, value: result.data };
}
