import { describe, expect, it } from '@jest/globals';
import { ThroughputWindow } from './throughput-window.util';

describe(ThroughputWindow.name, () => {
  it('accepts up to the limit within one second and refuses the next', () => {
    const window = new ThroughputWindow(80);
    for (let i = 0; i < 80; i++) expect(window.tryAcquire(1000 + i)).toBe(true);
    expect(window.tryAcquire(1500)).toBe(false);
    expect(window.countInWindow(1500)).toBe(80);
  });

  it('slides: a send is allowed once the oldest accepted one is 1000 ms old', () => {
    const window = new ThroughputWindow(3);
    expect(window.tryAcquire(0)).toBe(true);
    expect(window.tryAcquire(400)).toBe(true);
    expect(window.tryAcquire(800)).toBe(true);
    expect(window.tryAcquire(999)).toBe(false);
    expect(window.tryAcquire(1000)).toBe(true); // the send at 0 left the window
    expect(window.tryAcquire(1399)).toBe(false);
    expect(window.tryAcquire(1400)).toBe(true);
  });

  it('does not count refused sends against the window', () => {
    const window = new ThroughputWindow(2);
    window.tryAcquire(0);
    window.tryAcquire(10);
    for (let t = 20; t < 1000; t += 10) expect(window.tryAcquire(t)).toBe(false);
    // Had the refusals been recorded, the window would still be full here.
    expect(window.tryAcquire(1000)).toBe(true);
    expect(window.tryAcquire(1010)).toBe(true);
  });

  it('never lets more than the limit through in any 1000 ms, whatever the arrival pattern', () => {
    const limit = 50;
    const window = new ThroughputWindow(limit);
    const accepted: number[] = [];
    let t = 0;
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      t += seed % 7; // 0–6 ms apart: ~3 offered per ms average... far above the limit
      if (window.tryAcquire(t)) accepted.push(t);
    }
    let start = 0;
    for (let end = 0; end < accepted.length; end++) {
      while ((accepted[end] as number) - (accepted[start] as number) >= 1000) start += 1;
      expect(end - start + 1).toBeLessThanOrEqual(limit);
    }
    expect(accepted.length).toBeGreaterThan(limit * 50); // and it does keep accepting at the limit
  });

  it('grows its ring on demand for high limits', () => {
    const window = new ThroughputWindow(100_000);
    for (let i = 0; i < 100_000; i++) expect(window.tryAcquire(i / 1000)).toBe(true);
    expect(window.tryAcquire(200)).toBe(false);
  });

  it('tells the shape of a window that refused: a pause, then the sends it held up arriving together', () => {
    // 100/s paced at 0.98 of it (10.2 ms apart), with a stall from 505 to 535 ms: the three sends due in it arrive
    // together at its end. A second later the window's 100 sends start with those three and take under 1000 ms.
    const window = new ThroughputWindow(100);
    const spacing = 1000 / 98;
    let refusedAt: number | undefined;
    for (let i = 0; i < 200 && refusedAt === undefined; i++) {
      const due = i * spacing;
      const arrives = due > 505 && due < 535 ? 535 : due;
      if (!window.tryAcquire(arrives)) refusedAt = arrives;
    }
    expect(refusedAt).toBeCloseTo(150 * spacing, 6);
    const shape = window.shape(refusedAt!);
    expect(shape.spanMs).toBeCloseTo(150 * spacing - 535, 6);
    expect(shape.pauseBeforeMs).toBeCloseTo(535 - 49 * spacing, 6);
    expect(shape.burstAtStart).toBe(3);
  });

  it('finds no pause and no burst in a window of evenly spaced sends that are simply too many', () => {
    const window = new ThroughputWindow(10);
    for (let i = 0; i < 10; i++) expect(window.tryAcquire(i * 90)).toBe(true);
    expect(window.tryAcquire(900)).toBe(false);
    expect(window.shape(900)).toEqual({ spanMs: 900, pauseBeforeMs: null, burstAtStart: 1 });
  });

  it('refuses a limit below 1', () => {
    expect(() => new ThroughputWindow(0)).toThrow(RangeError);
  });
});
