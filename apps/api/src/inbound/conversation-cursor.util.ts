import { HeraldError } from '@herald/common';

/**
 * A contact's conversation merges three sources, each paged by its own library: single messages (messaging), campaign
 * and blast sends (campaigns) and inbound messages (messaging). One order over all of them, newest first, by
 * (time, source rank, id): at the same instant an inbound message comes before a single message, which comes before
 * a campaign send. The cursor is the last item's key; each source is asked for what comes after it in that order,
 * `limit + 1` items each, the answers are merged and cut to `limit` (the approach of `SendsListing`, with a cursor
 * that needs no per-source state because the order is total).
 */
export const SOURCE_RANK = { inbound: 3, message: 2, campaign: 1 } as const;
export type ConversationSource = keyof typeof SOURCE_RANK;

/** The last item of a page: its exact time (ISO, microseconds, UTC), its source and its id within that source. */
export interface ConversationCursor {
  readonly at: string;
  readonly source: ConversationSource;
  readonly id: string;
}

/** Where one source's next page stops: what `TimeBound` / `RecipientTimeBound` of the libraries take. */
export interface SourceBound {
  readonly at: string;
  readonly id?: string;
  readonly orEqual?: boolean;
}

/** An item of one source with its ordering key. */
export interface Keyed<T> {
  readonly at: string;
  readonly source: ConversationSource;
  readonly id: string;
  readonly item: T;
}

const VERSION = 'c1';
const AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BIGINT = /^[1-9][0-9]{0,17}$/;

/**
 * What a source must return to continue after `cursor`: items strictly after it in (time, rank, id) descending.
 * Same source: (time, id) before the cursor's. A source ranked below the cursor's: at its time or earlier (its items
 * at that very time come after the cursor). Ranked above: strictly earlier.
 */
export function boundFor(source: ConversationSource, cursor: ConversationCursor | undefined): SourceBound | undefined {
  if (cursor === undefined) return undefined;
  if (source === cursor.source) return { at: cursor.at, id: cursor.id };
  return SOURCE_RANK[source] < SOURCE_RANK[cursor.source] ? { at: cursor.at, orEqual: true } : { at: cursor.at };
}

/** Negative when `a` comes first (is newer) in the conversation's order. */
export function compareNewestFirst(a: Pick<Keyed<unknown>, 'at' | 'source' | 'id'>, b: Pick<Keyed<unknown>, 'at' | 'source' | 'id'>): number {
  if (a.at !== b.at) return a.at > b.at ? -1 : 1;
  if (a.source !== b.source) return SOURCE_RANK[b.source] - SOURCE_RANK[a.source];
  if (a.source === 'campaign') {
    const x = BigInt(a.id);
    const y = BigInt(b.id);
    return x === y ? 0 : x > y ? -1 : 1;
  }
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

/**
 * Merges pages of several sources (each newest first, each asked for `limit + 1` after the cursor) into one page of
 * `limit`, and the cursor after it: null when every source ran out within the page.
 */
export function mergeNewestFirst<T>(pages: ReadonlyArray<ReadonlyArray<Keyed<T>>>, limit: number): { items: Array<Keyed<T>>; next: ConversationCursor | null } {
  const all = pages.flat().sort(compareNewestFirst);
  const items = all.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: all.length > limit && last ? { at: last.at, source: last.source, id: last.id } : null };
}

export function encodeConversationCursor(cursor: ConversationCursor): string {
  return Buffer.from(JSON.stringify([VERSION, cursor.at, cursor.source, cursor.id]), 'utf8').toString('base64url');
}

/** The position a cursor names, undefined for none, or a 400 for one this API did not return. */
export function decodeConversationCursor(cursor: string | undefined): ConversationCursor | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]{1,300}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 4 && parsed[0] === VERSION && typeof parsed[1] === 'string' && AT.test(parsed[1])) {
    const [, at, source, id] = parsed as [string, string, unknown, unknown];
    if (!Number.isNaN(Date.parse(at)) && typeof id === 'string') {
      if ((source === 'inbound' || source === 'message') && UUID.test(id)) return { at, source, id };
      if (source === 'campaign' && BIGINT.test(id)) return { at, source, id };
    }
  }
  throw new HeraldError('invalid', 'invalid_cursor', 'The cursor is not one this API returned; start again without it.', [
    { field: 'cursor', issue: 'is not a valid cursor' },
  ]);
}
