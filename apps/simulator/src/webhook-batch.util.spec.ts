import { describe, expect, it } from '@jest/globals';
import { seededRandom } from './random.util';
import { chunk, shakeStatuses } from './webhook-batch.util';

describe(shakeStatuses.name, () => {
  it('passes everything through in order when duplicates and reordering are off', () => {
    expect(shakeStatuses([], [1, 2, 3], seededRandom(1), 0, 0)).toEqual({ now: [1, 2, 3], later: [] });
  });

  it('holds back about the reorder share, to be posted after newer items', () => {
    const fresh = Array.from({ length: 10_000 }, (_, i) => i);
    const { now, later } = shakeStatuses([], fresh, seededRandom(3), 0, 0.1);
    expect(later.length / fresh.length).toBeCloseTo(0.1, 1);
    expect(now.length + later.length).toBe(fresh.length);
    // Next flush: the held-back items go after that flush's fresh ones.
    const next = shakeStatuses(later, [-1], seededRandom(4), 0, 0);
    expect(next.now[0]).toBe(-1);
    expect(next.now.slice(1)).toEqual(later);
  });

  it('posts a duplicate of about the duplicate share again later', () => {
    const fresh = Array.from({ length: 10_000 }, (_, i) => i);
    const { now, later } = shakeStatuses([], fresh, seededRandom(5), 0.05, 0);
    expect(now).toEqual(fresh);
    expect(later.length / fresh.length).toBeCloseTo(0.05, 1);
    expect(later.every((item) => now.includes(item))).toBe(true);
  });

  it('does not shake items held back once again', () => {
    const { now, later } = shakeStatuses([7, 8], [], seededRandom(1), 1, 1);
    expect(now).toEqual([7, 8]);
    expect(later).toEqual([]);
  });
});

describe(chunk.name, () => {
  it('splits into runs of at most the size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2], 100)).toEqual([[1, 2]]);
    expect(chunk([], 100)).toEqual([]);
  });
});
