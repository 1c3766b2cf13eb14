import { describe, expect, it } from '@jest/globals';
import { notAhead, providerDate } from './provider-time.util';

describe('providerDate', () => {
  it('takes Unix milliseconds from 1970 to the end of year 9999', () => {
    expect(providerDate(1_750_263_775_000)?.toISOString()).toBe('2025-06-18T16:22:55.000Z');
    expect(providerDate(253_402_300_799_999)?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('refuses what is not a time: beyond year 9999, infinite, NaN, zero or negative', () => {
    for (const ms of [253_402_300_800_000, 1e308 * 1_000, Number.POSITIVE_INFINITY, Number.NaN, 0, -1]) expect(providerDate(ms)).toBeUndefined();
  });
});

describe('notAhead', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  it('keeps times up to five minutes ahead of now, and moves later ones to now, saying how many', () => {
    const items = [
      { id: 'past', at: new Date('2026-12-06T11:00:00Z') },
      { id: 'skew', at: new Date('2026-12-06T12:04:59Z') },
      { id: 'ahead', at: new Date('2026-12-06T12:05:01Z') },
      { id: 'forged', at: new Date('9999-12-31T23:59:59Z') },
    ];
    const { items: out, moved } = notAhead(items, 'at', now);
    expect(out.map((i) => [i.id, i.at.toISOString()])).toEqual([
      ['past', '2026-12-06T11:00:00.000Z'],
      ['skew', '2026-12-06T12:04:59.000Z'],
      ['ahead', now.toISOString()],
      ['forged', now.toISOString()],
    ]);
    expect(moved).toBe(2);
    expect(items[2]!.at.toISOString()).toBe('2026-12-06T12:05:01.000Z'); // the input is left as it was
  });
});
