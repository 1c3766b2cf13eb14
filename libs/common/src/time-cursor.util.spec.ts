import { describe, expect, it } from '@jest/globals';
import { HeraldError } from './herald.error';
import { decodeTimeCursor, encodeTimeCursor } from './time-cursor.util';

describe('time cursors', () => {
  const row = { created_at: new Date('2026-11-21T09:00:00.123Z'), id: '3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b' };

  it('round-trips the position, and none means the start', () => {
    expect(decodeTimeCursor('m', encodeTimeCursor('m', row))).toEqual({ createdAt: '2026-11-21T09:00:00.123Z', id: row.id });
    expect(decodeTimeCursor('m', undefined)).toBeUndefined();
    expect(decodeTimeCursor('m', '')).toBeUndefined();
  });

  it("refuses another list's cursor and anything it did not make", () => {
    for (const bad of [encodeTimeCursor('k', row), 'not a cursor', Buffer.from('m:yesterday|x').toString('base64url')]) {
      expect(() => decodeTimeCursor('m', bad)).toThrow(HeraldError);
      try {
        decodeTimeCursor('m', bad);
      } catch (e) {
        expect((e as HeraldError).code).toBe('invalid_cursor');
      }
    }
  });
});
