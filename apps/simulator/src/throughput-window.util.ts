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
    this.times[this.head] = now;
    this.head = (this.head + 1) % this.times.length;
    return true;
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
