/**
 * Answers that are not the API's object: an HTML page from a proxy or a wrong base URL, a bare JSON
 * string, a body that is not JSON at all, or an object the spec does not allow. Thrown by the
 * parsers at the boundary; `toApplicationFailure` turns it into `OpenAIUnexpectedResponse`.
 */
import type { z } from 'zod';
import { describeZodError } from '../contract/cancel-input';
import { BatchCancelError } from '../contract/errors';

/** How much of a bad answer a failure message quotes. */
export const FIRST_BYTES = 200;

/** Thrown when a response body is not the documented object. */
export class MalformedResponseError extends BatchCancelError {
  override name = 'MalformedResponseError';
  constructor(
    /** What was expected, e.g. "a batch". */
    readonly expected: string,
    /** Why it was refused: the schema issues, or the JSON parser's error. */
    readonly reason: string,
    /** The start of the answer as received, JSON-quoted. */
    readonly firstBytes: string,
  ) {
    super(`the API answered something that is not ${expected} (${reason}). First bytes: ${firstBytes}`);
  }
}

/** The start of a value as the wire carried it: text as is, anything else as JSON; then quoted. */
export function quoteFirstBytes(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  const cut = text.length > FIRST_BYTES;
  return JSON.stringify(text.slice(0, FIRST_BYTES)) + (cut ? '…' : '');
}

/** Parses `value` with `schema`, or throws {@link MalformedResponseError} naming the bad fields. */
export function parseResponse<S extends z.ZodType>(schema: S, value: unknown, expected: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new MalformedResponseError(expected, describeZodError(parsed.error), quoteFirstBytes(value));
}

/**
 * The error as a {@link MalformedResponseError}, or undefined. Only for errors of a call that reads
 * a JSON response: there the SDK's `response.json()` throws a SyntaxError when a body labelled JSON
 * is not JSON (V8's message quotes the start of the body).
 */
export function asMalformed(
  err: unknown,
  expected = 'the documented object',
): MalformedResponseError | undefined {
  if (err instanceof MalformedResponseError) return err;
  if (err instanceof SyntaxError)
    return new MalformedResponseError(expected, 'not JSON', JSON.stringify(err.message));
  return undefined;
}
