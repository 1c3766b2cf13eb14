import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { HeraldError } from '@herald/common';

export interface Upload {
  /** The file's bytes, as they arrive. */
  readonly file: AsyncIterable<Buffer>;
  /** The form fields (or query parameters), complete once the whole body has been read. */
  fields(): Promise<Record<string, string>>;
}

function mediaType(request: Request): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads a CSV upload without holding it in memory: either `multipart/form-data` with a `file` part (other
 * parts are fields), or a raw `text/csv` body with the fields as query parameters.
 */
export async function openUpload(request: Request, query: Record<string, string | undefined>, maxBytes: number): Promise<Upload> {
  const present = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (mediaType(request) !== 'multipart/form-data') {
    return { file: request as AsyncIterable<Buffer>, fields: async () => present };
  }
  const fields: Record<string, string> = { ...present };
  const parser = busboy({ headers: request.headers, limits: { files: 1, fields: 50, fieldSize: 10_000, fileSize: maxBytes } });
  const finished = new Promise<void>((resolve, reject) => {
    parser.once('close', resolve);
    parser.once('error', reject);
  });
  const file = new Promise<Readable>((resolve, reject) => {
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      stream.once('limit', () =>
        stream.destroy(new HeraldError('too_large', 'payload_too_large', `The file is larger than the ${maxBytes}-byte import limit.`)),
      );
      resolve(stream);
    });
    parser.once('close', () => reject(new HeraldError('invalid', 'file_missing', 'The multipart body has no part named "file" holding the CSV.', [{ field: 'file', issue: 'is missing' }])));
    parser.once('error', (error: Error) =>
      reject(new HeraldError('invalid', 'malformed_multipart', `The multipart body cannot be read: ${error.message}.`)),
    );
  });
  finished.catch(() => undefined);
  request.pipe(parser);
  return {
    file: await file,
    fields: async () => {
      await finished;
      return fields;
    },
  };
}
