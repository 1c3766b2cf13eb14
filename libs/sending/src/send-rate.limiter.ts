import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CoreConfig } from '@herald/config';
import { ClockOffset } from './clock-offset.util';

/**
 * Slots are spaced a little wider than 1/rate: a provider counting over any sliding second must never see
 * rate + 1 sends even when requests arrive a few milliseconds early or late (network jitter). 2 % of the
 * rate is the price of zero throttle violations.
 */
export const RATE_SAFETY = 0.98;

/**
 * How late after its slot a send may leave. With slots spaced 1 / (0.98 × rate), an interval of 1 s + x holds
 * at most floor((1 + x) × 0.98 × rate) + 1 slots, which is ≤ rate exactly when x < 1/0.98 − 1 ≈ 20.4 ms,
 * whatever the rate: that is all the jitter there is room for, between our slot and the provider's clock. 8 ms
 * of it is ours (less what we do not know of Redis' clock, see `ClockOffset`); the rest is for the network and
 * the provider's own lag. With 18 ms ours, a loaded machine's simulator counted 6–14 refusals in 3 s at
 * 1,000 msg/s, and the pauses after them cost more throughput than the extra slack saved (docs/BENCHMARKS.md,
 * rate limits).
 */
export const LATENESS_BUDGET_MS = 8;
const MAX_LATE_RETRIES = 20;
/**
 * What we may not know of Redis' clock before a reservation is answered with a few extra `TIME` round trips
 * (a cold connection's first answers are slow, and a wide uncertainty eats the whole lateness budget).
 */
const MAX_CLOCK_UNCERTAINTY_MS = 1;
/** Background `TIME` samples keep a fast round trip among the recent ones. */
const CALIBRATE_EVERY_MS = 5_000;
const CALIBRATION_SAMPLES = 3;

/**
 * GCRA (generic cell rate algorithm) over one Redis key per sender: each call reserves the next free slots at
 * or after now. Redis' own clock decides, so workers on machines whose clocks disagree still share one
 * schedule. KEYS[1] = next free slot (ms), KEYS[2] = paused-until (ms). ARGV[1] = slot spacing in ms
 * (fractional), ARGV[2] = the most a caller may be scheduled ahead (ms), ARGV[3] = how many consecutive slots,
 * ARGV[4] = the least time from now to the first slot (ms: the caller's preparation, on an idle sender).
 * Returns { first slot, Redis' now } in Redis ms with microseconds (as strings: Lua numbers would be truncated
 * to integers), or -1 when the schedule is already further ahead than ARGV[2] (nothing reserved).
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local spacing = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local nextSlot = tonumber(redis.call('GET', KEYS[1]) or '0')
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local slot = math.max(nextSlot, now + tonumber(ARGV[4] or '0'), paused)
if slot - now > horizon then return -1 end
local count = tonumber(ARGV[3] or '1')
redis.call('SET', KEYS[1], string.format('%.4f', slot + spacing * count), 'PX', math.ceil(slot - now + spacing * count + 60000))
return { string.format('%.4f', slot), string.format('%.4f', now) }
`;

/**
 * The clock slots are given in: monotonic with sub-millisecond resolution (`Date.now()` moves in whole
 * milliseconds and with the wall clock's steps, both of which would make sends early or late).
 */
export function slotClock(): number {
  return performance.now();
}

/** Waits until `at` on the `slotClock()`; never returns early (timers may fire up to a millisecond early). */
export async function untilSlot(at: number): Promise<void> {
  for (let left = at - slotClock(); left > 0; left = at - slotClock()) await sleep(left);
}

/** Pauses a sender until now + ARGV[1] ms unless it is paused longer already. KEYS[1] = paused-until. */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], tostring(untilMs), 'PX', tonumber(ARGV[1]) + 1000) end
return untilMs - now
`;

/**
 * Consecutive send slots: slot i is due at `firstAt + i × spacingMs` on the `slotClock()` (not `Date.now()`); a
 * send may leave ≤ `lateMs` after it.
 */
export interface ReservedSlots {
  firstAt: number;
  spacingMs: number;
  lateMs: number;
}

type Scripted = Redis & {
  heraldReserve(
    slotKey: string,
    pauseKey: string,
    spacingMs: string,
    horizonMs: string,
    count: string,
    leadMs: string,
  ): Promise<-1 | [string, string]>;
  heraldPause(pauseKey: string, ms: string): Promise<number>;
};

/**
 * The per-sender rate limit every worker process shares, held in Redis: sends through one phone number are
 * spaced so the provider never sees more than its limit in any second, however many workers send.
 */
@Injectable()
export class SendRateLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly redis: Scripted;
  private readonly prefix: string;
  /** Redis' clock − `slotClock()`, learned from the reservations' own round trips. */
  private readonly redisClock = new ClockOffset();
  private calibration?: NodeJS.Timeout;

  constructor(config: CoreConfig) {
    this.redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false }) as Scripted;
    this.redis.defineCommand('heraldReserve', { numberOfKeys: 2, lua: RESERVE });
    this.redis.defineCommand('heraldPause', { numberOfKeys: 1, lua: PAUSE });
    this.redis.on('error', () => undefined); // callers see failures as rejected calls
    this.prefix = `${config.redisPrefix}:rate`;
  }

  /**
   * Reserves a send slot for `sender` at `perSecond` and waits for it. Returns false without reserving when
   * the sender is booked further ahead than `horizonMs` (the caller should come back later).
   */
  async acquire(sender: string, perSecond: number, horizonMs = 10_000): Promise<boolean> {
    const spacing = (1000 / (perSecond * RATE_SAFETY)).toFixed(4);
    for (let attempt = 1; ; attempt += 1) {
      const slot = await this.reserveOne(sender, spacing, horizonMs);
      if (slot === null) return false;
      await untilSlot(slot.firstAt);
      // A send that leaves well after its slot (a busy event loop, a pause) could land right before the next
      // sender's slot and make the provider count one too many in a second: take a fresh slot instead.
      if (slotClock() - slot.firstAt <= slot.lateMs || attempt >= MAX_LATE_RETRIES) return true;
    }
  }

  /**
   * Reserves `count` consecutive slots of `sender` in one round trip (campaign chunks send in batches).
   * Slot i is due at `firstAt + i × spacingMs` (`slotClock()` times). A send that would leave more than
   * `lateMs` after its slot must not go on that slot (see `acquire`): the caller reserves again for what is
   * left. Null when the sender is booked beyond `horizonMs`. The first slot is at least `leadMs` away, so a caller
   * that still has work to do before sending (a claim) is not late on an idle sender's first slots.
   */
  async reserve(
    sender: string,
    perSecond: number,
    count: number,
    { horizonMs = 10_000, leadMs = 0 }: { horizonMs?: number; leadMs?: number } = {},
  ): Promise<ReservedSlots | null> {
    const spacingMs = 1000 / (perSecond * RATE_SAFETY);
    const slots = await this.reserveOne(sender, spacingMs.toFixed(4), horizonMs, count, leadMs);
    return slots && { ...slots, spacingMs };
  }

  /**
   * Redis' clock places the slot; ours must not send before it. The first slot is mapped onto our clock with the
   * largest offset the round trips allow, so no send is early whatever the offset really is; what the offset
   * may really be beyond that (normally a fraction of a millisecond: the fastest recent round trip) is how late
   * a send on time by our clock may already be by Redis', so it is taken off the lateness budget.
   */
  private async reserveOne(
    sender: string,
    spacing: string,
    horizonMs: number,
    count = 1,
    leadMs = 0,
  ): Promise<{ firstAt: number; lateMs: number } | null> {
    const asked = slotClock();
    const answer = await this.redis.heraldReserve(
      this.slotKey(sender),
      this.pauseKey(sender),
      spacing,
      String(horizonMs),
      String(count),
      String(leadMs),
    );
    const answered = slotClock();
    if (!Array.isArray(answer)) return null;
    const [slot, now] = answer.map(Number) as [number, number];
    let offset = this.redisClock.add(asked, now, answered);
    if (offset.hi - offset.lo > MAX_CLOCK_UNCERTAINTY_MS) offset = await this.calibrate();
    return { firstAt: slot - offset.lo, lateMs: Math.max(0, LATENESS_BUDGET_MS - (offset.hi - offset.lo)) };
  }

  /** A few `TIME` round trips: the fastest of them bounds Redis' clock offset tightly. */
  private async calibrate(samples = CALIBRATION_SAMPLES): Promise<{ lo: number; hi: number }> {
    for (let i = 0; i < samples; i++) {
      const asked = slotClock();
      const [seconds, micros] = await this.redis.time();
      this.redisClock.add(asked, Number(seconds) * 1000 + Number(micros) / 1000, slotClock());
    }
    return this.redisClock.bounds();
  }

  onModuleInit(): void {
    const calibrate = () => void this.calibrate().catch(() => undefined); // Redis down: the next round trips tell
    calibrate();
    this.calibration = setInterval(calibrate, CALIBRATE_EVERY_MS).unref();
  }

  /** Holds every send of `sender` for `ms` (after the provider said it is over its throughput). */
  async pause(sender: string, ms: number): Promise<void> {
    await this.redis.heraldPause(this.pauseKey(sender), String(Math.max(1, Math.round(ms))));
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.calibration);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private slotKey(sender: string): string {
    return `${this.prefix}:${sender}:next`;
  }

  private pauseKey(sender: string): string {
    return `${this.prefix}:${sender}:paused`;
  }
}
