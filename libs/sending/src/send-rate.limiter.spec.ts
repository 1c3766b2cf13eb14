import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { CoreConfig } from '@herald/config';
import { LATENESS_BUDGET_MS, RATE_SAFETY, SendRateLimiter, slotClock, untilSlot } from './send-rate.limiter';

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
    const before = slotClock();
    const first = await limiter.reserve('spec-consecutive', 50, 4);
    const second = await limiter.reserve('spec-consecutive', 50, 2);
    const spacing = 1000 / (50 * RATE_SAFETY);
    expect(first).not.toBeNull();
    expect(first!.spacingMs).toBeCloseTo(spacing, 6);
    // Redis and this process share the machine's clock: due now for an idle sender (within a round trip).
    expect(first!.firstAt).toBeGreaterThanOrEqual(before - 5);
    expect(first!.firstAt - slotClock()).toBeLessThanOrEqual(5);
    // Both are mapped with the same offset bounds (or tighter ones for the second): 4 slots apart, ± the bounds.
    expect(second!.firstAt - first!.firstAt).toBeGreaterThanOrEqual(4 * spacing - 5);
    expect(second!.firstAt - first!.firstAt).toBeLessThanOrEqual(4 * spacing + 5);
  });

  it("leaves the lateness budget less what it does not know of Redis' clock (one fast round trip)", async () => {
    let slots = null;
    for (let i = 0; i < 10; i++) slots = await limiter.reserve('spec-budget', 1000, 1);
    expect(slots!.lateMs).toBeLessThanOrEqual(LATENESS_BUDGET_MS);
    // Ten round trips to a local Redis: the fastest takes well under 2 ms, so most of the budget is left.
    expect(slots!.lateMs).toBeGreaterThan(LATENESS_BUDGET_MS - 2);
    // The budget keeps any sliding second at ≤ rate: (1 s + budget) × 0.98 × rate < rate.
    expect((1000 + LATENESS_BUDGET_MS) * RATE_SAFETY).toBeLessThan(1000);
  });

  it('reserves nothing when the sender is booked beyond the horizon', async () => {
    // 10 slots at 10/s book the sender ≈ 1 s ahead; with a 500 ms horizon the next call is refused.
    expect(await limiter.reserve('spec-horizon', 10, 10)).not.toBeNull();
    expect(await limiter.reserve('spec-horizon', 10, 1, { horizonMs: 500 })).toBeNull();
    expect(await limiter.reserve('spec-horizon', 10, 1, { horizonMs: 5_000 })).not.toBeNull();
  });

  it('puts the first slot of an idle sender at least the lead away, and a booked one right after its last', async () => {
    const asked = slotClock();
    const first = await limiter.reserve('spec-lead', 100, 2, { leadMs: 150 });
    expect(first!.firstAt - asked).toBeGreaterThanOrEqual(150 - 2);
    expect(first!.firstAt - asked).toBeLessThan(150 + 50);
    // Booked until first + 2 slots (≈ first + 20.4 ms), which is sooner than a fresh lead: the lead adds nothing.
    const second = await limiter.reserve('spec-lead', 100, 1, { leadMs: 5 });
    // (± what the two mappings onto our clock may differ by: a millisecond or two.)
    expect(Math.abs(second!.firstAt - first!.firstAt - 2 * first!.spacingMs)).toBeLessThan(2);
  });

  it('holds every slot of a paused sender until the pause ends', async () => {
    await limiter.pause('spec-paused', 300);
    const slots = await limiter.reserve('spec-paused', 100, 1);
    expect(slots!.firstAt - slotClock()).toBeGreaterThan(200);
  });

  it("never lets a send leave before its slot by Redis' clock", async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      for (let i = 0; i < 20; i++) {
        const slots = await limiter.reserve('spec-never-early', 200, 1);
        await untilSlot(slots!.firstAt);
        const [seconds, micros] = await redis.time();
        const redisNow = Number(seconds) * 1000 + Number(micros) / 1000;
        const slot = Number(await redis.get(`${prefix}:rate:spec-never-early:next`)) - 1000 / (200 * RATE_SAFETY);
        expect(redisNow).toBeGreaterThanOrEqual(slot);
      }
    } finally {
      redis.disconnect();
    }
  });
});
