import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { headerEnd, normalizeColumnName, readCsvHeader } from './csv-header.util';

const head = (text: string) => Buffer.from(text, 'utf8');

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof HeraldError) return error.code;
    throw error;
  }
  return 'none';
}

describe(readCsvHeader.name, () => {
  it('finds the number and name columns and names the rest', () => {
    const h = readCsvHeader(head('Phone,Name,First Name,city\n+91...,x'));
    expect(h).toEqual({ delimiter: ',', columns: ['Phone', 'Name', 'First_Name', 'city'], numberColumn: 0, nameColumn: 1, valueColumns: [2, 3] });
  });

  it.each(['number', 'PHONE', 'Mobile', 'msisdn', 'WA_ID'])('accepts %s as the number column', (name) => {
    expect(readCsvHeader(head(`${name},x\n`)).numberColumn).toBe(0);
  });

  it('detects ; as the delimiter, ignoring ; inside quotes, and strips a BOM and CRLF', () => {
    expect(readCsvHeader(head('\ufeffname;number;"a;b"\r\n')).delimiter).toBe(';');
    expect(readCsvHeader(head('\ufeffname;number;"a;b"\r\n')).columns).toEqual(['name', 'number', 'a_b']);
    expect(readCsvHeader(head('number,"x;y;z"\n')).delimiter).toBe(',');
  });

  it.each([
    ['', 'invalid_csv'],
    ['\n1,2', 'invalid_csv'],
    ['id,email\n1,a@b', 'csv_number_column_missing'],
    ['number,city,city\n', 'invalid_csv'],
    ['number,,x\n', 'invalid_csv'],
  ])('refuses %j with %s', (text, expected) => {
    expect(code(() => readCsvHeader(head(text)))).toBe(expected);
  });

  it('refuses binary data: a NUL in the header row; one further on is its own row\'s problem', () => {
    expect(code(() => readCsvHeader(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])))).toBe('invalid_csv');
    expect(code(() => readCsvHeader(Buffer.from('num\u0000ber,name\n+447400000001,A\n')))).toBe('invalid_csv');
    expect(readCsvHeader(Buffer.from('number,name\n+447400000001,A\u0000\n')).columns).toEqual(['number', 'name']);
  });

  it('ends the header row at LF, CR LF or a lone CR (old Mac files)', () => {
    for (const text of ['number,name\n+1', 'number,name\r\n+1', 'number,name\r+1']) {
      expect(headerEnd(Buffer.from(text))).toBe(11);
      expect(readCsvHeader(Buffer.from(text)).columns).toEqual(['number', 'name']);
    }
    expect(headerEnd(Buffer.from('number,name'))).toBe(-1);
  });
});

describe(normalizeColumnName.name, () => {
  it('keeps letters, digits and underscores', () => {
    expect(normalizeColumnName('  Due date (UTC) ')).toBe('Due_date_UTC');
    expect(normalizeColumnName('wa_id')).toBe('wa_id');
  });
});
