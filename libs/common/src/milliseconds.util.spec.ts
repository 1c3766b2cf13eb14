import { describe, expect, it } from '@jest/globals';
import { millisecondsMistake } from './milliseconds.util';

describe('millisecondsMistake', () => {
  it('names a Date.now() value as milliseconds, with the seconds meant', () => {
    expect(millisecondsMistake(1795305600000)).toBe(
      'looks like milliseconds (1795305600000 ms is 2026-11-22T00:00:00.000Z): give unix seconds (1795305600) or an ISO-8601 time',
    );
    expect(millisecondsMistake('1795305600000', 'an RFC 3339 time')).toMatch(/give unix seconds \(1795305600\) or an RFC 3339 time$/);
  });

  it('leaves seconds, junk and numbers beyond any date to the field’s own checks (no throw)', () => {
    expect(millisecondsMistake(1795305600)).toBeUndefined();
    expect(millisecondsMistake('soon')).toBeUndefined();
    expect(millisecondsMistake(9_000_000_000_000_000)).toBeUndefined();
    expect(millisecondsMistake('9000000000000000')).toBeUndefined();
    expect(millisecondsMistake(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});
