import { describe, expect, it } from '@jest/globals';
import { MessagingLimits } from './messaging-limit.util';

const HOUR = 60 * 60 * 1000;

describe(MessagingLimits.name, () => {
  it('lets a portfolio reach `limit` unique users in 24 hours, and users it reached again for free', () => {
    const limits = new MessagingLimits();
    for (let i = 0; i < 250; i++) expect(limits.tryReach('biz', `user-${i}`, i, 250)).toBe(true);
    expect(limits.tryReach('biz', 'user-250', 300, 250)).toBe(false);
    expect(limits.tryReach('biz', 'user-7', 300, 250)).toBe(true);
    expect(limits.tryReach('other-biz', 'user-250', 300, 250)).toBe(true);
    expect(limits.snapshot(300)).toEqual({ biz: 250, 'other-biz': 1 });
  });

  it('counts over a moving 24 hours from each user’s latest message', () => {
    const limits = new MessagingLimits();
    expect(limits.tryReach('biz', 'a', 0, 2)).toBe(true);
    expect(limits.tryReach('biz', 'b', 10 * HOUR, 2)).toBe(true);
    expect(limits.tryReach('biz', 'c', 20 * HOUR, 2)).toBe(false);
    expect(limits.tryReach('biz', 'c', 24 * HOUR, 2)).toBe(true); // a's 24 hours are over
    expect(limits.tryReach('biz', 'b', 30 * HOUR, 2)).toBe(true); // reached again: counts from now
    expect(limits.tryReach('biz', 'a', 40 * HOUR, 2)).toBe(false);
    expect(limits.tryReach('biz', 'a', 48 * HOUR, 2)).toBe(true);
  });

  it('keeps nothing for an unlimited portfolio, and forgets everything on clear', () => {
    const limits = new MessagingLimits();
    for (let i = 0; i < 1000; i++) expect(limits.tryReach('big', `u${i}`, 0, Number.POSITIVE_INFINITY)).toBe(true);
    expect(limits.snapshot(0)).toEqual({});
    limits.tryReach('biz', 'a', 0, 1);
    limits.clear();
    expect(limits.tryReach('biz', 'b', 0, 1)).toBe(true);
  });
});
