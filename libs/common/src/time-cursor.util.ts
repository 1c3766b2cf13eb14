import { HeraldError } from './herald.error';
import { isUuid } from './uuid.util';

/**
 * Opaque cursors for lists ordered newest first on (created_at, id): `<tag>:<ISO time>|<uuid>`, base64url.
 * The tag keeps one list's cursor from being accepted by another.
 */
export function encodeTimeCursor(tag: string, row: { created_at: Date; id: string }): string {
  return Buffer.from(`${tag}:${row.created_at.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

/** The position a cursor names, undefined for none, or a 400 for one this API did not return. */
export function decodeTimeCursor(tag: string, cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const decoded = /^[A-Za-z0-9_-]{1,120}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^([a-z]+):(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(.{36})$/.exec(decoded);
  if (!match || match[1] !== tag || !isUuid(match[3])) {
    throw new HeraldError('invalid', 'invalid_cursor', 'The cursor is not one this API returned; start again without it.', [
      { field: 'cursor', issue: 'is not a valid cursor' },
    ]);
  }
  return { createdAt: match[2]!, id: match[3]! };
}

/** Opaque cursors for lists ordered newest first on a bigint id: `<tag>:<id>`, base64url. */
export function encodeIdCursor(tag: string, id: string): string {
  return Buffer.from(`${tag}:${id}`, 'utf8').toString('base64url');
}

/** The id a cursor names (rows before it come next), undefined for none, or a 400 for one this API did not return. */
export function decodeIdCursor(tag: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const decoded = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^([a-z]+):(\d{1,18})$/.exec(decoded);
  if (!match || match[1] !== tag) {
    throw new HeraldError('invalid', 'invalid_cursor', 'The cursor is not one this API returned; start again without it.', [
      { field: 'cursor', issue: 'is not a valid cursor' },
    ]);
  }
  return match[2];
}
