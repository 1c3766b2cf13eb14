/**
 * What a process knows of another clock (Redis') from round trips: every call asked at local time `asked`,
 * answered at `answered`, and the other side read its clock at `remote` somewhere in between. So the offset
 * θ = remote clock − local clock lies in [remote − answered, remote − asked]. Several samples narrow it to the
 * intersection of their intervals (as NTP's minimum-delay filter does): one fast round trip is enough to know
 * the offset to within that round trip, however slow the others were.
 *
 * Samples older than `maxAgeMs` are forgotten, so a clock that drifts or is stepped is followed; when the kept
 * intervals no longer overlap (a step), the older ones are dropped until they do. Of more than `maxSamples`, the
 * widest go first: one fast round trip keeps bounding the offset for `maxAgeMs`, however many slow ones follow.
 */
export class ClockOffset {
  private samples: Array<{ at: number; lo: number; hi: number }> = [];

  constructor(
    private readonly maxSamples = 32,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** Records one round trip (local times from a monotonic clock) and returns the bounds it leaves. */
  add(asked: number, remote: number, answered: number): { lo: number; hi: number } {
    if (!(answered >= asked)) throw new RangeError(`answered (${answered}) before asked (${asked})`);
    this.samples = this.samples.filter((s) => answered - s.at <= this.maxAgeMs);
    this.samples.push({ at: answered, lo: remote - answered, hi: remote - asked });
    if (this.samples.length > this.maxSamples) this.samples.splice(this.widestButNewest(), 1);
    return this.bounds();
  }

  /**
   * Which sample to forget when there are too many: the widest, never the newest (a stepped clock shows there
   * first). Forgetting the oldest instead let a burst of slow round trips (a busy process, a busy Redis) push out
   * the one fast sample that bounded the offset, and every reservation then paid for calibration round trips.
   */
  private widestButNewest(): number {
    let widest = 0;
    for (let i = 1; i < this.samples.length - 1; i++) {
      const s = this.samples[i]!;
      const w = this.samples[widest]!;
      if (s.hi - s.lo > w.hi - w.lo) widest = i;
    }
    return widest;
  }

  /** The tightest bounds the kept samples allow (±∞ before the first sample). */
  bounds(): { lo: number; hi: number } {
    for (;;) {
      let lo = -Infinity;
      let hi = Infinity;
      for (const s of this.samples) {
        if (s.lo > lo) lo = s.lo;
        if (s.hi < hi) hi = s.hi;
      }
      // The newest sample alone always overlaps itself, so this ends.
      if (lo <= hi || this.samples.length <= 1) return { lo, hi };
      this.samples.shift();
    }
  }
}
