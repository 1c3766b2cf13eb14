import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { HeraldError } from '@herald/common';
import { csvEncoding } from '@herald/contacts';

export interface Upload {
  /** The file's bytes, as they arrive. */
  readonly file: AsyncIterable<Buffer>;
  /**
   * The file's encoding as the caller gave it (WHATWG name), for a file without a byte order mark: `encoding` in the
   * query, or a form field before the file part, or the charset of a raw body's Content-Type. Undefined: UTF-8.
   */
  readonly encoding: string | undefined;
  /** The form fields (or query parameters), complete once the whole body has been read. */
  fields(): Promise<Record<string, string>>;
}

function mediaType(request: Request): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The charset parameter of the request's Content-Type (`text/csv; charset=windows-1252`), if any. */
function charsetOf(request: Request): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(request.headers['content-type'] ?? '');
  return match?.[1];
}

/**
 * Reads a CSV upload without holding it in memory: either `multipart/form-data` with a `file` part (other
 * parts are fields), or a raw `text/csv` body with the fields as query parameters.
 */
export async function openUpload(request: Request, query: Record<string, string | undefined>, maxBytes: number): Promise<Upload> {
  const present = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (mediaType(request) !== 'multipart/form-data') {
    const encoding = present.encoding !== undefined ? csvEncoding(present.encoding) : csvEncoding(charsetOf(request), 'Content-Type charset');
    return { file: request as AsyncIterable<Buffer>, encoding, fields: async () => present };
  }
  const declared = csvEncoding(present.encoding);
  const fields: Record<string, string> = { ...present };
  const malformed = (error: unknown) =>
    error instanceof HeraldError ? error : new HeraldError('invalid', 'malformed_multipart', `The multipart body cannot be read: ${error instanceof Error ? error.message : String(error)}.`);
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: request.headers, limits: { files: 1, fields: 50, fieldSize: 10_000, fileSize: maxBytes } });
  } catch (error) {
    // No boundary, or a content type busboy cannot read: nothing of the body has been looked at.
    throw malformed(error);
  }
  const finished = new Promise<void>((resolve, reject) => {
    parser.once('close', resolve);
    parser.once('error', reject);
  });
  // A second file part: busboy ignores it (limits.files), which took one of two files without a word.
  const tooMany = new HeraldError('invalid', 'malformed_multipart', 'The multipart body has more than one file part: send one CSV per import.', [
    { field: 'file', issue: 'must be the only file part' },
  ]);
  let extraFile = false;
  let taken: Readable | undefined;
  /** The form's `encoding` when the file part began (a field after the file comes too late to read the file by). */
  let encodingAtFile: string | undefined;
  const formEncodings: string[] = [];
  parser.on('filesLimit', () => {
    extraFile = true;
    taken?.destroy(tooMany);
  });
  const file = new Promise<Readable>((resolve, reject) => {
    parser.on('field', (name, value) => {
      if (name === 'encoding') formEncodings.push(value);
      fields[name] = value;
    });
    parser.on('file', (name, stream) => {
      // A body cut off inside a part fails the part's stream as well as the parser. Whoever reads the file hears of
      // it through its iterator (below); a stream nobody reads must not take the process down with it.
      stream.on('error', () => undefined);
      if (name !== 'file') {
        stream.resume();
        return;
      }
      stream.once('limit', () =>
        stream.destroy(new HeraldError('too_large', 'payload_too_large', `The file is larger than the ${maxBytes}-byte import limit.`)),
      );
      taken = stream;
      encodingAtFile = fields.encoding;
      resolve(stream);
    });
    parser.once('close', () => reject(new HeraldError('invalid', 'file_missing', 'The multipart body has no part named "file" holding the CSV.', [{ field: 'file', issue: 'is missing' }])));
    parser.once('error', (error: Error) => reject(malformed(error)));
  });
  finished.catch(() => undefined);
  request.pipe(parser);
  const stream = await file;
  const encoding = declared ?? csvEncoding(encodingAtFile);
  return {
    encoding,
    file: (async function* () {
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } catch (error) {
        throw malformed(error);
      }
    })(),
    fields: async () => {
      await finished;
      if (extraFile) throw tooMany;
      // Named twice, differently (the query and the form, or two form fields): which one the file was read by would be
      // a guess, so neither is taken.
      const named = new Set([...(present.encoding === undefined ? [] : [present.encoding]), ...formEncodings].map((label) => csvEncoding(label)));
      if (named.size > 1) throw HeraldError.invalid('encoding', `is given more than once, differently (${[...named].join(', ')}): give it once`);
      if (formEncodings.length > 0 && present.encoding === undefined && encodingAtFile === undefined) {
        throw HeraldError.invalid('encoding', 'came after the file part: send it before the file, or in the query string');
      }
      return fields;
    },
  };
}
