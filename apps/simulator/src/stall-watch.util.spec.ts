import { describe, expect, it } from '@jest/globals';
import { STALL_MS, STALL_TICK_MS, StallWatch } from './stall-watch.util';

describe('StallWatch', () => {
  /** Ticks on time from `from` to `to` (exclusive), as the timer would with nothing in its way. */
  function onTime(watch: StallWatch, from: number, to: number): number {
    let at = from;
    for (; at < to; at += STALL_TICK_MS) watch.note(at);
    return at;
  }

  it('counts a tick more than STALL_MS late as a stall from when it was due to when it ran', () => {
    const watch = new StallWatch(() => 0);
    let at = onTime(watch, 0, 100); // ticks 0, 5, …, 95: the next is due at 100
    expect(watch.summary()).toEqual({ stalls: 0, longestMs: 0 });
    at += 20; // the loop stood still: the tick due at 100 runs at 120
    watch.note(at);
    expect(watch.summary()).toEqual({ stalls: 1, longestMs: 20 });
    expect(watch.longestEndingWithin(90, 99)).toBe(0); // before the stall began
    expect(watch.longestEndingWithin(105, 115)).toBe(0); // while it lasted: nothing held was stamped then
    expect(watch.longestEndingWithin(115, 125)).toBe(20); // sends stamped at its end
    expect(watch.longestEndingWithin(121, 200)).toBe(0);
  });

  it('does not count a tick late by no more than STALL_MS (timers run a little late on their own)', () => {
    const watch = new StallWatch(() => 0);
    watch.note(0);
    watch.note(STALL_TICK_MS + STALL_MS);
    expect(watch.summary()).toEqual({ stalls: 0, longestMs: 0 });
    watch.note(2 * STALL_TICK_MS + 2 * STALL_MS + 1);
    expect(watch.summary().stalls).toBe(1);
  });

  it('answers with the longest of the stalls ending in the interval, and forgets stalls older than 5 s', () => {
    const watch = new StallWatch(() => 0);
    watch.note(0);
    watch.note(5 + 12); // 5 → 17
    watch.note(22 + 30); // 22 → 52
    expect(watch.longestEndingWithin(0, 60)).toBe(30);
    expect(watch.longestEndingWithin(0, 20)).toBe(12);
    watch.note(57);
    watch.note(6_000); // a stall of its own, 62 → 6,000
    watch.note(6_000 + STALL_TICK_MS + 9); // another: the ones that ended more than 5 s ago are dropped
    expect(watch.longestEndingWithin(0, 60)).toBe(0);
    expect(watch.longestEndingWithin(5_990, 6_010)).toBe(5_938);
    expect(watch.summary()).toEqual({ stalls: 4, longestMs: 5_938 });
  });

  it('tells lateness on the monotonic clock: a step of the wall clock is no stall; a stall ends at the wall time of its tick', () => {
    const watch = new StallWatch(() => 0);
    watch.note(1_000, 0);
    watch.note(11_005, 5); // the wall clock stepped 10 s ahead; the timer ran on time
    expect(watch.summary()).toEqual({ stalls: 0, longestMs: 0 });
    watch.note(11_030, 30); // 20 ms late on the monotonic clock
    expect(watch.summary()).toEqual({ stalls: 1, longestMs: 20 });
    expect(watch.longestEndingWithin(11_025, 11_035)).toBe(20);
  });

  it('reset forgets the stalls and the summary', () => {
    const watch = new StallWatch(() => 0);
    watch.note(0);
    watch.note(50);
    watch.reset();
    expect(watch.summary()).toEqual({ stalls: 0, longestMs: 0 });
    expect(watch.longestEndingWithin(0, 100)).toBe(0);
  });

  it('start() notes real stalls of the event loop; stop() ends the timer', async () => {
    const watch = new StallWatch();
    watch.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const until = Date.now() + 40;
    while (Date.now() < until); // the loop stands still for 40 ms
    await new Promise((resolve) => setTimeout(resolve, 20));
    watch.stop();
    expect(watch.summary().longestMs).toBeGreaterThanOrEqual(30);
    const { stalls } = watch.summary();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(watch.summary().stalls).toBe(stalls);
  });
});
