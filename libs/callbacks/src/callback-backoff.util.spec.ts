import { describe, expect, it } from '@jest/globals';
import { CALLBACK_RETRY_CAP_MS, CALLBACK_RETRY_WINDOW_MS, retryDelayMs } from './callback-backoff.util';

describe('retryDelayMs', () => {
  it('doubles from the base up to the cap (at the top of each jitter range)', () => {
    const top = (n: number) => retryDelayMs(n, 5_000, () => 1);
    expect([1, 2, 3, 4].map(top)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(top(11)).toBe(CALLBACK_RETRY_CAP_MS);
    expect(top(500)).toBe(CALLBACK_RETRY_CAP_MS);
  });

  it('draws uniformly between half the base and the step ceiling (full jitter)', () => {
    expect(retryDelayMs(3, 5_000, () => 0)).toBe(2_500);
    expect(retryDelayMs(3, 5_000, () => 0.5)).toBe(11_250);
    const draws = Array.from({ length: 200 }, () => retryDelayMs(6, 5_000));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(2_500);
    expect(Math.max(...draws)).toBeLessThanOrEqual(160_000);
    expect(new Set(draws).size).toBeGreaterThan(100);
  });

  it('retries many times over the 24 h window even at the top of every range', () => {
    let elapsed = 0;
    let attempts = 1;
    while (elapsed < CALLBACK_RETRY_WINDOW_MS) elapsed += retryDelayMs(attempts++, 5_000, () => 1);
    expect(attempts).toBeGreaterThan(30);
  });
});
