import { pipeline, Transform } from 'node:stream';
import { request as undiciRequest } from 'undici';
import type { MediaDownloadOutcome, ProviderError, SendOutcome, SendRequest } from '../channel-provider.types';
import type { CredentialsCheck, MetaMessagingCredentials, PlatformAdapter } from '../platform.types';
import { ProviderPools } from '../provider-pools.util';
import { invalidRequestError, isRecord, transportError } from '../whatsapp/graph-error.util';
import { MEDIA_DOWNLOAD_TIMEOUT_MS } from '../whatsapp/media-download.util';
import { mapMetaMessagingFailure } from './meta-messaging-error.util';
import { toMetaSendBody, validateMetaMessage, type MetaJson, type MetaMessagingType } from './meta-messaging-message.util';

export interface MetaMessagingAdapterOptions {
  /** Upper bound on connections per Graph origin; null or 0 = none, the pool follows demand (as WhatsApp's). */
  readonly connections?: number | null;
  /** One Graph call, headers and body each. */
  readonly requestTimeoutMs?: number;
  readonly userAgent?: string;
}

export const META_MESSAGING_ADAPTER_DEFAULTS = {
  requestTimeoutMs: 15_000,
  connectTimeoutMs: 5_000,
  /** An idle connection is closed after this long, so the extra connections of a burst do not stay open. */
  keepAliveTimeoutMs: 30_000,
} as const;

/** Files users send on Messenger and Instagram are at most 25 MB (Meta's attachment limits); MB read as MiB. */
export const META_INBOUND_MEDIA_MAX_BYTES = 25 * 1024 * 1024;

const MESSAGING_TYPES: ReadonlySet<string> = new Set<MetaMessagingType>(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
/** PSIDs and IGSIDs are numeric strings; the simulator may use other plain ids, so only the shape is checked. */
const RECIPIENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_RESPONSE_BYTES = 1024 * 1024;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_MEDIA_REDIRECTS = 3;
/**
 * An attachment URL that no longer works: 404/410, and 403, which Meta's CDN answers once a signed URL expired.
 * None of them gets better by asking again.
 */
const GONE_STATUSES = new Set([403, 404, 410]);

type GraphAnswer = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly error: ProviderError };

/**
 * Messenger and Instagram over Meta's Send API (`POST <root>/<Page or IG id>/messages`): one instance for every
 * channel of either kind, credentials with each call, one keep-alive pool per Graph origin (graph.facebook.com and
 * graph.instagram.com each get one). Never throws for Graph or network failures: they come back as `{ok: false,
 * error}`, classified by `mapMetaMessagingFailure`; a timeout or dropped connection is `timeout` / `network_error`
 * so the pipeline treats the send as in doubt, exactly as on WhatsApp.
 */
export class MetaMessagingAdapter implements PlatformAdapter<MetaMessagingCredentials> {
  private readonly pools: ProviderPools;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;

  constructor(options: MetaMessagingAdapterOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? META_MESSAGING_ADAPTER_DEFAULTS.requestTimeoutMs;
    this.pools = new ProviderPools({
      connections: options.connections,
      requestTimeoutMs: this.requestTimeoutMs,
      connectTimeoutMs: META_MESSAGING_ADAPTER_DEFAULTS.connectTimeoutMs,
      keepAliveTimeoutMs: META_MESSAGING_ADAPTER_DEFAULTS.keepAliveTimeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    });
    this.userAgent = options.userAgent ?? 'herald';
  }

  /**
   * Sends one message. `messagingType` defaults to RESPONSE; MESSAGE_TAG needs the message's `tag`, which then goes
   * out beside it. `callbackData` is not sent: Meta's Send API has no field that comes back in status events, which
   * name the message by the `message_id` returned here. Success is `sent: true`: these platforms report no separate
   * "sent" status.
   */
  async send(credentials: MetaMessagingCredentials, request: SendRequest): Promise<SendOutcome> {
    if (!RECIPIENT_ID.test(request.to)) {
      return { ok: false, error: invalidRequestError('invalid_recipient', `"${request.to}" is not a page- or Instagram-scoped user id.`) };
    }
    const messagingType = request.messagingType ?? 'RESPONSE';
    if (!MESSAGING_TYPES.has(messagingType)) {
      return { ok: false, error: invalidRequestError('invalid_messaging_type', `"${String(messagingType)}" is none of Meta's messaging types (RESPONSE, UPDATE, MESSAGE_TAG).`) };
    }
    if (messagingType === 'MESSAGE_TAG' && request.message.tag === undefined) {
      return { ok: false, error: invalidRequestError('missing_tag', 'MESSAGE_TAG needs the message to carry a tag.') };
    }
    // Herald built it from input it validated already (a campaign's content): not again per recipient.
    if (request.prevalidated !== true) {
      const issues = validateMetaMessage(credentials.platform, request.message);
      if (issues.length > 0) {
        return { ok: false, error: invalidRequestError('invalid_message', issues.map((i) => `${i.field}: ${i.issue}`).join('; ')) };
      }
    }
    const body = toMetaSendBody(credentials.platform, request.to, messagingType, request.message);
    if (body === undefined) {
      return {
        ok: false,
        error: invalidRequestError('invalid_message', `type: ${request.message.type} messages cannot be sent on ${credentials.platform}`),
      };
    }
    const answer = await this.call(credentials, 'POST', [credentials.senderId, 'messages'], undefined, body);
    if (!answer.ok) return answer;
    const json = isRecord(answer.json) ? answer.json : {};
    const messageId = json['message_id'];
    if (typeof messageId !== 'string' || messageId === '') {
      return { ok: false, error: unexpectedAnswer('The send was answered without a message_id.') };
    }
    const recipientId = json['recipient_id'];
    return {
      ok: true,
      providerMessageId: messageId,
      ...(typeof recipientId === 'string' && recipientId !== '' ? { recipientId } : {}),
      sent: true,
    };
  }

  /**
   * Who the token speaks for: the Page (`GET /<page id>?fields=id,name`) or the Instagram professional account
   * (`GET /<ig id>?fields=id,username,name`). `senderId` is the id as Graph answers it.
   */
  async verifyCredentials(credentials: MetaMessagingCredentials): Promise<CredentialsCheck> {
    const instagram = credentials.platform === 'instagram';
    const answer = await this.call(credentials, 'GET', [credentials.senderId], { fields: instagram ? 'id,username,name' : 'id,name' });
    if (!answer.ok) return answer;
    const json = isRecord(answer.json) ? answer.json : {};
    const id = typeof json['id'] === 'string' || (typeof json['id'] === 'number' && Number.isSafeInteger(json['id'])) ? String(json['id']) : '';
    if (id === '') return { ok: false, error: unexpectedAnswer(`GET /${credentials.senderId} was answered without an id.`) };
    const name = typeof json['name'] === 'string' && json['name'] !== '' ? json['name'] : null;
    if (!instagram) return { ok: true, senderId: id, name };
    const username = typeof json['username'] === 'string' && json['username'] !== '' ? json['username'] : null;
    return { ok: true, senderId: id, name, username };
  }

  /**
   * Streams a file a user sent: `mediaId` is the attachment's `payload.url` as the webhook gave it (`media.id` of
   * the inbound message). Meta's CDN URLs are signed and need no token, so none is sent: the access token never goes
   * to a host named in a payload. http(s) only, at most 3 redirects (each http(s) again); a file announced or
   * counted larger than `maxBytes` (default 25 MiB) is refused or cut off; `timeoutMs` bounds the wait for headers
   * and each gap between chunks. The URLs expire: 403, 404 and 410 are reported as `gone`.
   */
  async downloadMedia(
    _credentials: MetaMessagingCredentials,
    mediaId: string,
    options: { maxBytes?: number; timeoutMs?: number } = {},
  ): Promise<MediaDownloadOutcome> {
    const maxBytes = options.maxBytes ?? META_INBOUND_MEDIA_MAX_BYTES;
    const timeoutMs = options.timeoutMs ?? MEDIA_DOWNLOAD_TIMEOUT_MS;
    const first = httpUrl(mediaId);
    if (first === undefined) {
      return { ok: false, gone: true, error: invalidRequestError('invalid_media_url', 'The attachment URL is not an http(s) URL.') };
    }
    let url: string = first;
    try {
      for (let redirects = 0; ; redirects += 1) {
        const response = await undiciRequest(url, {
          method: 'GET',
          headers: { 'user-agent': this.userAgent, accept: '*/*' },
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        if (REDIRECT_STATUSES.has(response.statusCode)) {
          await response.body.dump({ limit: 0 }).catch(() => undefined);
          const location = header(response.headers['location']);
          const next: string | undefined = location === undefined || redirects >= MAX_MEDIA_REDIRECTS ? undefined : httpUrl(location, url);
          if (next === undefined) {
            return { ok: false, gone: false, error: mediaFailure('media_redirects', 'The attachment URL redirected too often or to a non-http(s) place.', false) };
          }
          url = next;
          continue;
        }
        if (response.statusCode < 200 || response.statusCode >= 300) {
          await response.body.dump({ limit: 0 }).catch(() => undefined);
          const gone = GONE_STATUSES.has(response.statusCode);
          const retriable = response.statusCode >= 500 || response.statusCode === 429;
          return {
            ok: false,
            gone,
            error: mediaFailure(gone ? 'media_gone' : 'media_download_failed', `The attachment URL answered HTTP ${response.statusCode}.`, retriable, response.statusCode),
          };
        }
        const announced = Number(header(response.headers['content-length']) ?? NaN);
        const contentLength = Number.isSafeInteger(announced) && announced >= 0 ? announced : null;
        if (contentLength !== null && contentLength > maxBytes) {
          await response.body.dump({ limit: 0 }).catch(() => undefined); // closes the connection without reading the file
          return { ok: false, gone: false, error: mediaFailure('media_too_large', `The file has ${contentLength} bytes; at most ${maxBytes} are taken.`, false) };
        }
        return {
          ok: true,
          mimeType: header(response.headers['content-type']) ?? 'application/octet-stream',
          fileSize: contentLength,
          contentLength,
          sha256: null,
          body: boundedBody(response.body, maxBytes),
        };
      }
    } catch (error) {
      return { ok: false, gone: false, error: transportFailure(error) };
    }
  }

  close(): Promise<void> {
    return this.pools.close();
  }

  private async call(
    credentials: MetaMessagingCredentials,
    method: 'GET' | 'POST',
    segments: readonly string[],
    query?: Record<string, string>,
    body?: { [key: string]: MetaJson },
  ): Promise<GraphAnswer> {
    const base = this.pools.base(credentials.graphBaseUrl, 'invalid_graph_base_url');
    if (!base.ok) return base;
    const path =
      `${base.pathPrefix}/${segments.map(encodeURIComponent).join('/')}` +
      (query === undefined ? '' : `?${new URLSearchParams(query).toString()}`);
    const headers: Record<string, string> = {
      authorization: `Bearer ${credentials.accessToken}`,
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.pools.get(base.origin).request({
        method,
        path,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      const raw = await response.body.text();
      const json = parseJson(raw);
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, json };
      const retryAfter = header(response.headers['retry-after']);
      const usage = header(response.headers['x-business-use-case-usage']);
      return {
        ok: false,
        error: mapMetaMessagingFailure({
          httpStatus: response.statusCode,
          body: json,
          ...(retryAfter === undefined ? {} : { retryAfter }),
          ...(usage === undefined ? {} : { businessUseCaseUsage: usage }),
        }),
      };
    } catch (error) {
      return { ok: false, error: transportFailure(error) };
    }
  }
}

/**
 * The body, passed through until more than `maxBytes` went by; then it errors (the receiver sees a cut-off
 * transfer). A failure of the source (a stall past the body timeout, a dropped connection) errors it too.
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

function httpUrl(value: string, base?: string): string | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Meta accepted the request but the answer is not what it documents: do not resend blindly. */
function unexpectedAnswer(details: string): ProviderError {
  return { code: 'unexpected_response', title: 'Unexpected answer', details, retriable: false, category: 'unknown' };
}

function mediaFailure(code: string, details: string, retriable: boolean, httpStatus?: number): ProviderError {
  return {
    code,
    title: code === 'media_gone' ? 'Media no longer available' : code === 'media_too_large' ? 'Media file too large' : 'Media download failed',
    details,
    retriable,
    category: retriable ? 'transient' : 'invalid_request',
    ...(httpStatus === undefined ? {} : { httpStatus }),
  };
}

function transportFailure(error: unknown): ProviderError {
  const e = isRecord(error) || error instanceof Error ? (error as { name?: unknown; code?: unknown; message?: unknown }) : {};
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return transportError('timeout', message);
  return transportError('network', code === '' ? message : `${code}: ${message}`);
}
