import { HeraldError } from '@herald/common';

/**
 * The WHATWG name of the encoding a caller gave for an upload (`latin1` → `windows-1252`, `utf16` → `utf-16le`),
 * undefined for none, or a 400 naming `field`.
 */
export function csvEncoding(label: string | undefined, field = 'encoding'): string | undefined {
  if (label === undefined || label.trim() === '') return undefined;
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    throw HeraldError.invalid(field, `is not an encoding Herald can read ("${label.slice(0, 40)}"): give utf-8, utf-16le, windows-1252, iso-8859-15, shift_jis or another WHATWG label`);
  }
}

/** The encoding a byte order mark at the start of `head` names, if any. */
function byteOrderMark(head: Buffer): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The encoding a file starting with `head` (its first 3 bytes or more) is read in: its BOM's, else `declared`, else UTF-8. */
export function fileEncoding(head: Buffer, declared: string | undefined): string {
  return byteOrderMark(head) ?? declared ?? 'utf-8';
}

/**
 * An upload's bytes as UTF-8, as they stream: a byte order mark decides (UTF-8, UTF-16LE or UTF-16BE: spreadsheets
 * save "Unicode text" so), else `declared` (the caller's `encoding`, or the charset of the body's Content-Type), else
 * UTF-8. UTF-8 passes through as it came, so bytes that are not UTF-8 still reach the row check that refuses them with
 * why; another encoding is decoded (a byte sequence it cannot map becomes U+FFFD, refused there the same way).
 */
export async function* asUtf8(body: AsyncIterable<Buffer>, declared: string | undefined): AsyncGenerator<Buffer> {
  const iterator = body[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let ended = false;
  while (head.length < 3 && !ended) {
    const next = await iterator.next();
    if (next.done) ended = true;
    else head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  const encoding = fileEncoding(head, declared);
  if (encoding === 'utf-8') {
    if (head.length > 0) yield head;
    while (!ended) {
      const next = await iterator.next();
      if (next.done) break;
      yield next.value;
    }
    return;
  }
  // The BOM, when there is one, is dropped by the decoder.
  const decoder = new TextDecoder(encoding);
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  if (head.length > 0) yield utf8(decoder.decode(head, { stream: true }));
  while (!ended) {
    const next = await iterator.next();
    if (next.done) break;
    const text = decoder.decode(next.value, { stream: true });
    if (text !== '') yield utf8(text);
  }
  const rest = decoder.decode();
  if (rest !== '') yield utf8(rest);
}
