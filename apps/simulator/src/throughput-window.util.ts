/** Arrivals this close to a window's first one count as its burst (`ThroughputWindow.shape`). */
export const BURST_MS = 2;

/** See `ThroughputWindow.shape`. */
export interface WindowShape {
  readonly spanMs: number;
  readonly pauseBeforeMs: number | null;
  readonly burstAtStart: number;
}

/**
 * A sliding window over accepted sends: a send is allowed only when fewer than `limit` sends were accepted in
 * the last `windowMs` (the interval (now − windowMs, now]). Keeps the times of the last `limit` accepted sends
 * in a ring, so each check is O(1): the window is full exactly when the oldest of those is still inside it.
 * A refused send is not recorded. The ring grows on demand, so a high limit costs memory only when used.
 */
export class ThroughputWindow {
  private times: Float64Array;
  /** Index of the oldest recorded time. */
  private head = 0;
  private size = 0;
  /** The arrival just before the oldest one kept (the last one that left the ring), for `shape`. */
  private before: number | undefined;

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number ≥ 1 (got ${limit})`);
    this.times = new Float64Array(Math.min(limit, 256));
  }

  /** Records a send at `now` and returns true, or returns false (recording nothing) when the window is full. */
  tryAcquire(now: number): boolean {
    if (this.size < this.limit) {
      if (this.size === this.times.length) this.grow();
      this.times[(this.head + this.size) % this.times.length] = now;
      this.size += 1;
      return true;
    }
    // Full ring (capacity === limit): head is the oldest of the last `limit` accepted sends.
    const oldest = this.times[this.head] as number;
    if (now - oldest < this.windowMs) return false;
    this.before = oldest;
    this.times[this.head] = now;
    this.head = (this.head + 1) % this.times.length;
    return true;
  }

  /**
   * What the window held when it refused a send at `now`: how long its `limit` sends took to arrive (`spanMs`, under
   * `windowMs`), the pause before the first of them (since the send before it; null when there was none) and how many
   * arrived within `BURST_MS` of that first one. A refusal comes when the window's oldest sends arrived late: a pause
   * then a burst of about pause × rate is sends held up on their way here (or by this process, which stamps a send
   * when it gets to it) and counted together; no pause and no burst means sends came too close all along.
   */
  shape(now: number): WindowShape {
    const first = this.size > 0 ? (this.times[this.head] as number) : now;
    let burstAtStart = 0;
    for (let i = 0; i < this.size && (this.times[(this.head + i) % this.times.length] as number) - first <= BURST_MS; i++) burstAtStart += 1;
    return { spanMs: now - first, pauseBeforeMs: this.before === undefined ? null : first - this.before, burstAtStart };
  }

  /** How many accepted sends fall inside the window ending at `now`. */
  countInWindow(now: number): number {
    let count = 0;
    for (let i = 0; i < this.size; i++) {
      if (now - (this.times[(this.head + i) % this.times.length] as number) < this.windowMs) count += 1;
    }
    return count;
  }

  private grow(): void {
    const next = new Float64Array(Math.min(this.limit, this.times.length * 2));
    for (let i = 0; i < this.size; i++) next[i] = this.times[(this.head + i) % this.times.length] as number;
    this.times = next;
    this.head = 0;
  }
}
