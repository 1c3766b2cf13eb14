/**
 * The latest instant a provider's timestamp may name: the end of year 9999, the last one ISO 8601's four-digit years
 * write. A number beyond it (`1e308`) is not a time: `new Date` of it is invalid and Postgres refuses what it prints.
 */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `ms` (Unix milliseconds) as a Date, or undefined when it is not a time: not finite, not after 1970, past year 9999. */
export function providerDate(ms: number): Date | undefined {
  return Number.isFinite(ms) && ms > 0 && ms <= LATEST_MS ? new Date(ms) : undefined;
}

/** How far ahead of Herald's clock a provider's time may be before it is read as now (clocks differ by seconds). */
export const PROVIDER_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * `items` with their time `key` no later than `now` + PROVIDER_CLOCK_AHEAD_MS, and how many were moved back to `now`.
 * A time far ahead (a provider's clock gone wrong, a body forged with year 9999) would sort a message first for ever,
 * hold a contact's service window open for ever, and make a watermark cover sends not made yet.
 */
export function notAhead<T, K extends keyof T>(items: readonly T[], key: K, now: Date): { items: readonly T[]; moved: number } {
  const latest = now.getTime() + PROVIDER_CLOCK_AHEAD_MS;
  const ahead = (item: T) => {
    const at = item[key] as unknown;
    return at instanceof Date && at.getTime() > latest;
  };
  // Nearly always none: the items as they are, nothing copied (every status webhook passes here).
  if (!items.some(ahead)) return { items, moved: 0 };
  let moved = 0;
  const out = items.map((item) => {
    if (!ahead(item)) return item;
    moved += 1;
    return { ...item, [key]: now };
  });
  return { items: out, moved };
}
