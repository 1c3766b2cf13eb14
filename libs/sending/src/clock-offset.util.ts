/**
 * What a process knows of another clock (Redis') from round trips: every call asked at local time `asked`,
 * answered at `answered`, and the other side read its clock at `remote` somewhere in between. So the offset
 * θ = remote clock − local clock lies in [remote − answered, remote − asked]. Several samples narrow it to the
 * intersection of their intervals (as NTP's minimum-delay filter does): one fast round trip is enough to know
 * the offset to within that round trip, however slow the others were.
 *
 * Samples older than `maxAgeMs` are forgotten, so a clock that drifts or is stepped is followed; when the kept
 * intervals no longer overlap (a step), the older ones are dropped until they do.
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
    if (this.samples.length > this.maxSamples) this.samples.shift();
    return this.bounds();
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
