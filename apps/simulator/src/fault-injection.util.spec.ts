import { describe, expect, it } from '@jest/globals';
import { chooseFault, inPeriodicBurst, serverErrorResponse } from './fault-injection.util';
import { seededRandom } from './random.util';
import { defaultRuntimeConfig } from './simulator.config';

const faults = () => defaultRuntimeConfig().faults;

describe(chooseFault.name, () => {
  it('injects nothing by default and draws no random numbers', () => {
    let draws = 0;
    const random = () => {
      draws += 1;
      return 0;
    };
    expect(chooseFault(faults(), random, false)).toEqual({ kind: 'none', delayMs: 0 });
    expect(draws).toBe(0);
  });

  it('answers 5xx and holds requests in about the configured shares', () => {
    const config = { ...faults(), serverErrorShare: 0.1, timeoutShare: 0.05 };
    const random = seededRandom(11);
    const counts = { none: 0, serverError: 0, timeout: 0, throttleBurst: 0 };
    for (let i = 0; i < 20_000; i++) counts[chooseFault(config, random, false).kind] += 1;
    expect(counts.serverError / 20_000).toBeCloseTo(0.1, 1);
    expect(counts.timeout / 20_000).toBeCloseTo(0.05, 1);
    expect(counts.throttleBurst).toBe(0);
  });

  it('answers 130429 during a burst, whatever the other shares', () => {
    expect(chooseFault({ ...faults(), serverErrorShare: 1 }, seededRandom(1), true).kind).toBe('throttleBurst');
  });

  it('adds extra latency within the range to the configured share', () => {
    const config = { ...faults(), extraLatencyShare: 0.5, extraLatencyMs: { min: 100, max: 200 } };
    const random = seededRandom(9);
    const delays = Array.from({ length: 4000 }, () => chooseFault(config, random, false).delayMs);
    const delayed = delays.filter((d) => d > 0);
    expect(delayed.length / delays.length).toBeCloseTo(0.5, 1);
    expect(Math.min(...delayed)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...delayed)).toBeLessThanOrEqual(200);
  });
});

describe(inPeriodicBurst.name, () => {
  it('is on during the first durationMs of every period', () => {
    const burst = { everyMs: 10_000, durationMs: 500 };
    expect(inPeriodicBurst(20_000, burst)).toBe(true);
    expect(inPeriodicBurst(20_499, burst)).toBe(true);
    expect(inPeriodicBurst(20_500, burst)).toBe(false);
    expect(inPeriodicBurst(25_000, { everyMs: 0, durationMs: 500 })).toBe(false);
  });
});

describe(serverErrorResponse.name, () => {
  it("answers Meta's transient errors: 131000 with 500 or 2 with 503", () => {
    const seen = new Set<string>();
    const random = seededRandom(2);
    for (let i = 0; i < 50; i++) {
      const response = serverErrorResponse(random);
      seen.add(`${response.code}/${response.httpStatus}`);
    }
    expect([...seen].sort()).toEqual(['131000/500', '2/503']);
  });
});
