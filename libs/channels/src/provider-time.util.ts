/**
 * The latest instant a provider's timestamp may name: the end of year 9999, the last one ISO 8601's four-digit years
 * write. A number beyond it (`1e308`) is not a time: `new Date` of it is invalid and Postgres refuses what it prints.
 */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `ms` (Unix milliseconds) as a Date, or undefined when it is not a time: not finite, not after 1970, past year 9999. */
export function providerDate(ms: number): Date | undefined {
  return Number.isFinite(ms) && ms > 0 && ms <= LATEST_MS ? new Date(ms) : undefined;
}
