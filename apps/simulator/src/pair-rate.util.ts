import { TimerWheel } from './timer-wheel.util';

/**
 * Meta's pair rate limit per (business number, recipient): about one message every `intervalMs`, with bursts of
 * up to `burst` borrowed from later. A token bucket kept as GCRA: each pair stores only its "theoretical arrival
 * time" (TAT), the moment its bucket is full again. A send at `now` fits when TAT − now ≤ (burst − 1) × interval,
 * and moves TAT one interval later.
 *
 * Memory is bounded by the pairs that are not full again: each pair is forgotten within a second of its TAT,
 * found through a wheel of one-second buckets (one reference per commit, swept as time passes), so the work per
 * send stays O(1) however long the history.
 *
 * `check` and `commit` are separate so a send refused for another reason (throughput) costs the pair nothing.
 */
export class PairRateLimiter {
  private readonly tats = new Map<string, number>();
  private readonly expiry: TimerWheel<string>;
  private sweptAt = 0;

  constructor(now: () => number = Date.now) {
    this.expiry = new TimerWheel((key) => this.forgetIfFull(key), { resolutionMs: 1000, autoStart: false, now });
  }

  /** Pairs whose bucket is not full again. */
  get size(): number {
    return this.tats.size;
  }

  /**
   * Whether one more send of `key` fits at `now`: the pair's next TAT when it does (pass it to `commit`), or
   * undefined when the send is over the limit.
   */
  check(key: string, now: number, intervalMs: number, burst: number): number | undefined {
    this.sweep(now);
    const stored = this.tats.get(key);
    const tat = stored === undefined || stored < now ? now : stored;
    if (tat - now > (burst - 1) * intervalMs) return undefined;
    return tat + intervalMs;
  }

  /** Records the send that `check` allowed. */
  commit(key: string, nextTat: number): void {
    this.tats.set(key, nextTat);
    this.expiry.schedule(nextTat, key);
  }

  clear(): void {
    this.tats.clear();
    this.expiry.clear();
  }

  /** Forgets the pairs whose buckets are full again (only buckets wholly in the past are swept). */
  private sweep(now: number): void {
    this.sweptAt = now;
    if (this.expiry.size > 0) this.expiry.runDue(now - 1000);
  }

  private forgetIfFull(key: string): void {
    const tat = this.tats.get(key);
    // A later commit moved the TAT on (and scheduled another reference); only a TAT that has passed is full.
    if (tat !== undefined && tat <= this.sweptAt) this.tats.delete(key);
  }
}
