/**
 * The one duration parser of the command line: every flag that takes a time (`--max-wait`,
 * `--poll-interval`, `--interval`, `--connect-timeout`, the simulator's delays, ...) reads `90s`,
 * `30m`, `2h`, `500ms`, or a plain number of milliseconds.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { InvalidArgumentError, Option } from 'commander';
import { formatDuration } from './format';

/** Milliseconds, or NaN when `value` is no duration. */
function toMs(value: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  try {
    return msToNumber(text as never);
  } catch {
    return Number.NaN;
  }
}

/** The message for a value that is not a duration (or not a positive one). */
export function durationProblem(value: string, allowZero = false): string | undefined {
  const ms = toMs(value);
  if (Number.isFinite(ms) && (ms > 0 || (allowZero && ms === 0))) return undefined;
  return `must be a ${allowZero ? 'non-negative' : 'positive'} duration such as 500ms, 90s, 30m or 2h (a plain number is milliseconds), got ${JSON.stringify(value)}`;
}

/** A positive duration in ms, or throws `describe(problem)`. */
export function parseDuration(value: string, allowZero = false): number {
  const problem = durationProblem(value, allowZero);
  if (problem) throw new InvalidArgumentError(problem);
  return toMs(value);
}

/** Commander parser of a positive duration flag. */
export const durationFlag = (value: string): number => parseDuration(value);

/** Commander parser of a duration flag that may be 0 (e.g. "cancelling takes no time"). */
export const nonNegativeDurationFlag = (value: string): number => parseDuration(value, true);

/** A duration flag with a default, shown in `--help` as a duration (`30s`), not as milliseconds. */
export function durationOption(
  flags: string,
  description: string,
  defaultMs: number,
  opts: { allowZero?: boolean } = {},
): Option {
  return new Option(flags, description)
    .argParser(opts.allowZero ? nonNegativeDurationFlag : durationFlag)
    .default(defaultMs, formatDuration(defaultMs));
}
