import { describe, expect, it } from '@jest/globals';
import { TimerWheel } from './timer-wheel.util';

function wheelAt(start: number) {
  let now = start;
  const ran: string[] = [];
  const wheel = new TimerWheel<string>((item) => ran.push(item), { resolutionMs: 10, now: () => now, autoStart: false });
  return {
    wheel,
    ran,
    advanceTo: (t: number) => {
      now = t;
      wheel.runDue(t);
    },
  };
}

describe(TimerWheel.name, () => {
  it('hands items out when their time comes, in time order', () => {
    const { wheel, ran, advanceTo } = wheelAt(1000);
    wheel.schedule(1300, 'c');
    wheel.schedule(1100, 'a');
    wheel.schedule(1200, 'b');
    advanceTo(1099);
    expect(ran).toEqual([]);
    advanceTo(1205);
    expect(ran).toEqual(['a', 'b']);
    advanceTo(2000);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(wheel.size).toBe(0);
  });

  it('keeps the order of items scheduled for the same bucket', () => {
    const { wheel, ran, advanceTo } = wheelAt(0);
    for (const item of ['1', '2', '3']) wheel.schedule(50, item);
    advanceTo(60);
    expect(ran).toEqual(['1', '2', '3']);
  });

  it('runs an item scheduled in the past on the next tick', () => {
    const { wheel, ran, advanceTo } = wheelAt(5000);
    advanceTo(6000);
    wheel.schedule(100, 'late');
    advanceTo(6010);
    expect(ran).toEqual(['late']);
  });

  it('holds a hundred thousand items without a timer each and drops them on clear', () => {
    const { wheel, ran, advanceTo } = wheelAt(0);
    for (let i = 0; i < 100_000; i++) wheel.schedule(i % 1000, String(i));
    expect(wheel.size).toBe(100_000);
    advanceTo(500);
    expect(ran.length).toBeGreaterThan(40_000);
    wheel.clear();
    advanceTo(5000);
    expect(wheel.size).toBe(0);
    expect(ran.length).toBeLessThan(100_000);
  });

  it('goes on with the other items when one throws', () => {
    let now = 0;
    const ran: number[] = [];
    const errors: unknown[] = [];
    const wheel = new TimerWheel<number>(
      (n) => {
        if (n === 1) throw new Error('boom');
        ran.push(n);
      },
      { resolutionMs: 10, now: () => now, autoStart: false, onError: (error) => errors.push(error) },
    );
    wheel.schedule(5, 1);
    wheel.schedule(5, 2);
    now = 20;
    wheel.runDue(now);
    expect(ran).toEqual([2]);
    expect(errors).toEqual([new Error('boom')]);
  });

  it('runs on its own timer when started', async () => {
    const ran: string[] = [];
    const wheel = new TimerWheel<string>((item) => ran.push(item), { resolutionMs: 5 });
    wheel.schedule(Date.now() + 20, 'tick');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(ran).toEqual(['tick']);
    wheel.stop();
  });
});
