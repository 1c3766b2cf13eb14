import { pipeline, Transform } from 'node:stream';
import { request } from 'undici';
import type { MediaDownloadOutcome, ProviderError } from '../channel-provider.types';
import { isRecord } from './graph-error.util';

/** WhatsApp media is at most 100 MB (documents; shared/PROVIDER-FACTS.md, "Media by link"). MB read as MiB. */
export const MAX_INBOUND_MEDIA_BYTES = 100 * 1024 * 1024;
export const MEDIA_DOWNLOAD_TIMEOUT_MS = 30_000;

/** What `GET /{media-id}` answers (Meta, "Retrieve media URL"): `{messaging_product, url, mime_type, sha256, file_size, id}`. */
export interface MediaLocation {
  readonly url: string;
  readonly mimeType: string | null;
  readonly sha256: string | null;
  readonly fileSize: number | null;
}

/** The media lookup's answer, leniently: undefined when it has no http(s) `url`. */
export function mediaLocationOf(json: unknown): MediaLocation | undefined {
  if (!isRecord(json) || typeof json['url'] !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(json['url']);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const size = typeof json['file_size'] === 'number' ? json['file_size'] : typeof json['file_size'] === 'string' ? Number(json['file_size']) : NaN;
  return {
    url: url.href,
    mimeType: typeof json['mime_type'] === 'string' && json['mime_type'] !== '' ? json['mime_type'] : null,
    sha256: typeof json['sha256'] === 'string' && json['sha256'] !== '' ? json['sha256'] : null,
    fileSize: Number.isSafeInteger(size) && size >= 0 ? size : null,
  };
}

/**
 * Step 2 of Meta's media download: GET the short-lived URL with the same bearer token, streamed. No redirects are
 * followed (the token must not go to another host). A file announced or counted larger than `maxBytes` is refused
 * or cut off (the stream errors); `timeoutMs` bounds the wait for headers and each gap between chunks, not the whole
 * transfer (100 MB over a slow client takes long). Meta answers 404 once the URL expired (5 minutes).
 */
export async function streamMedia(
  location: MediaLocation,
  accessToken: string,
  options: { maxBytes: number; timeoutMs: number; userAgent: string },
): Promise<MediaDownloadOutcome> {
  try {
    const response = await request(location.url, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}`, 'user-agent': options.userAgent, accept: '*/*' },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = (await response.body.text().catch(() => '')).slice(0, 300);
      const gone = response.statusCode === 404 || response.statusCode === 410;
      return {
        ok: false,
        gone,
        error: failure(
          gone ? 'media_gone' : 'media_download_failed',
          `The media URL answered HTTP ${response.statusCode}${text === '' ? '' : `: ${text}`}`,
          response.statusCode >= 500 || response.statusCode === 429,
          response.statusCode,
        ),
      };
    }
    const announced = Number(header(response.headers['content-length']));
    if (Number.isFinite(announced) && announced > options.maxBytes) {
      await response.body.dump({ limit: 0 }).catch(() => undefined); // closes the connection without reading the file
      return { ok: false, gone: false, error: failure('media_too_large', `The file has ${announced} bytes; at most ${options.maxBytes} are taken.`, false) };
    }
    const contentType = header(response.headers['content-type']);
    return {
      ok: true,
      mimeType: location.mimeType ?? contentType ?? 'application/octet-stream',
      fileSize: location.fileSize ?? (Number.isSafeInteger(announced) ? announced : null),
      contentLength: Number.isSafeInteger(announced) && announced >= 0 ? announced : null,
      sha256: location.sha256,
      body: boundedBody(response.body, options.maxBytes),
    };
  } catch (error) {
    const e = error instanceof Error ? (error as Error & { code?: unknown }) : undefined;
    const timeout = e?.name === 'TimeoutError' || String(e?.code ?? '').includes('TIMEOUT');
    return {
      ok: false,
      gone: false,
      error: failure(timeout ? 'timeout' : 'network_error', `The media download failed: ${e?.message ?? String(error)}`, true),
    };
  }
}

/**
 * The body, passed through until more than `maxBytes` went by; then it errors (the receiver sees a cut-off transfer).
 * A failure of the source (a stall past the body timeout, a dropped connection) errors it too: `pipeline` forwards it.
 */
function boundedBody(source: NodeJS.ReadableStream, maxBytes: number): Transform {
  let seen = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(new Error(`The file is larger than ${maxBytes} bytes.`));
      else done(null, chunk);
    },
  });
  pipeline(source, out, () => undefined);
  return out;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function failure(code: string, details: string, retriable: boolean, httpStatus?: number): ProviderError {
  return {
    code,
    title: code === 'media_gone' ? 'Media no longer available' : code === 'media_too_large' ? 'Media file too large' : 'Media download failed',
    details,
    retriable,
    category: retriable ? 'transient' : 'invalid_request',
    ...(httpStatus === undefined ? {} : { httpStatus }),
  };
}

