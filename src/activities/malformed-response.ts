/**
 * A bound on malformed answers. A proxy's HTML page or a JSON string where a batch was due is
 * usually a misconfiguration (wrong `OPENAI_BASE_URL`, a login page of a corporate proxy) that no
 * wait fixes, but sometimes a blip. Within one activity attempt the read is repeated up to
 * {@link MALFORMED_READS_PER_ATTEMPT} times; a well-formed answer ends the loop, anything else
 * (HTTP errors, network errors) leaves it at once for the classifier and the retry policy. When
 * every read was malformed the last error is thrown and classified non-retryable, so the workflow
 * fails with the answer's first bytes instead of waiting with no outcome.
 *
 * The count lives inside one attempt on purpose: the poll activity's retry policy is its poll
 * schedule (unbounded attempts), and heartbeat details are not a reliable carrier between attempts
 * (the SDK throttles heartbeats and does not send the last one with a failure).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { asMalformed, MalformedResponseError } from '../providers/malformed';

export const MALFORMED_READS_PER_ATTEMPT = 3;
/** Waits before the 2nd and 3rd read: a blip of a few seconds is ridden out. */
export const MALFORMED_REREAD_DELAYS_MS: readonly number[] = [1_000, 3_000];

export async function readWellFormed<T>(
  expected: string,
  read: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await read();
    } catch (err) {
      const bad = asMalformed(err, expected);
      if (!bad) throw err;
      if (n >= MALFORMED_READS_PER_ATTEMPT) {
        throw new MalformedResponseError(bad.expected, `${bad.reason}; ${n} reads in a row`, bad.firstBytes);
      }
      await sleep(MALFORMED_REREAD_DELAYS_MS[n - 1] ?? 1_000, undefined, signal ? { signal } : undefined);
    }
  }
}
