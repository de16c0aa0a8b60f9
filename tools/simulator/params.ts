/** Parsing and validating JSON request bodies with OpenAI's 400 messages. */
import { invalidRequest } from './errors';

export async function jsonBody(ctx: { body(): Promise<Buffer> }): Promise<Record<string, unknown>> {
  const text = (await ctx.body()).toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text === '' ? '{}' : text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw invalidRequest(
    'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.',
  );
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) {
    throw invalidRequest(`Missing required parameter: '${field}'.`, field, 'missing_required_parameter');
  }
  if (typeof value !== 'string')
    throw invalidRequest(`Invalid type for '${field}': expected a string.`, field, 'invalid_type');
  return value;
}

export function parseMetadata(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  const entries = typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : undefined;
  const valid =
    entries !== undefined &&
    entries.length <= 16 &&
    entries.every(([k, v]) => k.length <= 64 && typeof v === 'string' && v.length <= 512);
  if (!valid) {
    throw invalidRequest(
      "Invalid 'metadata': expected at most 16 string values, keys up to 64 and values up to 512 characters.",
      'metadata',
      'invalid_value',
    );
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
