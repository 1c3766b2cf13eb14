/** A delivery is retried for at least this long after it became pending (creation or redelivery), then `failed`. */
export const CALLBACK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The longest wait between two attempts of one delivery (and between two probes of a failing endpoint). */
export const CALLBACK_RETRY_CAP_MS = 60 * 60 * 1000;
/** An endpoint failing (no delivery succeeding) for this long is disabled. */
export const CALLBACK_DISABLE_AFTER_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * The wait before the next attempt after `failures` failures in a row (1 = the first failure): exponential from
 * `baseMs`, doubling, capped at `capMs`, with full jitter (a uniform draw between baseMs/2 and the cap of that step),
 * so that many deliveries failing together (an endpoint down) do not come back together. The floor of baseMs/2
 * keeps a burst of failures from retrying at once.
 *
 * With the default base of 5 s: ≤ 5 s, ≤ 10 s, ≤ 20 s, … ≤ 34 min, then ≤ 1 h each, until 24 h have passed.
 */
export function retryDelayMs(
  failures: number,
  baseMs: number,
  random: () => number = Math.random,
  capMs = CALLBACK_RETRY_CAP_MS,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  const floor = Math.min(ceiling, baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}
