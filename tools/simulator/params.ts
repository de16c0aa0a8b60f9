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

/** A list's `limit` query parameter, answered with OpenAI's 400 when outside 1..max. */
export function limitParam(query: URLSearchParams, max: number, fallback: number): number {
  const raw = query.get('limit');
  const limit = raw === null ? fallback : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalidRequest(
      `Invalid 'limit': expected an integer between 1 and ${max}, but got ${raw ?? ''} instead.`,
      'limit',
      'integer_out_of_range',
    );
  }
  return limit;
}

/** A list's `order` query parameter: `asc` or `desc` (the default). */
export function orderParam(query: URLSearchParams): 'asc' | 'desc' {
  const raw = query.get('order') ?? 'desc';
  if (raw !== 'asc' && raw !== 'desc')
    throw invalidRequest(
      `Invalid value for 'order': '${raw}'. Supported values are: 'asc' and 'desc'.`,
      'order',
      'invalid_value',
    );
  return raw;
}

/**
 * The simulator's one extension of the API, carried in a field the real API has: a batch created
 * with this metadata key answers one request every that many ms (`create-batch --ms-per-request`),
 * so a batch made to be cancelled stays in progress. OpenAI keeps the key as plain metadata.
 */
export const PACE_METADATA_KEY = 'simulator_ms_per_request';

export function paceOf(metadata: Record<string, string> | null): number | undefined {
  const raw = metadata?.[PACE_METADATA_KEY];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw invalidRequest(
      `Invalid 'metadata.${PACE_METADATA_KEY}': expected a whole number of milliseconds, got '${raw}'.`,
      'metadata',
      'invalid_value',
    );
  return Number(raw);
}
