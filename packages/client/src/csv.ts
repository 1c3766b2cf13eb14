import { ok } from './errors';

/** What a CSV upload takes: the text, a file (Blob), bytes, or a stream of bytes (read as it is sent). */
export type CsvInput = string | Blob | Uint8Array | ReadableStream<Uint8Array>;

/**
 * A CSV download: read it whole as text, or as a stream of bytes (a large run's recipients, piped to a file without
 * holding them in memory). The request is made when one of them is called.
 */
export interface CsvDownload {
  text(): Promise<string>;
  stream(): Promise<ReadableStream<Uint8Array>>;
}

type CsvCall = <A extends 'text' | 'stream'>(parseAs: A) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

export function csvDownload(call: CsvCall): CsvDownload {
  return {
    text: async () => (await ok(call('text'))) as string,
    stream: async () => {
      const body = (await ok(call('stream'))) as ReadableStream<Uint8Array> | null;
      return body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    },
  };
}

/**
 * Request options that send `csv` as a raw `text/csv` body. The document types that body as text; bytes, a Blob or a
 * stream are sent as they are by the serializer (the typed body then stands empty, never sent). A stream needs
 * `duplex: 'half'` (fetch's rule for a body sent while it is still being read).
 */
export function csvBody(csv: CsvInput): { body: string; bodySerializer: () => CsvInput; headers: Record<string, string>; duplex?: 'half' } {
  return {
    body: typeof csv === 'string' ? csv : '',
    bodySerializer: () => csv,
    headers: { 'content-type': 'text/csv' },
    ...(typeof ReadableStream !== 'undefined' && csv instanceof ReadableStream ? { duplex: 'half' as const } : {}),
  };
}
