import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { CoreConfig } from '@herald/config';
import { LATENESS_BUDGET_MS, RATE_SAFETY, SendRateLimiter } from './send-rate.limiter';

// Against the test run's Redis (test/support/global-setup.mjs), under a prefix of this spec's own.
const prefix = `${process.env.REDIS_PREFIX ?? 'herald-test'}-limiter`;
const limiter = new SendRateLimiter({ redisUrl: process.env.REDIS_URL!, redisPrefix: prefix } as CoreConfig);

describe('SendRateLimiter.reserve', () => {
  afterAll(async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await limiter.onModuleDestroy();
  });

  it('hands out consecutive slots 1 / (0.98 × rate) apart, the next call after the last', async () => {
    const before = Date.now();
    const first = await limiter.reserve('spec-consecutive', 50, 4);
    const second = await limiter.reserve('spec-consecutive', 50, 2);
    const spacing = 1000 / (50 * RATE_SAFETY);
    expect(first).not.toBeNull();
    expect(first!.spacingMs).toBeCloseTo(spacing, 6);
    // Counted from Redis' answer: never before the call, and due now for an idle sender.
    expect(first!.firstAt).toBeGreaterThanOrEqual(before);
    expect(first!.firstAt - Date.now()).toBeLessThanOrEqual(5);
    // Both calls' times carry up to one round trip of uncertainty each; 4 slots of 20.4 ms stand out from it.
    expect(second!.firstAt - first!.firstAt).toBeGreaterThanOrEqual(Math.floor(4 * spacing) - 20);
    expect(second!.firstAt - first!.firstAt).toBeLessThanOrEqual(Math.ceil(4 * spacing) + 20);
  });

  it('leaves at most the lateness budget, less the round trip', async () => {
    const slots = await limiter.reserve('spec-budget', 1000, 1);
    expect(slots!.lateMs).toBeGreaterThanOrEqual(0);
    expect(slots!.lateMs).toBeLessThanOrEqual(LATENESS_BUDGET_MS);
    // The budget keeps any sliding second at ≤ rate: (1 s + budget) × 0.98 × rate < rate.
    expect((1000 + LATENESS_BUDGET_MS) * RATE_SAFETY).toBeLessThan(1000);
  });

  it('reserves nothing when the sender is booked beyond the horizon', async () => {
    // 10 slots at 10/s book the sender ≈ 1 s ahead; with a 500 ms horizon the next call is refused.
    expect(await limiter.reserve('spec-horizon', 10, 10)).not.toBeNull();
    expect(await limiter.reserve('spec-horizon', 10, 1, 500)).toBeNull();
    expect(await limiter.reserve('spec-horizon', 10, 1, 5_000)).not.toBeNull();
  });

  it('holds every slot of a paused sender until the pause ends', async () => {
    await limiter.pause('spec-paused', 300);
    const slots = await limiter.reserve('spec-paused', 100, 1);
    expect(slots!.firstAt - Date.now()).toBeGreaterThan(200);
  });
});
