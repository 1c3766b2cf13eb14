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
