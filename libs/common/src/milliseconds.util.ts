import { DateTime } from 'luxon';

/** The largest time a JavaScript Date holds (±8.64e15 ms from 1970): beyond it `toISOString()` throws. */
const MAX_DATE_MS = 8.64e15;

/**
 * Unix seconds from 1e11 on are beyond the year 5000: such a number is JavaScript's `Date.now()`, milliseconds. Says
 * so, with the seconds meant (`timeFormat` names the other form the field takes), instead of "at most 35 days ahead"
 * or "must be unix seconds". Undefined when the value is not a plausible milliseconds timestamp.
 */
export function millisecondsMistake(value: unknown, timeFormat = 'an ISO-8601 time'): string | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{12,16}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n) || n < 1e11 || n > MAX_DATE_MS) return undefined;
  const seconds = Math.floor(n / 1000);
  return `looks like milliseconds (${n} ms is ${new Date(seconds * 1000).toISOString()}): give unix seconds (${seconds}) or ${timeFormat}`;
}

/** An ISO-8601 / RFC 3339 date-time with a zone: `Z`, or an offset `±hh:mm` (or `±hhmm`). */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A time a caller gives (`scheduledFor`, `timeToRun`): unix seconds — an integer from 0, as a number or a string of
 * digits, below 1e11 (larger is milliseconds: `millisecondsMistake`) — or an ISO-8601 date-time with a zone, read by
 * luxon, which refuses a date that does not exist (`2026-02-30`, which `new Date` rolls over to March 2).
 * Undefined when it is neither.
 */
export function parseCallerTime(value: unknown): Date | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 && value < 1e11 ? new Date(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{1,11}$/.test(text)) return new Date(Number(text) * 1000);
  if (!ISO_WITH_ZONE.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}
