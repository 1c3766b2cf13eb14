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
 * How long a sender whose schedule Redis lost waits before it gets slots again: the provider counts over any
 * sliding second, and the sends already scheduled on the lost slots are still leaving (see `RESERVE`).
 */
export const LOSS_WINDOW_MS = 1_000;

/**
 * GCRA (generic cell rate algorithm) over one Redis key per sender: each call reserves the next free slots at
 * or after now. Redis' own clock decides, so workers on machines whose clocks disagree still share one
 * schedule. KEYS[1] = next free slot (ms), KEYS[2] = paused-until (ms), KEYS[3] = alive-since (ms, below).
 * ARGV[1] = slot spacing in ms (fractional), ARGV[2] = the most a caller may be scheduled ahead (ms), ARGV[3] =
 * how many consecutive slots, ARGV[4] = the least time from now to the first slot (ms: the caller's
 * preparation, on an idle sender), ARGV[5] = the furthest end of this sender's schedule the caller has been
 * told of (Redis ms, 0 if none), ARGV[6] = `LOSS_WINDOW_MS`.
 * Returns { first slot, Redis' now, end of the schedule after this reservation } in Redis ms with microseconds
 * (as strings: Lua numbers would be truncated to integers), or -1 when the schedule is already further ahead
 * than ARGV[2] (nothing reserved).
 *
 * **Lost schedules.** When Redis loses its keys (FLUSHALL, a failover to an empty replica, a restart without
 * persistence) the sends already given slots keep leaving on them, up to the horizon ahead. A schedule that
 * started again at "now" would lie on top of the old one, and the provider would count up to twice the rate in
 * a second. So a sender whose schedule was lost gets no slot before a full window (1 s) after the loss, nor
 * before a window after the end of the old schedule as far as the caller knew it. "Lost" is told from "never
 * used" (or idle until its key expired, 60 s after its schedule ended) by two things:
 * - KEYS[3], alive-since: when this limiter's state appeared in this Redis (no expiry; one key per prefix). It
 *   vanishes with the rest, and the first reservation or clock calibration after a loss sets it again, to
 *   Redis' now at that moment (never before the loss). A sender without a schedule that reserves less than a
 *   window after alive-since starts at alive-since + window: every worker gets the same answer from the same
 *   key and clock, whether or not it knew the sender.
 * - ARGV[5], what the caller has seen: a key lives until its schedule's end + 60 s, so a caller that was told
 *   the schedule runs to a time still ahead, while Redis has no schedule or an earlier one, knows it was lost.
 *   The schedule restarts a window after that end: never on the caller's own old slots, nor on other workers'
 *   booked within a window after the caller last asked.
 * A never-used or idle sender on a Redis whose alive-since is older than a window is not delayed. The cost is
 * the first window after alive-since appears: then (the first start on an empty Redis or a new prefix, or
 * after a loss) every sender without a schedule waits until that window ends, at most 1 s, once. The limit:
 * slots may be booked as far ahead as the callers' horizon (two workers running 10 chunk jobs each keep up to
 * about 20 batches of 0.2 s booked: 4 s). The workers that reserved them know, so their restarts clear them;
 * but a worker that never reserved for the sender (or not in the last seconds) knows nothing of them, and only
 * the window separates its slots from old ones due more than a window after the loss (the next reservation of
 * a worker that knew them moves the rest of the schedule past them).
 * The pause (KEYS[2]) is lost with the rest: the provider asks again if it must.
 *
 * One round trip, a handful of O(1) commands. The key's expiry is unchanged: 60 s after the end of the
 * schedule it holds (after a restart, the restarted end); what tells "lost" apart is alive-since and ARGV[5],
 * not how long keys live.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local spacing = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local count = tonumber(ARGV[3] or '1')
local known = tonumber(ARGV[5] or '0')
local window = tonumber(ARGV[6] or '0')
local since = tonumber(redis.call('GET', KEYS[3]) or '-1')
if since < 0 or since > now then
  -- Missing: the state is new or was lost, and it starts now. Ahead of now: Redis' clock went back; not a loss.
  if since < 0 then since = now else since = now - window end
  redis.call('SET', KEYS[3], string.format('%.4f', since))
end
local stored = tonumber(redis.call('GET', KEYS[1]) or '-1')
local nextSlot = math.max(stored, 0)
if stored < 0 and now < since + window then nextSlot = since + window end
if known > now and known > stored + 0.001 then nextSlot = math.max(nextSlot, known + window) end
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local slot = math.max(nextSlot, now + tonumber(ARGV[4] or '0'), paused)
if slot - now > horizon then
  -- A restart is kept even when nothing is reserved, so that every later call restarts at the same point.
  if nextSlot > math.max(stored, 0) then
    redis.call('SET', KEYS[1], string.format('%.4f', nextSlot), 'PX', math.ceil(nextSlot - now + 60000))
  end
  return -1
end
local after = slot + spacing * count
redis.call('SET', KEYS[1], string.format('%.4f', after), 'PX', math.ceil(after - now + 60000))
return { string.format('%.4f', slot), string.format('%.4f', now), string.format('%.4f', after) }
`;

/**
 * A calibration sample: Redis' `TIME`, and alive-since (KEYS[1]) set to it if missing, so that after a loss
 * the window of `RESERVE` runs from within one calibration interval of the loss, not from the next send.
 */
const CALIBRATE = `
local t = redis.call('TIME')
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], string.format('%.4f', tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000))
end
return t
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
    aliveKey: string,
    spacingMs: string,
    horizonMs: string,
    count: string,
    leadMs: string,
    knownEndMs: string,
    lossWindowMs: string,
  ): Promise<-1 | [string, string, string]>;
  heraldPause(pauseKey: string, ms: string): Promise<number>;
  heraldCalibrate(aliveKey: string): Promise<[string, string]>;
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
  /**
   * Per sender, the furthest end of its schedule Redis has told this process of (Redis ms): if Redis later has
   * an earlier one or none while that end is still ahead, the schedule was lost (`RESERVE`, ARGV[5]). Entries
   * whose end has passed are dropped at each calibration.
   */
  private readonly knownEnds = new Map<string, number>();

  constructor(config: CoreConfig) {
    this.redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false }) as Scripted;
    this.redis.defineCommand('heraldReserve', { numberOfKeys: 3, lua: RESERVE });
    this.redis.defineCommand('heraldPause', { numberOfKeys: 1, lua: PAUSE });
    this.redis.defineCommand('heraldCalibrate', { numberOfKeys: 1, lua: CALIBRATE });
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
      this.aliveKey(),
      spacing,
      String(horizonMs),
      String(count),
      String(leadMs),
      String(this.knownEnds.get(sender) ?? 0),
      String(LOSS_WINDOW_MS),
    );
    const answered = slotClock();
    if (!Array.isArray(answer)) return null;
    const [slot, now, end] = answer.map(Number) as [number, number, number];
    if (end > (this.knownEnds.get(sender) ?? 0)) this.knownEnds.set(sender, end);
    let offset = this.redisClock.add(asked, now, answered);
    if (offset.hi - offset.lo > MAX_CLOCK_UNCERTAINTY_MS) offset = await this.calibrate();
    return { firstAt: slot - offset.lo, lateMs: Math.max(0, LATENESS_BUDGET_MS - (offset.hi - offset.lo)) };
  }

  /**
   * A few `TIME` round trips: the fastest of them bounds Redis' clock offset tightly. Each also sets alive-since
   * if Redis lost it (`CALIBRATE`).
   */
  private async calibrate(samples = CALIBRATION_SAMPLES): Promise<{ lo: number; hi: number }> {
    let remote = -Infinity;
    for (let i = 0; i < samples; i++) {
      const asked = slotClock();
      const [seconds, micros] = await this.redis.heraldCalibrate(this.aliveKey());
      remote = Number(seconds) * 1000 + Number(micros) / 1000;
      this.redisClock.add(asked, remote, slotClock());
    }
    for (const [sender, end] of this.knownEnds) if (end < remote) this.knownEnds.delete(sender);
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

  /** Not a sender's: those end in `:next` and `:paused`. */
  private aliveKey(): string {
    return `${this.prefix}:alive-since`;
  }
}
