import { describe, expect, it } from '@jest/globals';
import { HeraldError } from './herald.error';
import { decodeIdCursor, decodeTimeCursor, encodeIdCursor, encodeTimeCursor } from './time-cursor.util';

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

describe('id cursors', () => {
  it('round-trips the id, and none means the start', () => {
    expect(decodeIdCursor('d', encodeIdCursor('d', '9007199254740993'))).toBe('9007199254740993');
    expect(decodeIdCursor('d', undefined)).toBeUndefined();
  });

  it("refuses another list's cursor, an id that is not a whole number, and anything it did not make", () => {
    for (const bad of [encodeIdCursor('f', '12'), encodeIdCursor('d', '1e3'), encodeIdCursor('d', '-1'), encodeIdCursor('d', '1'.repeat(19)), 'd:12', '%%']) {
      expect(() => decodeIdCursor('d', bad)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    }
  });
});
