import { parse } from 'csv-parse/sync';
import { HeraldError } from '@herald/common';

/** Names the number column may have, compared case-insensitively. */
export const NUMBER_COLUMNS = ['number', 'phone', 'mobile', 'msisdn', 'wa_id'];
/** The header must end within this many bytes. */
export const MAX_HEADER_BYTES = 64 * 1024;

export interface CsvHeader {
  readonly delimiter: ',' | ';';
  /** Column names, normalised to letters, digits and `_` (e.g. "First Name" → "first_name"). */
  readonly columns: string[];
  readonly numberColumn: number;
  readonly nameColumn: number | null;
  /** Indexes of the columns that carry attributes or field values. */
  readonly valueColumns: number[];
}

function notCsv(reason: string): HeraldError {
  return new HeraldError('invalid', 'invalid_csv', `The file is not a CSV Herald can read: ${reason}.`, [{ field: 'file', issue: reason }]);
}

/** `First Name` → `first_name`; what is left must be a usable attribute or field name. */
export function normalizeColumnName(raw: string): string {
  return raw
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
}

/** Counts a character outside double-quoted parts of a line. */
function countOutsideQuotes(line: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) n += 1;
  }
  return n;
}

/** Where the header line ends in `head` (its LF, CR LF or lone CR), or -1 when it has not ended yet. */
export function headerEnd(head: Buffer): number {
  const lf = head.indexOf(0x0a);
  const cr = head.indexOf(0x0d);
  return cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
}

/**
 * Reads the header row: detects `;` or `,`, finds the number and name columns and names the others.
 * Refuses at once (400) what cannot be imported: binary data, no header, no number column, repeated names.
 */
export function readCsvHeader(head: Buffer): CsvHeader {
  if (head.length === 0) throw notCsv('it is empty');
  const end = headerEnd(head);
  // The header row alone decides: a NUL further on is its row's problem (refused with why), as anywhere in the file.
  const bytes = head.subarray(0, end === -1 ? head.length : end);
  if (bytes.includes(0)) throw notCsv('it contains binary data (a NUL byte: UTF-16 text without its byte order mark? give encoding=utf-16le)');
  let line = bytes.toString('utf8');
  if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
  if (line.includes('\ufffd')) throw notCsv('its header row is not text in the file\'s encoding (save it as UTF-8, or give the encoding it was saved in, e.g. encoding=windows-1252)');
  if (line.trim() === '') throw notCsv('the first line, which must name the columns, is empty');

  const delimiter = countOutsideQuotes(line, ';') > countOutsideQuotes(line, ',') ? ';' : ',';
  let raw: string[];
  try {
    raw = (parse(line, { delimiter, relax_quotes: true }) as string[][])[0] ?? [];
  } catch (error) {
    throw notCsv(`its header row cannot be parsed (${(error as Error).message})`);
  }
  const columns = raw.map(normalizeColumnName);
  const numberColumn = columns.findIndex((c) => NUMBER_COLUMNS.includes(c.toLowerCase()));
  if (numberColumn === -1) {
    throw new HeraldError(
      'invalid',
      'csv_number_column_missing',
      `The header row has no number column: name one of ${NUMBER_COLUMNS.join(', ')} (found ${raw.map((c) => `"${c}"`).join(', ')}).`,
      [{ field: 'file', issue: `no column named ${NUMBER_COLUMNS.join(', ')}` }],
    );
  }
  const nameColumn = columns.findIndex((c, i) => i !== numberColumn && c.toLowerCase() === 'name');
  const valueColumns: number[] = [];
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (i === numberColumn || i === nameColumn) return;
    if (c === '') throw notCsv(`column ${i + 1} has no usable name`);
    if (seen.has(c)) throw notCsv(`the column "${c}" appears twice`);
    seen.add(c);
    valueColumns.push(i);
  });
  return { delimiter, columns, numberColumn, nameColumn: nameColumn === -1 ? null : nameColumn, valueColumns };
}
