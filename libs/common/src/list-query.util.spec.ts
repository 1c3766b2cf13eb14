import { describe, expect, it } from '@jest/globals';
import { listQuery } from './list-query.util';

describe(listQuery.name, () => {
  it('reads single values, a bounded limit and times, refusing the rest naming the field', () => {
    const q = listQuery({ tag: 'x', limit: '20', from: '2026-12-03T10:00:00Z', to: '1764756000', many: ['a', 'b'], empty: '' });
    expect(q.text('tag')).toBe('x');
    expect(q.text('absent')).toBeUndefined();
    expect(q.limit(100, 1_000)).toBe(20);
    expect(listQuery({}).limit(100, 1_000)).toBe(100);
    expect(q.time('from')?.toISOString()).toBe('2026-12-03T10:00:00.000Z');
    expect(q.time('to')?.toISOString()).toBe('2025-12-03T10:00:00.000Z');
    expect(() => q.text('many')).toThrow(expect.objectContaining({ details: [{ field: 'many', issue: 'must be a single non-empty value' }] }));
    expect(() => q.text('empty')).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => listQuery({ limit: '0' }).limit(100, 1_000)).toThrow(expect.objectContaining({ details: [{ field: 'limit', issue: 'must be a whole number from 1 to 1000' }] }));
    expect(() => listQuery({ limit: '2.5' }).limit(100, 1_000)).toThrow();
    expect(() => listQuery({ from: 'yesterday' }).time('from')).toThrow(expect.objectContaining({ details: [{ field: 'from', issue: 'must be an ISO-8601 time or unix seconds' }] }));
  });
});
