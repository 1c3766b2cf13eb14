import { HeraldError, type ErrorDetail } from '@herald/common';
import type { OptOutScope } from './contact.entity';
import type { AttributeValue, Attributes } from './contact.types';

export const ATTRIBUTE_KEY = /^[A-Za-z0-9_]{1,64}$/;
const MAX_ATTRIBUTES = 100;
const MAX_ATTRIBUTE_STRING = 1_000;

/** Problems with an attributes object, as error details under `field`. */
export function attributeProblems(value: unknown, field: string, allowNull: boolean): ErrorDetail[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ field, issue: 'must be an object' }];
  const entries = Object.entries(value);
  const problems: ErrorDetail[] = [];
  if (entries.length > MAX_ATTRIBUTES) problems.push({ field, issue: `may hold at most ${MAX_ATTRIBUTES} keys` });
  for (const [key, v] of entries) {
    const where = `${field}.${key}`;
    if (!ATTRIBUTE_KEY.test(key)) problems.push({ field: where, issue: 'key may hold only letters, digits and _ (1-64)' });
    else if (v === null && allowNull) continue;
    else if (typeof v === 'string') {
      if (v.length > MAX_ATTRIBUTE_STRING) problems.push({ field: where, issue: `must be at most ${MAX_ATTRIBUTE_STRING} characters` });
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) problems.push({ field: where, issue: 'must be a finite number' });
    } else if (typeof v !== 'boolean') {
      problems.push({ field: where, issue: `must be a string, number or boolean${allowNull ? ' (or null to remove it)' : ''}` });
    }
  }
  return problems;
}

export function assertAttributes(value: unknown, field = 'attributes'): Attributes {
  const problems = attributeProblems(value, field, false);
  if (problems.length > 0) throw new HeraldError('invalid', 'validation_failed', `The request has invalid fields: ${field}.`, problems);
  return value as Attributes;
}

/** Splits a PATCH's attributes into keys to set and keys to remove (null). */
export function splitAttributePatch(patch: Record<string, AttributeValue | null>): { set: Attributes; remove: string[] } {
  const problems = attributeProblems(patch, 'attributes', true);
  if (problems.length > 0) throw new HeraldError('invalid', 'validation_failed', 'The request has invalid fields: attributes.', problems);
  const set: Attributes = {};
  const remove: string[] = [];
  for (const [key, v] of Object.entries(patch)) {
    if (v === null) remove.push(key);
    else set[key] = v;
  }
  return { set, remove };
}

export const MAX_PAGE_SIZE = 1_000;
export const DEFAULT_PAGE_SIZE = 100;

/** A page size a caller asked for, or a 400. */
export function assertPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new HeraldError('invalid', 'validation_failed', `limit must be from 1 to ${MAX_PAGE_SIZE}.`, [
      { field: 'limit', issue: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` },
    ]);
  }
}

/** Opaque page cursors: the last id of a page, base64url-encoded. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`c:${lastId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string {
  if (cursor === undefined || cursor === '') return '0';
  const decoded = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^c:(\d{1,19})$/.exec(decoded);
  if (!match) {
    throw new HeraldError('invalid', 'invalid_cursor', 'The cursor is not one this API returned; start again without it.', [
      { field: 'cursor', issue: 'is not a valid cursor' },
    ]);
  }
  return match[1]!;
}

/** Reads an opt-out body: absent or `{}` → `marketing`; `{"scope": "marketing" | "all"}`. */
export function parseOptOutScope(body: unknown): OptOutScope {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) return 'marketing';
  const scope = typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)['scope'] : undefined;
  const extra = typeof body === 'object' && body !== null ? Object.keys(body).filter((k) => k !== 'scope') : [];
  if (extra.length > 0) throw HeraldError.invalid(extra[0]!, 'is not a known field');
  if (scope !== 'marketing' && scope !== 'all') throw HeraldError.invalid('scope', 'must be marketing or all');
  return scope;
}
