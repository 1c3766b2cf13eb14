import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import {
  boundFor,
  compareNewestFirst,
  decodeConversationCursor,
  encodeConversationCursor,
  mergeNewestFirst,
  type ConversationSource,
  type Keyed,
} from './conversation-cursor.util';

const U1 = '00000000-0000-4000-8000-000000000001';
const U2 = '00000000-0000-4000-8000-000000000002';
const U3 = '00000000-0000-4000-8000-000000000003';
const t = (s: number) => `2026-12-03T10:00:${String(s).padStart(2, '0')}.000000Z`;
const item = (at: string, source: ConversationSource, id: string): Keyed<string> => ({ at, source, id, item: `${source}:${id}` });

/** What a source answers after a bound: its items, newest first, that the bound lets through (as the SQL does). */
function sourcePage(items: Array<Keyed<string>>, source: ConversationSource, bound: ReturnType<typeof boundFor>, limit: number) {
  return items
    .filter((i) => i.source === source)
    .sort(compareNewestFirst)
    .filter((i) => {
      if (bound === undefined) return true;
      if (bound.id !== undefined) return i.at < bound.at || (i.at === bound.at && compareNewestFirst(i, { at: i.at, source, id: bound.id }) > 0);
      return bound.orEqual ? i.at <= bound.at : i.at < bound.at;
    })
    .slice(0, limit);
}

describe(mergeNewestFirst.name, () => {
  it('orders by time, then inbound before single message before campaign send, then id (numerically for campaign sends)', () => {
    const items = [item(t(1), 'campaign', '9'), item(t(1), 'campaign', '10'), item(t(1), 'inbound', U1), item(t(1), 'message', U2), item(t(2), 'campaign', '1')];
    expect(mergeNewestFirst([items], 10).items.map((i) => i.item)).toEqual(['campaign:1', `inbound:${U1}`, `message:${U2}`, 'campaign:10', 'campaign:9']);
  });

  it('pages through three sources with ties at one instant without skipping or repeating an item', () => {
    const all = [
      item(t(5), 'inbound', U3),
      item(t(4), 'message', U2),
      item(t(4), 'campaign', '7'),
      item(t(4), 'inbound', U1),
      item(t(4), 'campaign', '12'),
      item(t(3), 'message', U1),
      item(t(3), 'message', U3),
      item(t(2), 'campaign', '3'),
      item(t(1), 'inbound', U2),
    ];
    for (const limit of [1, 2, 3, 4, 9, 10]) {
      const seen: string[] = [];
      let cursor: ReturnType<typeof decodeConversationCursor>;
      for (let pages = 0; pages < 20; pages++) {
        const sources: ConversationSource[] = ['inbound', 'message', 'campaign'];
        const page = mergeNewestFirst(sources.map((s) => sourcePage(all, s, boundFor(s, cursor), limit + 1)), limit);
        seen.push(...page.items.map((i) => i.item));
        if (page.next === null) break;
        cursor = decodeConversationCursor(encodeConversationCursor(page.next));
      }
      expect([limit, seen]).toEqual([limit, [...all].sort(compareNewestFirst).map((i) => i.item)]);
    }
  });

  it('says there is no next page when every source ran out within the page', () => {
    expect(mergeNewestFirst([[item(t(1), 'inbound', U1)], []], 2).next).toBeNull();
    expect(mergeNewestFirst([[item(t(2), 'inbound', U1), item(t(1), 'inbound', U2)], [item(t(1), 'message', U3)]], 2).next).toEqual({ at: t(1), source: 'inbound', id: U2 });
  });
});

describe(decodeConversationCursor.name, () => {
  it('gives back what was encoded and refuses anything else with a 400', () => {
    const cursor = { at: '2026-12-03T10:00:01.123456Z', source: 'campaign' as const, id: '42' };
    expect(decodeConversationCursor(encodeConversationCursor(cursor))).toEqual(cursor);
    expect(decodeConversationCursor(undefined)).toBeUndefined();
    for (const bad of ['x', Buffer.from('["c1","2026-12-03T10:00:01.123456Z","campaign","abc"]').toString('base64url'), Buffer.from('["c1","2026-12-03T10:00:01Z","inbound","' + U1 + '"]').toString('base64url'), '!!!']) {
      expect(() => decodeConversationCursor(bad)).toThrow(HeraldError);
    }
  });
});
