import { createHash } from 'node:crypto';
import type {
  BusinessPortfolioOutcome,
  ChannelProvider,
  MarketingOnboardingOutcome,
  MediaDownloadOutcome,
  MediaFetchOptions,
  MediaFetchOutcome,
  MediaUploadOutcome,
  MediaUploadRequest,
  MessagingLimitOutcome,
  OutboundMessage,
  ProviderError,
  ProviderTemplateComponent,
  SendOutcome,
  SendRequest,
  TemplateCategory,
  TemplateCategoryOutcome,
  TemplateDefinition,
  TemplateDeleteOutcome,
  TemplateDeleteRequest,
  TemplateDetail,
  TemplateListOutcome,
  TemplateOutcome,
  TemplatePageRequest,
  TemplateRef,
  TemplateState,
} from '../channel-provider.types';
import { ProviderPools } from '../provider-pools.util';
import { invalidRequestError, isInvalidParameterError, isRecord, mapGraphFailure, transportError } from './graph-error.util';
import { messagingLimitFromGraph, toGraphMessage, toGraphTemplateDefinition, type GraphJson } from './graph-payload.util';
import { MAX_INBOUND_MEDIA_BYTES, MEDIA_DOWNLOAD_TIMEOUT_MS, mediaLocationOf, streamMedia } from './media-download.util';
import { fetchMedia, mimeTypeOf, RESUMABLE_UPLOAD_MIME_TYPES } from './media-fetch.util';
import { validateOutboundMessage } from './outbound-message.util';
import { templateStatus } from './webhook-payload.util';
import { WHATSAPP_ADAPTER_DEFAULTS, WHATSAPP_LIMITS } from './whatsapp.constants';
import type { MediaDownloadOptions, WhatsAppCloudAdapterOptions, WhatsAppCredentials } from './whatsapp.types';

const E164 = /^\+[1-9]\d{6,14}$/;
const TEMPLATE_FIELDS = 'id,name,language,status,category,rejected_reason';
/** What `listTemplates` reads of each template (WhatsApp Business Account > message_templates). */
const TEMPLATE_DETAIL_FIELDS = 'name,language,category,status,quality_score,components,parameter_format,rejected_reason,id';
/** Templates per page when the caller names no limit; Meta's own default is 25. */
const TEMPLATE_PAGE_DEFAULT = 100;
const TEMPLATE_PAGE_MAX = 1_000;
/** How long the app a token belongs to (`GET /app`) is remembered; a token never changes app. */
const APP_ID_TTL_MS = 24 * 60 * 60_000;
const APP_ID_CACHE_SIZE = 1_000;
/** An upload session id as Graph gives it, used verbatim in the next URL: `upload:<base64>` and maybe `?sig=…`. */
const UPLOAD_SESSION_ID = /^upload:[A-Za-z0-9+/=_\-.~%]+(\?[A-Za-z0-9+/=_\-.~%&]*)?$/;
const TEMPLATE_CATEGORIES: readonly TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
/** The business portfolio's messaging limit on the phone number node (Graph v24.0+), e.g. `TIER_2K`. */
const MESSAGING_LIMIT_FIELD = 'whatsapp_business_manager_messaging_limit';
/** The deprecated per-number field it replaced (v23.0 and older). */
const LEGACY_MESSAGING_LIMIT_FIELD = 'messaging_limit_tier';
/** On the WABA node: ELIGIBLE, ONBOARDED, PENDING_*, INELIGIBLE_*. */
const MARKETING_ONBOARDING_FIELD = 'marketing_messages_onboarding_status';
const MARKETING_ONBOARDED = 'ONBOARDED';
/** On the WABA node: the business portfolio that owns it, `{id, name}`. */
const OWNER_BUSINESS_FIELD = 'owner_business_info';
/** Herald keeps a portfolio id in varchar(64) columns; Meta's object ids are numeric strings far shorter. */
const MAX_BUSINESS_ID_LENGTH = 64;
/** `messages[0].message_status` of a send Meta holds for its quality assessment (template pacing). */
const HELD_FOR_QUALITY_ASSESSMENT = 'held_for_quality_assessment';
const SEND_ROUTES: ReadonlySet<string> = new Set(['messages', 'marketing_messages']);
const MAX_RESPONSE_BYTES = 1024 * 1024;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

type GraphAnswer = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly error: ProviderError };

/** What a Graph call sends besides JSON: raw bytes, other headers, another Authorization, a longer timeout. */
interface CallOptions {
  readonly raw?: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly authorization?: string;
  readonly timeoutMs?: number;
  /** The segments are already URL-ready: joined as they are (an upload session id with its `?sig=`). */
  readonly verbatimPath?: boolean;
}

/**
 * WhatsApp Cloud API over HTTP: sends messages, creates templates and reads their status. One keep-alive
 * pool per Graph origin, shared by every channel (credentials come with each call). Never throws for
 * Graph or network failures: they come back as `{ok: false, error}` mapped by error code.
 */
export class WhatsAppCloudAdapter implements ChannelProvider<WhatsAppCredentials> {
  readonly channel = 'whatsapp' as const;
  private readonly pools: ProviderPools;
  /** Phone numbers this process has already looked up (see `prepare`). */
  private readonly prepared = new Map<string, Promise<void>>();
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;
  /** Template categories by (Graph root, WABA, token, name, language); lookups in flight are shared. */
  private readonly templateCategories: BoundedTtlCache<Promise<TemplateCategoryOutcome>> | undefined;
  /** The app each token belongs to, by (Graph root, token hash); lookups in flight are shared, failures not kept. */
  private readonly appIds = new BoundedTtlCache<Promise<AppIdAnswer>>(APP_ID_TTL_MS, APP_ID_CACHE_SIZE);
  private readonly uploadTimeoutMs: number;
  private readonly mediaAllowPrivateUrls: boolean;

  constructor(options: WhatsAppCloudAdapterOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? WHATSAPP_ADAPTER_DEFAULTS.requestTimeoutMs;
    this.pools = new ProviderPools({
      connections: options.connections ?? WHATSAPP_ADAPTER_DEFAULTS.connections,
      requestTimeoutMs: this.requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? WHATSAPP_ADAPTER_DEFAULTS.connectTimeoutMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? WHATSAPP_ADAPTER_DEFAULTS.keepAliveTimeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    });
    this.userAgent = options.userAgent ?? 'herald';
    const ttlMs = options.templateCacheTtlMs ?? WHATSAPP_ADAPTER_DEFAULTS.templateCacheTtlMs;
    const size = options.templateCacheSize ?? WHATSAPP_ADAPTER_DEFAULTS.templateCacheSize;
    this.templateCategories = ttlMs > 0 && size > 0 ? new BoundedTtlCache(ttlMs, size) : undefined;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? Math.max(WHATSAPP_ADAPTER_DEFAULTS.uploadTimeoutMs, this.requestTimeoutMs);
    this.mediaAllowPrivateUrls = options.mediaAllowPrivateUrls ?? false;
  }

  /**
   * Before the first send through a number in this process: one read of the number (`GET /{phoneNumberId}`),
   * which opens the connection and warms the HTTP client, so the first sends leave on time instead of some
   * milliseconds after their rate-limit slot. Its outcome does not matter; sends report their own.
   */
  async prepare(credentials: WhatsAppCredentials): Promise<void> {
    const key = `${credentials.graphBaseUrl}|${credentials.phoneNumberId}`;
    let done = this.prepared.get(key);
    if (!done) {
      done = this.call(credentials, 'GET', [credentials.phoneNumberId], { fields: 'id' }).then(() => undefined);
      this.prepared.set(key, done);
    }
    await done;
  }

  async send(credentials: WhatsAppCredentials, request: SendRequest): Promise<SendOutcome> {
    if (!E164.test(request.to)) {
      return { ok: false, error: invalidRequestError('invalid_recipient', `"${request.to}" is not an E.164 number with '+'.`) };
    }
    if (request.callbackData === '' || [...request.callbackData].length > WHATSAPP_LIMITS.callbackData) {
      return {
        ok: false,
        error: invalidRequestError(
          'invalid_callback_data',
          `callbackData must be 1 to ${WHATSAPP_LIMITS.callbackData} characters.`,
        ),
      };
    }
    const route = request.route ?? 'messages';
    if (!SEND_ROUTES.has(route)) {
      return { ok: false, error: invalidRequestError('invalid_route', `"${String(route)}" is not a send route.`) };
    }
    // Meta's Marketing Messages API takes templates only.
    if (route === 'marketing_messages' && request.message.type !== 'template') {
      return {
        ok: false,
        error: invalidRequestError('invalid_route', `A ${request.message.type} message cannot go to marketing_messages.`),
      };
    }
    let message: OutboundMessage = request.message;
    // Herald built it from input it validated already (a campaign's template and params): not again per recipient.
    if (request.prevalidated !== true) {
      const checked = validateOutboundMessage(request.message);
      if (!checked.ok) {
        const details = checked.errors.map((e) => `${e.field}: ${e.issue}`).join('; ');
        return { ok: false, error: invalidRequestError('invalid_message', details) };
      }
      message = checked.message;
    }
    const body = toGraphMessage(request.to, message, request.callbackData);
    const answer = await this.call(credentials, 'POST', [credentials.phoneNumberId, route], undefined, body);
    if (!answer.ok) return answer;
    const json = isRecord(answer.json) ? answer.json : {};
    const messages = Array.isArray(json['messages']) ? json['messages'] : [];
    const contacts = Array.isArray(json['contacts']) ? json['contacts'] : [];
    const first: unknown = messages[0];
    const contact: unknown = contacts[0];
    const id = isRecord(first) && typeof first['id'] === 'string' ? first['id'] : undefined;
    if (id === undefined) return { ok: false, error: unexpectedAnswer('The send was answered without a message id.') };
    const waId = isRecord(contact) && typeof contact['wa_id'] === 'string' ? contact['wa_id'] : undefined;
    // "accepted" or no message_status: sent normally. Held: neither sent nor failed until a status webhook says.
    const held = isRecord(first) && first['message_status'] === HELD_FOR_QUALITY_ASSESSMENT;
    return {
      ok: true,
      providerMessageId: id,
      ...(waId === undefined ? {} : { recipientId: waId }),
      ...(held ? { held: true } : {}),
    };
  }

  async createTemplate(credentials: WhatsAppCredentials, definition: TemplateDefinition): Promise<TemplateOutcome> {
    const answer = await this.call(
      credentials,
      'POST',
      [credentials.wabaId, 'message_templates'],
      undefined,
      toGraphTemplateDefinition(definition),
    );
    if (!answer.ok) return answer;
    const state = templateState(answer.json, { name: definition.name, language: definition.language });
    return state === undefined
      ? { ok: false, error: unexpectedAnswer('The template was answered without id and status.') }
      : { ok: true, template: state };
  }

  async getTemplate(credentials: WhatsAppCredentials, ref: TemplateRef): Promise<TemplateOutcome> {
    if ('id' in ref) {
      const answer = await this.call(credentials, 'GET', [ref.id], { fields: TEMPLATE_FIELDS });
      if (!answer.ok) return answer;
      const state = templateState(answer.json, {});
      return state === undefined
        ? { ok: false, error: unexpectedAnswer('The template was answered without id and status.') }
        : { ok: true, template: state };
    }
    // The listing's name filter is not an exact match: page through and pick the exact name (and language).
    let after: string | undefined;
    for (let page = 0; page < WHATSAPP_ADAPTER_DEFAULTS.templateLookupPages; page += 1) {
      const query: Record<string, string> = {
        name: ref.name,
        fields: TEMPLATE_FIELDS,
        limit: '100',
        ...(after === undefined ? {} : { after }),
      };
      const answer = await this.call(credentials, 'GET', [credentials.wabaId, 'message_templates'], query);
      if (!answer.ok) return answer;
      const json = isRecord(answer.json) ? answer.json : {};
      const data = Array.isArray(json['data']) ? json['data'] : [];
      for (const item of data) {
        const state = templateState(item, {});
        if (state !== undefined && state.name === ref.name && (ref.language === undefined || state.language === ref.language)) {
          return { ok: true, template: state };
        }
      }
      const paging = isRecord(json['paging']) ? json['paging'] : {};
      const cursors = isRecord(paging['cursors']) ? paging['cursors'] : {};
      after = typeof cursors['after'] === 'string' && typeof paging['next'] === 'string' ? cursors['after'] : undefined;
      if (after === undefined) break;
    }
    const which = ref.language === undefined ? `"${ref.name}"` : `"${ref.name}" (${ref.language})`;
    return {
      ok: false,
      error: {
        code: 'template_not_found',
        title: 'Template not found',
        details: `The WhatsApp Business Account has no template named ${which}.`,
        retriable: false,
        category: 'template_problem',
      },
    };
  }

  /**
   * The current category and status of the template with exactly this name and language, from the WABA's
   * template listing (`getTemplate`). Successful answers are reused for `templateCacheTtlMs` (5 min) and
   * concurrent lookups of one template share one request; failures are not kept, so the next call asks again.
   */
  async getTemplateCategory(credentials: WhatsAppCredentials, name: string, language: string): Promise<TemplateCategoryOutcome> {
    const cache = this.templateCategories;
    if (cache === undefined) return this.lookUpTemplateCategory(credentials, name, language);
    // The token is part of the key (hashed): an answer got with one channel's token is never handed to another.
    const token = createHash('sha256').update(credentials.accessToken).digest('base64url');
    const key = [credentials.graphBaseUrl, credentials.wabaId, token, name, language].join('\u0000');
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const lookup = this.lookUpTemplateCategory(credentials, name, language);
    cache.set(key, lookup);
    const forget = (): void => cache.deleteIf(key, lookup);
    void lookup.then((outcome) => (outcome.ok ? undefined : forget()), forget);
    return lookup;
  }

  /**
   * The business portfolio's messaging limit: `GET /{phone-number-id}?fields=whatsapp_business_manager_messaging_limit`
   * (Graph v24.0+, e.g. `"TIER_2K"`). When Graph does not give it (a channel pinned to v23.0 or older refuses
   * the field as an invalid parameter, or the answer lacks it), the deprecated `messaging_limit_tier` instead.
   */
  async getMessagingLimit(credentials: WhatsAppCredentials): Promise<MessagingLimitOutcome> {
    const current = await this.readField(credentials, credentials.phoneNumberId, MESSAGING_LIMIT_FIELD);
    if (!current.ok && !isInvalidParameterError(current.error)) return current;
    const answer =
      current.ok && current.value !== undefined
        ? current
        : await this.readField(credentials, credentials.phoneNumberId, LEGACY_MESSAGING_LIMIT_FIELD);
    if (!answer.ok) return answer;
    if (answer.value === undefined) {
      return {
        ok: false,
        error: unexpectedAnswer(
          `The phone number was answered without ${MESSAGING_LIMIT_FIELD} or ${LEGACY_MESSAGING_LIMIT_FIELD}.`,
        ),
      };
    }
    const limit = messagingLimitFromGraph(answer.value);
    return limit === undefined
      ? { ok: false, error: unexpectedAnswer(`Unknown messaging limit ${JSON.stringify(answer.value)}.`) }
      : { ok: true, ...limit };
  }

  /**
   * Whether the WABA is onboarded to the Marketing Messages API: `GET /{waba-id}?fields=marketing_messages_onboarding_status`.
   * Only `ONBOARDED` may send there; `ELIGIBLE`, `PENDING_*` and `INELIGIBLE_*` may not (yet).
   */
  async getMarketingMessagesOnboarding(credentials: WhatsAppCredentials): Promise<MarketingOnboardingOutcome> {
    const answer = await this.readField(credentials, credentials.wabaId, MARKETING_ONBOARDING_FIELD);
    if (!answer.ok) return answer;
    const status = typeof answer.value === 'string' && answer.value !== '' ? answer.value : null;
    return { ok: true, onboarded: status === MARKETING_ONBOARDED, status };
  }

  /**
   * The business portfolio that owns the WABA: `GET /{waba-id}?fields=owner_business_info`, answered
   * `{"owner_business_info": {"id": "...", "name": "..."}, "id": "<waba-id>"}`. Meta counts the messaging limit per
   * portfolio, shared by every WABA it owns and their numbers. An answer without the field names no business.
   */
  async getBusinessPortfolio(credentials: WhatsAppCredentials): Promise<BusinessPortfolioOutcome> {
    const answer = await this.readField(credentials, credentials.wabaId, OWNER_BUSINESS_FIELD);
    if (!answer.ok) return answer;
    if (answer.value === undefined) return { ok: true, business: null };
    const owner = answer.value;
    const rawId = isRecord(owner) ? owner['id'] : undefined;
    const id = typeof rawId === 'string' || (typeof rawId === 'number' && Number.isSafeInteger(rawId)) ? String(rawId) : '';
    if (id === '' || id.length > MAX_BUSINESS_ID_LENGTH) {
      return {
        ok: false,
        error: unexpectedAnswer(`The WABA's ${OWNER_BUSINESS_FIELD} has no usable id: ${JSON.stringify(owner).slice(0, 200)}.`),
      };
    }
    const name = isRecord(owner) && typeof owner['name'] === 'string' && owner['name'] !== '' ? owner['name'] : null;
    return { ok: true, business: { id, name } };
  }

  /**
   * One page of the WABA's templates: `GET /{waba-id}/message_templates?fields=name,language,category,status,
   * quality_score,components,parameter_format,rejected_reason,id&limit=&after=` (Graph API reference, WhatsApp Business
   * Account > Message Templates). `next` is `paging.cursors.after` when the answer has `paging.next` (Graph's cursor
   * paging: no `next`, no further page). An entry without id, name, language or status is skipped, not fatal.
   */
  async listTemplates(credentials: WhatsAppCredentials, page: TemplatePageRequest = {}): Promise<TemplateListOutcome> {
    const limit = page.limit ?? TEMPLATE_PAGE_DEFAULT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > TEMPLATE_PAGE_MAX) {
      return {
        ok: false,
        error: invalidRequestError('invalid_limit', `limit must be a whole number from 1 to ${TEMPLATE_PAGE_MAX}.`),
      };
    }
    const query: Record<string, string> = {
      fields: TEMPLATE_DETAIL_FIELDS,
      limit: String(limit),
      ...(page.after === undefined || page.after === '' ? {} : { after: page.after }),
    };
    const answer = await this.call(credentials, 'GET', [credentials.wabaId, 'message_templates'], query);
    if (!answer.ok) return answer;
    if (!isRecord(answer.json) || !Array.isArray(answer.json['data'])) {
      return { ok: false, error: unexpectedAnswer('The template listing was answered without a data array.') };
    }
    const templates: TemplateDetail[] = [];
    for (const item of answer.json['data']) {
      const detail = templateDetail(item);
      if (detail !== undefined) templates.push(detail);
    }
    const next = nextCursor(answer.json);
    return { ok: true, templates, ...(next === undefined ? {} : { next }) };
  }

  /**
   * Deletes a template: `DELETE /{waba-id}/message_templates?name=` removes every language of that name; with
   * `hsm_id` (the template's id) only that one (Graph API reference, WhatsApp Business Account > Message Templates,
   * Deleting). Meta answers `{"success": true}`; a deleted name cannot be used again for 30 days.
   */
  async deleteTemplate(credentials: WhatsAppCredentials, ref: TemplateDeleteRequest): Promise<TemplateDeleteOutcome> {
    if (typeof ref.name !== 'string' || ref.name.trim() === '') {
      return { ok: false, error: invalidRequestError('invalid_template_name', 'The template name is required.') };
    }
    if (ref.id !== undefined && !/^\d{1,64}$/.test(ref.id)) {
      return { ok: false, error: invalidRequestError('invalid_template_id', `"${ref.id}" is not a template id.`) };
    }
    const query: Record<string, string> = { name: ref.name, ...(ref.id === undefined ? {} : { hsm_id: ref.id }) };
    const answer = await this.call(credentials, 'DELETE', [credentials.wabaId, 'message_templates'], query);
    if (!answer.ok) return answer;
    return isRecord(answer.json) && answer.json['success'] === true
      ? { ok: true }
      : { ok: false, error: unexpectedAnswer('The template deletion was not answered {"success": true}.') };
  }

  /**
   * Uploads a template header's example file through Meta's Resumable Upload API (Graph API guide "Upload a file";
   * WhatsApp "Create and manage templates": media header examples take its handle in `example.header_handle`):
   * 1. `POST /{app-id}/uploads?file_name=&file_length=&file_type=` → `{"id": "upload:<session>"}`;
   * 2. `POST /upload:<session>` with `Authorization: OAuth <token>`, `file_offset: 0` and the bytes as the body →
   *    `{"h": "<handle>"}`.
   * The app is `credentials.appId`, else the one Graph names for the token (`GET /app`, remembered per token).
   */
  async uploadMedia(credentials: WhatsAppCredentials, file: MediaUploadRequest): Promise<MediaUploadOutcome> {
    const fileType = mimeTypeOf(file.mimeType);
    if (fileType === undefined || !RESUMABLE_UPLOAD_MIME_TYPES.includes(fileType)) {
      return {
        ok: false,
        error: invalidRequestError(
          'invalid_media_type',
          `Meta's upload API takes ${RESUMABLE_UPLOAD_MIME_TYPES.join(', ')}; got "${file.mimeType}".`,
        ),
      };
    }
    if (!(file.bytes instanceof Uint8Array) || file.bytes.byteLength === 0) {
      return { ok: false, error: invalidRequestError('invalid_media', 'The file is empty.') };
    }
    const app =
      credentials.appId !== undefined && credentials.appId !== ''
        ? { ok: true as const, id: credentials.appId }
        : await this.appIdOf(credentials);
    if (!app.ok) return app;
    const fileName =
      file.fileName !== undefined && file.fileName.trim() !== '' ? file.fileName.trim() : defaultFileName(fileType);
    const session = await this.call(credentials, 'POST', [app.id, 'uploads'], {
      file_name: fileName,
      file_length: String(file.bytes.byteLength),
      file_type: fileType,
    });
    if (!session.ok) return session;
    // Meta's session ids carry their own signature as a query (`upload:<id>?sig=<sig>`) and are used as given.
    const sessionId = isRecord(session.json) && typeof session.json['id'] === 'string' ? session.json['id'] : '';
    if (!UPLOAD_SESSION_ID.test(sessionId)) {
      return { ok: false, error: unexpectedAnswer('The upload session was answered without an "upload:…" id.') };
    }
    const upload = await this.call(credentials, 'POST', [sessionId], undefined, undefined, {
      verbatimPath: true,
      raw: file.bytes,
      authorization: `OAuth ${credentials.accessToken}`,
      headers: { file_offset: '0', 'content-type': fileType },
      timeoutMs: this.uploadTimeoutMs,
    });
    if (!upload.ok) return upload;
    const handle = isRecord(upload.json) && typeof upload.json['h'] === 'string' ? upload.json['h'] : '';
    return handle === ''
      ? { ok: false, error: unexpectedAnswer('The upload was answered without a file handle ("h").') }
      : { ok: true, handle };
  }

  /**
   * GETs a header's media from an http(s) URL before `uploadMedia` (see `fetchMedia` in media-fetch.util: 15 s,
   * ≤ 3 redirects, refused past `maxBytes`, and refused for non-public addresses unless `mediaAllowPrivateUrls`).
   * Check the type and size against TEMPLATE_HEADER_MEDIA.
   */
  fetchMedia(url: string, options: MediaFetchOptions): Promise<MediaFetchOutcome> {
    // Only the bounds come from the caller: the guard (and its test hooks) are this adapter's configuration.
    const { maxBytes, timeoutMs, maxRedirects } = options;
    return fetchMedia(url, {
      userAgent: this.userAgent,
      maxBytes,
      timeoutMs,
      maxRedirects,
      allowPrivateUrls: this.mediaAllowPrivateUrls,
    });
  }

  /**
   * Streams a file a user sent (Meta, "Media": retrieve the media URL, then download it):
   * 1. `GET /{media-id}?phone_number_id=` with the token → `{messaging_product, url, mime_type, sha256, file_size, id}`;
   * 2. `GET <url>` with the same token → the bytes, streamed and bounded (`maxBytes`, default 100 MB).
   * The URL is valid for 5 minutes, so it is asked for on every download and never kept. Webhook media ids expire
   * after 7 days: Graph then answers error 100 (unknown object) or HTTP 404, reported as `gone`.
   */
  async downloadMedia(
    credentials: WhatsAppCredentials,
    mediaId: string,
    options: MediaDownloadOptions = {},
  ): Promise<MediaDownloadOutcome> {
    if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(mediaId)) {
      return { ok: false, gone: true, error: invalidRequestError('invalid_media_id', `"${mediaId}" is not a media id.`) };
    }
    const answer = await this.call(credentials, 'GET', [mediaId], { phone_number_id: credentials.phoneNumberId });
    if (!answer.ok) {
      const gone = answer.error.httpStatus === 404 || answer.error.code === '100';
      return { ok: false, gone, error: answer.error };
    }
    const location = mediaLocationOf(answer.json);
    if (location === undefined) {
      return { ok: false, gone: false, error: unexpectedAnswer(`GET /${mediaId} was answered without a download url.`) };
    }
    return streamMedia(location, credentials.accessToken, {
      maxBytes: options.maxBytes ?? MAX_INBOUND_MEDIA_BYTES,
      timeoutMs: options.timeoutMs ?? MEDIA_DOWNLOAD_TIMEOUT_MS,
      userAgent: this.userAgent,
    });
  }

  /** The id of the app the token belongs to: `GET /app` answers `{id, name, …}` for the token's app. */
  private appIdOf(credentials: WhatsAppCredentials): Promise<AppIdAnswer> {
    const token = createHash('sha256').update(credentials.accessToken).digest('base64url');
    const key = `${credentials.graphBaseUrl}\u0000${token}`;
    const cached = this.appIds.get(key);
    if (cached !== undefined) return cached;
    const lookup = this.call(credentials, 'GET', ['app'], { fields: 'id,name' }).then((answer): AppIdAnswer => {
      if (!answer.ok) return answer;
      const raw = isRecord(answer.json) ? answer.json['id'] : undefined;
      const id = typeof raw === 'string' || (typeof raw === 'number' && Number.isSafeInteger(raw)) ? String(raw) : '';
      return /^\d{1,64}$/.test(id)
        ? { ok: true, id }
        : { ok: false, error: unexpectedAnswer('GET /app was answered without the app id.') };
    });
    this.appIds.set(key, lookup);
    void lookup.then((outcome) => (outcome.ok ? undefined : this.appIds.deleteIf(key, lookup)));
    return lookup;
  }

  close(): Promise<void> {
    return this.pools.close();
  }


  private async lookUpTemplateCategory(
    credentials: WhatsAppCredentials,
    name: string,
    language: string,
  ): Promise<TemplateCategoryOutcome> {
    const found = await this.getTemplate(credentials, { name, language });
    if (!found.ok) return found;
    const { id, category, status } = found.template;
    const known = TEMPLATE_CATEGORIES.find((c) => c === category?.toUpperCase());
    return known === undefined
      ? { ok: false, error: unexpectedAnswer(`Template "${name}" (${language}) has an unknown category: ${category ?? 'none'}.`) }
      : { ok: true, templateId: id, category: known, status };
  }

  /** One field of a Graph node; `value` undefined when the answer does not have it. */
  private async readField(
    credentials: WhatsAppCredentials,
    node: string,
    field: string,
  ): Promise<{ readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ProviderError }> {
    const answer = await this.call(credentials, 'GET', [node], { fields: field });
    if (!answer.ok) return answer;
    const value = isRecord(answer.json) ? answer.json[field] : undefined;
    return { ok: true, value: value === null ? undefined : value };
  }

  private async call(
    credentials: WhatsAppCredentials,
    method: 'GET' | 'POST' | 'DELETE',
    segments: readonly string[],
    query?: Record<string, string>,
    body?: GraphJson,
    options: CallOptions = {},
  ): Promise<GraphAnswer> {
    const base = this.pools.base(credentials.graphBaseUrl, 'invalid_graph_base_url');
    if (!base.ok) return base;
    const path =
      `${base.pathPrefix}/${(options.verbatimPath === true ? segments : segments.map(encodeURIComponent)).join('/')}` +
      (query === undefined ? '' : `?${new URLSearchParams(query).toString()}`);
    const headers: Record<string, string> = {
      authorization: options.authorization ?? `Bearer ${credentials.accessToken}`,
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, options.headers);
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    try {
      const response = await this.pools.get(base.origin).request({
        method,
        path,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
        signal: AbortSignal.timeout(options.timeoutMs ?? this.requestTimeoutMs),
        ...(options.timeoutMs === undefined ? {} : { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs }),
      });
      const raw = await response.body.text();
      const json = parseJson(raw);
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, json };
      const retryAfter = response.headers['retry-after'];
      return {
        ok: false,
        error: mapGraphFailure({
          httpStatus: response.statusCode,
          body: json,
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        }),
      };
    } catch (error) {
      return { ok: false, error: transportFailure(error) };
    }
  }
}

function templateState(value: unknown, known: { name?: string; language?: string }): TemplateState | undefined {
  if (!isRecord(value)) return undefined;
  const id = typeof value['id'] === 'string' || typeof value['id'] === 'number' ? String(value['id']) : undefined;
  const providerStatus = typeof value['status'] === 'string' ? value['status'] : undefined;
  if (id === undefined || providerStatus === undefined) return undefined;
  const name = typeof value['name'] === 'string' ? value['name'] : known.name;
  const language = typeof value['language'] === 'string' ? value['language'] : known.language;
  const category = typeof value['category'] === 'string' ? value['category'] : undefined;
  const reason =
    typeof value['rejected_reason'] === 'string' && value['rejected_reason'] !== 'NONE' ? value['rejected_reason'] : undefined;
  return {
    id,
    status: templateStatus(providerStatus),
    providerStatus,
    ...(name === undefined ? {} : { name }),
    ...(language === undefined ? {} : { language }),
    ...(category === undefined ? {} : { category }),
    ...(reason === undefined ? {} : { rejectedReason: reason }),
  };
}

type AppIdAnswer = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly error: ProviderError };

/** The cursor of the next page: `paging.cursors.after`, only when the answer has `paging.next`. */
function nextCursor(json: Record<string, unknown>): string | undefined {
  const paging = isRecord(json['paging']) ? json['paging'] : {};
  const cursors = isRecord(paging['cursors']) ? paging['cursors'] : {};
  const after = cursors['after'];
  return typeof paging['next'] === 'string' && typeof after === 'string' && after !== '' ? after : undefined;
}

/**
 * One entry of the template listing, leniently: unknown fields are ignored, a missing id, name, language or status
 * skips the entry. `quality_score` is `{score, date}` on the template node (a bare string is read too).
 */
function templateDetail(value: unknown): TemplateDetail | undefined {
  if (!isRecord(value)) return undefined;
  const state = templateState(value, {});
  if (state === undefined || state.name === undefined || state.language === undefined) return undefined;
  const quality = value['quality_score'];
  const rawScore = isRecord(quality) ? quality['score'] : quality;
  const qualityScore = typeof rawScore === 'string' && rawScore !== '' ? rawScore : undefined;
  const format = value['parameter_format'];
  const components: ProviderTemplateComponent[] = Array.isArray(value['components'])
    ? (value['components'] as unknown[]).filter((c): c is ProviderTemplateComponent => isRecord(c))
    : [];
  return {
    id: state.id,
    name: state.name,
    language: state.language,
    category: state.category ?? '',
    status: state.status,
    providerStatus: state.providerStatus,
    ...(qualityScore === undefined ? {} : { qualityScore }),
    ...(state.rejectedReason === undefined ? {} : { rejectedReason: state.rejectedReason }),
    parameterFormat: typeof format === 'string' && format.toUpperCase() === 'NAMED' ? 'named' : 'positional',
    components,
  };
}

function defaultFileName(mimeType: string): string {
  const extension: Record<string, string> = {
    'application/pdf': 'pdf',
    'image/jpeg': 'jpg',
    'image/jpg': 'jpg',
    'image/png': 'png',
    'video/mp4': 'mp4',
  };
  return `header.${extension[mimeType] ?? 'bin'}`;
}

/** A map with a time to live and a size bound; when full, the least recently used entry goes first. */
class BoundedTtlCache<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    this.entries.set(key, entry); // Map order is use order: most recently used last.
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** Removes the entry only if it still holds this value (a newer one may have replaced it). */
  deleteIf(key: string, value: V): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
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

function transportFailure(error: unknown): ProviderError {
  const e = isRecord(error) || error instanceof Error ? (error as { name?: unknown; code?: unknown; message?: unknown }) : {};
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return transportError('timeout', message);
  return transportError('network', code === '' ? message : `${code}: ${message}`);
}
