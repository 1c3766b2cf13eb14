import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import {
  FORBIDDEN_ADDRESS_TEXT,
  forbiddenAddressKind,
  guardedLookup,
  urlHost,
  type AddressResolver,
  type ForbiddenAddressKind,
} from '@herald/common';
import type { MediaFetchOptions, MediaFetchOutcome, ProviderError } from '../channel-provider.types';

/** A template media header's format (Meta: HEADER `format` IMAGE, VIDEO or DOCUMENT, in lower case). */
export type TemplateHeaderMediaFormat = 'image' | 'video' | 'document';

/**
 * What Meta takes for each media header format of a template: the file types and the largest file (shared/
 * PROVIDER-FACTS.md, "Media by link": image jpeg/png ≤ 5 MB, video mp4 ≤ 16 MB, document ≤ 100 MB and PDF only for
 * template headers). These are also the types the Resumable Upload API accepts (Graph API "Upload a file" guide:
 * application/pdf, image/jpeg, image/jpg, image/png, video/mp4). MB is read as MiB, Meta's usual meaning.
 */
export const TEMPLATE_HEADER_MEDIA: Readonly<
  Record<TemplateHeaderMediaFormat, { readonly mimeTypes: readonly string[]; readonly maxBytes: number }>
> = {
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
  video: { mimeTypes: ['video/mp4'], maxBytes: 16 * 1024 * 1024 },
  document: { mimeTypes: ['application/pdf'], maxBytes: 100 * 1024 * 1024 },
};

/** The MIME types the Resumable Upload API accepts (`file_type`); `image/jpg` is Meta's alias of `image/jpeg`. */
export const RESUMABLE_UPLOAD_MIME_TYPES: readonly string[] = [
  'application/pdf',
  'image/jpeg',
  'image/jpg',
  'image/png',
  'video/mp4',
];

/** The bare MIME type of a Content-Type value, in lower case (`image/JPEG; charset=x` → `image/jpeg`). */
export function mimeTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/**
 * Whether a file may be a template's media header of this format: its type is one Meta takes for it and it is
 * within the size limit. Undefined when it may; else why not, in words for the user.
 */
export function templateHeaderMediaProblem(
  format: TemplateHeaderMediaFormat,
  mimeType: string | undefined,
  byteLength: number,
): string | undefined {
  const rule = TEMPLATE_HEADER_MEDIA[format];
  const type = mimeTypeOf(mimeType) === 'image/jpg' ? 'image/jpeg' : mimeTypeOf(mimeType);
  if (type === undefined || !rule.mimeTypes.includes(type)) {
    return `A ${format} header must be ${rule.mimeTypes.join(' or ')}; the file is ${type ?? 'of no stated type'}.`;
  }
  if (byteLength > rule.maxBytes) {
    return `A ${format} header may be at most ${rule.maxBytes} bytes; the file has ${byteLength}.`;
  }
  return undefined;
}

export interface FetchMediaOptions extends MediaFetchOptions {
  readonly userAgent?: string;
  /**
   * MEDIA_ALLOW_PRIVATE_URLS: the URL (and every redirect) may point at loopback, private, link-local, CGNAT, cloud
   * metadata, multicast or reserved addresses. Default false: those are refused (`media_url_invalid`).
   */
  readonly allowPrivateUrls?: boolean;
  /** Tests: the resolver names are looked up with at connect time (default: the system's, as sockets use). */
  readonly resolve?: AddressResolver;
  /** Tests: how an address is judged (default `forbiddenAddressKind`), e.g. to count their own server as public. */
  readonly addressKind?: (address: string) => ForbiddenAddressKind | null;
}

export const FETCH_MEDIA_DEFAULTS = { timeoutMs: 15_000, maxRedirects: 3 } as const;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** The `code` of the error a socket fails with when its name resolves to no public address. */
const ADDRESS_REFUSED = 'EMEDIAADDRESS';
const PUBLIC_ONLY = 'media is fetched only from public addresses unless MEDIA_ALLOW_PRIVATE_URLS=true';

/**
 * GETs a media file Herald will upload to Meta (a template header given as a URL): http(s) only, at most
 * `maxRedirects` redirects (each to http(s) again), within `timeoutMs`, no larger than `maxBytes` (the download is
 * stopped as soon as it is). Never throws; failures are `{ok: false, error}` with codes `media_url_invalid`,
 * `media_too_large`, `media_redirects`, `media_http_status`, `media_host_unknown`, `media_tls`, `media_bad_response`
 * (these three by `lastingFetchFailure`), `timeout` or `network` (the last two retriable).
 *
 * The SSRF guard (unless `allowPrivateUrls`): the URL is a user's, fetched from inside Herald's network, so it may
 * not reach loopback, private (RFC 1918, ULA), link-local, CGNAT, cloud metadata, multicast or reserved addresses.
 * An IP literal of such a kind is refused before any request, the first URL's and every redirect's alike; a name is
 * resolved when the socket connects, through a lookup that drops such addresses, so a name that resolves to one, or
 * a redirect to such a name, is refused too — on the address actually connected to (DNS rebinding included).
 * Refusals are `media_url_invalid`, naming the kind of address and the switch, never what the address answered.
 */
export async function fetchMedia(url: string, options: FetchMediaOptions): Promise<MediaFetchOutcome> {
  const timeoutMs = options.timeoutMs ?? FETCH_MEDIA_DEFAULTS.timeoutMs;
  const maxRedirects = options.maxRedirects ?? FETCH_MEDIA_DEFAULTS.maxRedirects;
  const allowPrivate = options.allowPrivateUrls ?? false;
  const kindOf = options.addressKind ?? forbiddenAddressKind;
  const first = parseHttpUrl(url);
  if (typeof first === 'string') return failure('media_url_invalid', first);
  const literal = allowPrivate ? undefined : literalRefusal(first, kindOf);
  if (literal !== undefined) return failure('media_url_invalid', `${first.href} points at ${literal}; ${PUBLIC_ONLY}.`);
  let current = first;
  const signal = AbortSignal.timeout(timeoutMs);
  const lookup = guardedLookup({
    allowPrivate,
    resolve: options.resolve,
    kindOf,
    refusal: (hostname, kind) =>
      Object.assign(new Error(`${hostname} resolves to ${FORBIDDEN_ADDRESS_TEXT[kind]}`), { code: ADDRESS_REFUSED }),
  });
  // One agent a fetch: its sockets connect only through the guarded lookup, and it is closed when the fetch ends.
  const dispatcher = new Agent({ connect: { timeout: timeoutMs, lookup } });
  try {
    for (let redirects = 0; ; redirects += 1) {
      const response = await request(current, {
        method: 'GET',
        dispatcher,
        signal,
        headers: { accept: '*/*', 'user-agent': options.userAgent ?? 'herald' },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (REDIRECT_STATUSES.has(response.statusCode)) {
        await response.body.dump();
        const location = header(response.headers['location']);
        if (location === undefined) {
          return failure('media_http_status', `${current.href} answered ${response.statusCode} without a Location.`);
        }
        if (redirects >= maxRedirects) {
          return failure('media_redirects', `${url} redirects more than ${maxRedirects} times.`);
        }
        const next = parseHttpUrl(location, current);
        if (typeof next === 'string') return failure('media_url_invalid', `${current.href} redirects to ${next}`);
        const refused = allowPrivate ? undefined : literalRefusal(next, kindOf);
        if (refused !== undefined) {
          return failure('media_url_invalid', `${current.href} redirects to ${next.href}, ${refused}; ${PUBLIC_ONLY}.`);
        }
        current = next;
        continue;
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        return failure(
          'media_http_status',
          `${current.href} answered HTTP ${response.statusCode}.`,
          response.statusCode >= 500 || response.statusCode === 429,
        );
      }
      const announced = Number(header(response.headers['content-length']));
      if (Number.isFinite(announced) && announced > options.maxBytes) {
        response.body.destroy();
        return tooLarge(current.href, options.maxBytes, announced);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > options.maxBytes) {
          response.body.destroy();
          return tooLarge(current.href, options.maxBytes);
        }
        chunks.push(chunk);
      }
      return {
        ok: true,
        bytes: new Uint8Array(Buffer.concat(chunks, size)),
        mimeType: header(response.headers['content-type']) ?? '',
        url: current.href,
      };
    }
  } catch (error) {
    const e = error instanceof Error ? (error as Error & { code?: unknown }) : undefined;
    const message = e?.message ?? String(error);
    if (e?.code === ADDRESS_REFUSED) {
      const via = current === first ? '' : ` (redirected from ${url})`;
      return failure('media_url_invalid', `${current.href}${via}: ${message}; ${PUBLIC_ONLY}.`);
    }
    if (signal.aborted || e?.name === 'TimeoutError' || String(e?.code ?? '').includes('TIMEOUT')) {
      return failure('timeout', `${url} did not answer within ${timeoutMs} ms.`, true, 'transient');
    }
    const code = typeof e?.code === 'string' ? e.code : undefined;
    const lasting = lastingFetchFailure({ code, name: e?.name });
    if (lasting !== undefined) return failure(lasting, `${current.href}: ${code ?? e?.name}: ${message}`);
    return failure('network', `${url}: ${code === undefined ? '' : `${code}: `}${message}`, true, 'transient');
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
}

/** For a URL whose host is an IP literal of a refused kind: that kind in words with the address; else undefined. */
function literalRefusal(url: URL, kindOf: (address: string) => ForbiddenAddressKind | null): string | undefined {
  const host = urlHost(url);
  if (isIP(host) === 0) return undefined;
  const kind = kindOf(host);
  return kind === null ? undefined : `${FORBIDDEN_ADDRESS_TEXT[kind]} (${host})`;
}

function parseHttpUrl(value: string, base?: URL): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(value, base);
  } catch {
    return `"${value}" is not a URL.`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `"${parsed.href}" is not an http(s) URL.`;
  return parsed;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** TLS verification failures: the host's certificate will not become valid by asking again. */
const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A failure that asking again will not mend, by the error's code and name: a name that does not exist (ENOTFOUND;
 * EAI_AGAIN, a resolver that could not answer now, is not one), a certificate that does not verify, an answer that
 * is not HTTP (undici's HTTPParserError, llhttp's HPE_* codes). Undefined for the rest (refused or reset
 * connections, an unreachable network), which may mend: a template answers 503 and a campaign's registration is
 * retried, where these answer 400 and reject it.
 */
export function lastingFetchFailure(error: { code?: string; name?: string }): 'media_host_unknown' | 'media_tls' | 'media_bad_response' | undefined {
  const { code, name } = error;
  if (code === 'ENOTFOUND') return 'media_host_unknown';
  if (code !== undefined && CERTIFICATE_CODES.has(code)) return 'media_tls';
  if (name === 'HTTPParserError' || code?.startsWith('HPE_')) return 'media_bad_response';
  return undefined;
}

function tooLarge(url: string, maxBytes: number, announced?: number): MediaFetchOutcome {
  const size = announced === undefined ? 'more' : `${announced} bytes`;
  return failure('media_too_large', `${url} is larger than ${maxBytes} bytes (${size}).`);
}

function failure(
  code: string,
  details: string,
  retriable = false,
  category: ProviderError['category'] = 'invalid_request',
): { ok: false; error: ProviderError } {
  const titles: Record<string, string> = {
    media_url_invalid: 'Media URL not allowed',
    media_too_large: 'Media file too large',
    media_redirects: 'Too many redirects',
    media_http_status: 'Media URL failed',
    timeout: 'Media fetch timed out',
    network: 'Media fetch failed',
    media_host_unknown: 'Media host not found',
    media_tls: 'Media host certificate not valid',
    media_bad_response: 'Media host answered without HTTP',
  };
  return {
    ok: false,
    error: {
      code,
      title: titles[code] ?? 'Media fetch failed',
      details,
      retriable,
      category: retriable ? 'transient' : category,
    },
  };
}
