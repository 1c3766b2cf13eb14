import { describe, expect, it } from '@jest/globals';
import { paginate, take } from './paging';

describe(paginate.name, () => {
  const pages: Record<string, { data: number[]; nextCursor: string | null }> = {
    start: { data: [1, 2], nextCursor: 'b' },
    b: { data: [3, 4], nextCursor: 'c' },
    c: { data: [5], nextCursor: null },
  };

  it('yields every item of every page, following nextCursor to the last page', async () => {
    const asked: Array<string | undefined> = [];
    const items: number[] = [];
    for await (const n of paginate(async (cursor) => (asked.push(cursor), pages[cursor ?? 'start']!))) items.push(n);
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('fetches no page beyond the one the loop stopped in', async () => {
    const asked: Array<string | undefined> = [];
    expect(await take(paginate(async (cursor) => (asked.push(cursor), pages[cursor ?? 'start']!)), 3)).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'b']);
  });
});
