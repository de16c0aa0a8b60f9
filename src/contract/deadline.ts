/**
 * Deadlines read from batch metadata, parsed without the host's time zone or `Date.parse`, so
 * every worker (and every replay) reaches the same instant from the same text.
 */

/**
 * Plain numbers below this are unix seconds, at or above it unix milliseconds: 1e11 seconds is the
 * year 5138 and 1e11 milliseconds is March 1973, so no deadline anyone means falls in between.
 */
export const EPOCH_MS_THRESHOLD = 1e11;

const EPOCH = /^\d+(\.\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function utcMs(year: number, month: number, day: number, h = 0, m = 0, s = 0, ms = 0): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (h > 23 || m > 59 || s > 59) return null;
  return Date.UTC(year, month - 1, day, h, m, s, ms);
}

function offsetMs(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * Parses a deadline into epoch ms, or null when it is not one of:
 * - unix seconds (`1700000000`, fractions allowed) or unix milliseconds (`1700000000000`), told
 *   apart by {@link EPOCH_MS_THRESHOLD};
 * - an ISO 8601 date-time with an explicit offset (`2025-06-01T12:00:00Z`, `...+02:00`);
 * - an ISO 8601 date alone (`2025-06-01`), read as midnight UTC.
 * A date-time without an offset is refused: it means a different instant in every time zone.
 */
export function parseDeadline(value: string): number | null {
  const text = value.trim();
  if (EPOCH.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n)) return null;
    return Math.round(n < EPOCH_MS_THRESHOLD ? n * 1000 : n);
  }
  const date = DATE.exec(text);
  if (date) return utcMs(Number(date[1]), Number(date[2]), Number(date[3]));
  const dt = DATE_TIME.exec(text);
  if (!dt) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = dt;
  const offset = offsetMs(zone ?? '');
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const local = utcMs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  return local === null || offset === null ? null : local - offset;
}
