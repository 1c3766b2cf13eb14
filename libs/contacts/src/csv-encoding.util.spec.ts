import { describe, expect, it } from '@jest/globals';
import { asUtf8, csvEncoding } from './csv-encoding.util';

/** The bytes `asUtf8` yields for `chunks`, as one string. */
async function decoded(chunks: Buffer[], declared?: string): Promise<string> {
  const out: Buffer[] = [];
  for await (const piece of asUtf8((async function* () { yield* chunks; })(), declared)) out.push(piece);
  return Buffer.concat(out).toString('utf8');
}

/** `buffer` cut into pieces of `size` bytes (a character's bytes land in two pieces). */
const pieces = (buffer: Buffer, size: number) => Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) => buffer.subarray(i * size, (i + 1) * size));

const TEXT = 'number,name\n+34600000001,José Müller\n+81900000002,山田 太郎 👋\n';

describe('asUtf8: an upload in the encoding it says it is in, as UTF-8', () => {
  it('passes UTF-8 through byte for byte, its BOM too (the CSV reader drops it), and bytes that are not UTF-8 as they are', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]);
    expect(Buffer.from(await decoded(pieces(bytes, 1)), 'utf8')).toEqual(bytes);
    const latin1 = Buffer.from('number,name\n+34600000001,Jos\xe9\n', 'latin1');
    expect(await decoded([latin1])).toContain('\ufffd'); // what the row check refuses, with why
  });

  it('reads UTF-16 by its byte order mark, little- or big-endian, whatever was declared, across any split', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const size of [1, 3, 7, 4096]) {
      expect(await decoded(pieces(le, size))).toBe(TEXT);
      expect(await decoded(pieces(be, size), 'windows-1252')).toBe(TEXT);
    }
  });

  it('decodes the declared encoding: Windows-1252 (Excel’s "CSV" on Windows), Shift_JIS', async () => {
    const cp1252 = Buffer.from([...Buffer.from('number,name\n+34600000001,Jos'), 0xe9, 0x20, 0x80, 0x0a]);
    expect(await decoded(pieces(cp1252, 2), 'windows-1252')).toBe('number,name\n+34600000001,José €\n');
    const sjis = Buffer.from([...Buffer.from('number,name\n+81900000002,'), 0x8e, 0x52, 0x93, 0x63, 0x0a]);
    expect(await decoded(pieces(sjis, 1), 'shift_jis')).toBe('number,name\n+81900000002,山田\n');
  });

  it('yields nothing for nothing, and a file shorter than a BOM as it is', async () => {
    expect(await decoded([])).toBe('');
    expect(await decoded([Buffer.from('a')], 'utf-16le')).toBe('\ufffd'); // one byte is half a UTF-16 character
    expect(await decoded([Buffer.from('ab')])).toBe('ab');
  });
});

describe('csvEncoding', () => {
  it('names the encoding by its WHATWG name, and none as none', () => {
    expect(csvEncoding('latin1')).toBe('windows-1252');
    expect(csvEncoding(' UTF-16 ')).toBe('utf-16le');
    expect(csvEncoding('Shift_JIS')).toBe('shift_jis');
    expect(csvEncoding(undefined)).toBeUndefined();
    expect(csvEncoding('')).toBeUndefined();
  });

  it('refuses a label it does not know, naming the field', () => {
    expect(() => csvEncoding('ebcdic-klingon')).toThrow(expect.objectContaining({ code: 'validation_failed', details: [expect.objectContaining({ field: 'encoding' })] }));
  });
});
