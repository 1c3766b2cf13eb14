import { describe, expect, it } from '@jest/globals';
import { providerDate } from './provider-time.util';

describe('providerDate', () => {
  it('takes Unix milliseconds from 1970 to the end of year 9999', () => {
    expect(providerDate(1_750_263_775_000)?.toISOString()).toBe('2025-06-18T16:22:55.000Z');
    expect(providerDate(253_402_300_799_999)?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('refuses what is not a time: beyond year 9999, infinite, NaN, zero or negative', () => {
    for (const ms of [253_402_300_800_000, 1e308 * 1_000, Number.POSITIVE_INFINITY, Number.NaN, 0, -1]) expect(providerDate(ms)).toBeUndefined();
  });
});
