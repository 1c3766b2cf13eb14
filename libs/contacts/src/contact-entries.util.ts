import { attributeProblems } from './contact-input.util';
import type { Attributes } from './contact.types';
import { defaultTimezoneForCountry, normalizePhoneNumber } from './phone-number.util';

/** One contact as it goes into the database in bulk. */
export interface ContactRecord {
  readonly number: string;
  readonly name: string | null;
  /** For audiences: attributes; for variable groups: the group's field values. */
  readonly values: Attributes;
  readonly timezone: string;
}

export interface InvalidEntry {
  readonly index: number;
  readonly number: string | null;
  readonly reason: string;
}

export interface ParsedEntries {
  /** Valid entries, one per number: the last one given wins. */
  readonly records: ContactRecord[];
  readonly invalid: InvalidEntry[];
  /** Entries that repeated a number given earlier in the same batch. */
  readonly duplicates: number;
}

export const FALLBACK_TIMEZONE = 'UTC';

/** Time zone of a number's country, or UTC for non-geographic numbers. */
export function timezoneOf(country: string | undefined): string {
  return defaultTimezoneForCountry(country) ?? FALLBACK_TIMEZONE;
}

/**
 * Turns `[{number, name?, ...rest}]` into contact records. `rest` becomes attributes, or (with `fields`) a
 * variable group's values, which must be among `fields`. Bad entries are reported with their index and
 * never stop the good ones.
 */
export function parseContactEntries(entries: readonly unknown[], options: { fields?: readonly string[] } = {}): ParsedEntries {
  const byNumber = new Map<string, ContactRecord>();
  const invalid: InvalidEntry[] = [];
  let duplicates = 0;
  const allowed = options.fields ? new Set(options.fields) : undefined;
  entries.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      invalid.push({ index, number: null, reason: 'entry must be an object with a number' });
      return;
    }
    const { number: rawNumber, name, ...rest } = entry as Record<string, unknown>;
    const shownNumber = typeof rawNumber === 'string' || typeof rawNumber === 'number' ? String(rawNumber) : null;
    if (shownNumber === null) {
      invalid.push({ index, number: null, reason: 'number is missing' });
      return;
    }
    const parsed = normalizePhoneNumber(shownNumber);
    if (!parsed.ok) {
      invalid.push({ index, number: shownNumber, reason: parsed.reason });
      return;
    }
    if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > 200)) {
      invalid.push({ index, number: shownNumber, reason: 'name must be a string of at most 200 characters' });
      return;
    }
    const unknown = allowed ? Object.keys(rest).filter((key) => !allowed.has(key)) : [];
    if (unknown.length > 0) {
      invalid.push({ index, number: shownNumber, reason: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` });
      return;
    }
    const problems = attributeProblems(rest, allowed ? 'field' : 'attribute', false);
    if (problems.length > 0) {
      invalid.push({ index, number: shownNumber, reason: `${problems[0]!.field} ${problems[0]!.issue}` });
      return;
    }
    if (byNumber.delete(parsed.number)) duplicates += 1;
    byNumber.set(parsed.number, {
      number: parsed.number,
      name: typeof name === 'string' ? name : null,
      values: rest as Attributes,
      timezone: timezoneOf(parsed.country),
    });
  });
  return { records: [...byNumber.values()], invalid, duplicates };
}
