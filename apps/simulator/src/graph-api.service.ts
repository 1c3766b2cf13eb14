// The Graph endpoints the simulator answers like Meta: sends, template creation, lookup and deletion, object reads,
// the app of a token, and the Resumable Upload API (media header examples).
import { chooseFault, pairRateResponse, serverErrorResponse, throttleResponse } from './fault-injection.util';
import { badAccessToken, graphError, invalidParameter, unknownObject } from './graph-error.util';
import { appIdOf } from './phone-number-registry.service';
import { isPicked } from './recipient-pick.util';
import { validateSendRequest } from './send-request.util';
import type { Simulator } from './simulator.service';
import {
  ErrorCode,
  HEADER_EXAMPLE_MISSING_SUBCODE,
  HEADER_MEDIA_RULES,
  MAX_UPLOAD_BYTES,
  MESSAGING_LIMIT_USERS,
  UPLOAD_FILE_TYPES,
  type SendEndpoint,
} from './simulator.constants';
import { isNotOnWhatsApp } from './status-plan.util';
import type { GraphErrorResponse, PhoneNumberRegistration, StoredTemplate, ValidSend } from './simulator.types';
import { checkTemplateDraft, templateParameterProblem } from './template-request.util';
import { templateView } from './template-store.service';

/** What the HTTP layer does with a request: answer (perhaps later), or hold it unanswered. */
export type Reply = { kind: 'json'; status: number; body: string; delayMs: number } | { kind: 'hold' };

export function bearerToken(authorization: string | undefined): string | undefined {
  return schemeToken(authorization, 'bearer');
}

/** The token of `Authorization: OAuth <token>`, the scheme Meta's Resumable Upload API documents for its upload step. */
export function oauthToken(authorization: string | undefined): string | undefined {
  return schemeToken(authorization, 'oauth');
}

function schemeToken(authorization: string | undefined, scheme: string): string | undefined {
  const prefix = `${scheme} `;
  if (authorization === undefined || authorization.length <= prefix.length) return undefined;
  if (authorization.slice(0, prefix.length).toLowerCase() !== prefix) return undefined;
  const token = authorization.slice(prefix.length).trim();
  return token.length > 0 ? token : undefined;
}

/** A Bearer token, else Graph's `access_token` query parameter (Meta's upload examples pass it that way). */
function requestToken(authorization: string | undefined, query: URLSearchParams): string | undefined {
  const fromQuery = query.get('access_token');
  return bearerToken(authorization) ?? (fromQuery !== null && fromQuery.trim() !== '' ? fromQuery.trim() : undefined);
}

function parseJson(raw: Buffer | undefined): { ok: true; value: unknown } | { ok: false; error: GraphErrorResponse } {
  if (raw === undefined) return { ok: false, error: invalidParameter('The request body is too large.') };
  if (raw.length === 0) return { ok: false, error: invalidParameter('The request body is empty; send a JSON object.') };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false, error: invalidParameter('The request body is not valid JSON.') };
  }
}

/** What /marketing_messages refuses beyond /messages: anything but a template, and bad MM-only fields (100). */
function marketingMessagesProblem(body: Record<string, unknown>, send: ValidSend): GraphErrorResponse | undefined {
  if (send.type !== 'template') {
    return invalidParameter('Message must be a template message: /marketing_messages sends MARKETING templates only.');
  }
  const sharing = body.message_activity_sharing;
  if (sharing !== undefined && typeof sharing !== 'boolean') {
    return invalidParameter('Param message_activity_sharing must be a boolean.');
  }
  const policy = body.product_policy;
  if (policy !== undefined && policy !== 'CLOUD_API_FALLBACK' && policy !== 'STRICT') {
    return invalidParameter(`Param product_policy must be one of {CLOUD_API_FALLBACK, STRICT} - got "${String(policy)}".`);
  }
  return undefined;
}

const LIST_LIMIT_DEFAULT = 25;
const LIST_LIMIT_MAX = 1000;

export class GraphApi {
  constructor(private readonly sim: Simulator) {}

  /** POST /{version}/{phoneNumberId}/messages. */
  send(phoneNumberId: string, authorization: string | undefined, raw: Buffer | undefined): Reply {
    return this.sendThrough('messages', phoneNumberId, authorization, raw);
  }

  /**
   * POST /{version}/{phoneNumberId}/marketing_messages (the Marketing Messages API): the same body as /messages
   * plus optional `message_activity_sharing` and `product_policy`, for MARKETING templates only.
   */
  sendMarketing(phoneNumberId: string, authorization: string | undefined, raw: Buffer | undefined): Reply {
    return this.sendThrough('marketing_messages', phoneNumberId, authorization, raw);
  }

  /**
   * A send through either endpoint. Checks, in order: token, phone number, injected faults, JSON, the body, the
   * endpoint's own rules, the template, the pair rate, throughput. What passes is accepted (200); Meta's
   * asynchronous refusals (131026, 131047, 130472, 131050, 131049, the messaging limit) then arrive as the
   * message's only status, `failed`.
   */
  private sendThrough(
    endpoint: SendEndpoint,
    phoneNumberId: string,
    authorization: string | undefined,
    raw: Buffer | undefined,
  ): Reply {
    const sim = this.sim;
    const now = sim.now();
    const token = bearerToken(authorization);
    if (token === undefined) return this.error(badAccessToken('missing'));
    const phone = sim.registry.get(phoneNumberId);
    if (!phone) return this.error(unknownObject('post', phoneNumberId));
    if (token !== phone.accessToken) return this.error(badAccessToken('mismatch'));

    const config = sim.config;
    const fault = chooseFault(config.faults, sim.random(), sim.burstOn(phoneNumberId, now));
    if (fault.delayMs > 0) sim.stats.fault('extraLatency');
    switch (fault.kind) {
      case 'timeout':
        sim.stats.fault('timeout');
        return { kind: 'hold' };
      case 'serverError':
        sim.stats.fault('serverError');
        return this.error(serverErrorResponse(sim.random()), fault.delayMs);
      case 'throttleBurst':
        sim.stats.fault('throttleBurst');
        return this.error(throttleResponse(), fault.delayMs);
      case 'none':
        break;
    }

    const parsed = parseJson(raw);
    if (!parsed.ok) return this.error(parsed.error, fault.delayMs);
    const validation = validateSendRequest(parsed.value);
    if (!validation.ok) return this.error(validation.error, fault.delayMs);
    const send = validation.send;
    const viaMarketingApi = endpoint === 'marketing_messages';
    if (viaMarketingApi) {
      const problem = marketingMessagesProblem(parsed.value as Record<string, unknown>, send);
      if (problem) return this.error(problem, fault.delayMs);
    }
    let template: StoredTemplate | undefined;
    if (send.template) {
      template = sim.templates.find(phone.wabaId, send.template.name, send.template.languageCode);
      const problem = this.templateProblem(template, send);
      if (problem) return this.error(problem, fault.delayMs);
    }
    // Through /marketing_messages: MARKETING only; a WABA not onboarded falls back to Cloud API unless STRICT.
    let marketingLite = false;
    let fallback = false;
    if (viaMarketingApi && template) {
      if (template.category !== 'MARKETING') {
        return this.error(
          graphError(ErrorCode.OnlyMarketingMessages, {
            details: `Template ${template.name} is ${template.category}: only MARKETING templates can be sent through /marketing_messages; send it through /messages.`,
          }),
          fault.delayMs,
        );
      }
      marketingLite = sim.registry.isMarketingOnboarded(phone.wabaId);
      if (!marketingLite) {
        if ((parsed.value as Record<string, unknown>).product_policy === 'STRICT') {
          return this.error(
            graphError(ErrorCode.TemplateUnavailable, {
              details: `WhatsApp Business Account ${phone.wabaId} is not onboarded to the Marketing Messages API (product_policy STRICT: no fallback to Cloud API).`,
            }),
            fault.delayMs,
          );
        }
        fallback = true;
      }
    }

    const pairRate = config.pairRate;
    let pairKey: string | undefined;
    let pairTat = 0;
    if (pairRate.enabled) {
      pairKey = `${phoneNumberId}\u0000${send.waId}`;
      const next = sim.pairs.check(pairKey, now, pairRate.perSeconds * 1000, pairRate.burst);
      if (next === undefined) return this.error(pairRateResponse(), fault.delayMs);
      pairTat = next;
    }
    const window = sim.registry.windowFor(phone);
    if (!window.tryAcquire(now)) {
      sim.stats.throttled(phoneNumberId, now, window.shape(now));
      return this.error(throttleResponse(), fault.delayMs);
    }
    if (pairKey !== undefined) sim.pairs.commit(pairKey, pairTat);

    const windowOpen = sim.serviceWindows.isOpen(phoneNumberId, send.waId, now);
    const failureCode = this.failureOf(phone, send, template, windowOpen, now);
    // Per-message pricing: customer-service messages, and utility templates, are free inside a service window.
    const free = windowOpen && (template === undefined || template.category === 'UTILITY');
    const quality = config.quality;
    const held = template !== undefined && quality.heldShare > 0 && sim.random()() < quality.heldShare;

    const wamid = sim.nextWamid();
    sim.stats.accepted(phoneNumberId, send.callbackData, now, endpoint);
    if (fallback) sim.stats.marketingFallback();
    if (failureCode !== undefined) sim.stats.failedByWebhook(failureCode);
    if (held) sim.stats.held();
    if (phone.webhookUrl !== null) {
      sim.statuses.schedule(
        {
          wamid,
          phoneNumberId,
          recipientId: send.waId,
          callbackData: send.callbackData,
          pricingCategory: template ? (marketingLite ? 'marketing_lite' : template.category.toLowerCase()) : 'service',
          billable: !free,
          pricingType: free ? 'free_customer_service' : 'regular',
          failureCode,
          holdMs: held ? quality.heldMs : 0,
        },
        now,
      );
    }
    const status = !template ? '' : held ? ',"message_status":"held_for_quality_assessment"' : ',"message_status":"accepted"';
    const body = `{"messaging_product":"whatsapp","contacts":[{"input":${JSON.stringify(send.input)},"wa_id":"${send.waId}"}],"messages":[{"id":"${wamid}"${status}}]}`;
    return { kind: 'json', status: 200, body, delayMs: fault.delayMs };
  }

  /**
   * Why an accepted message will fail in its status webhook, if it will: the recipient is not on WhatsApp
   * (131026); a free-form message outside the customer-service window (131047); Meta's marketing rules for
   * MARKETING templates (130472 experiment, 131050 stopped, 131049 per-user limit); a template to a user outside a
   * service window beyond the portfolio's messaging limit (131048, see docs/SIMULATOR.md).
   */
  private failureOf(
    phone: PhoneNumberRegistration,
    send: ValidSend,
    template: StoredTemplate | undefined,
    windowOpen: boolean,
    now: number,
  ): number | undefined {
    const config = this.sim.config;
    if (isNotOnWhatsApp(send.waId, config.statuses.notOnWhatsApp)) return ErrorCode.MessageUndeliverable;
    if (!template) return config.serviceWindow.enforce && !windowOpen ? ErrorCode.ReEngagement : undefined;
    if (template.category === 'MARKETING') {
      const marketing = config.marketing;
      if (isPicked(send.waId, marketing.experiment, 'marketing-experiment')) return ErrorCode.MarketingExperiment;
      if (isPicked(send.waId, marketing.stopped, 'marketing-stopped')) return ErrorCode.MarketingStopped;
      if (isPicked(send.waId, marketing.capped, 'marketing-capped')) return ErrorCode.MarketingNotDelivered;
    }
    if (!windowOpen) {
      const limit = MESSAGING_LIMIT_USERS[this.sim.registry.businessLimitOf(phone)];
      if (!this.sim.messagingLimits.tryReach(phone.businessId, send.waId, now, limit)) return ErrorCode.SpamRateLimit;
    }
    return undefined;
  }

  /** POST /{version}/{wabaId}/message_templates. */
  createTemplate(wabaId: string, authorization: string | undefined, raw: Buffer | undefined): Reply {
    const denied = this.authorizeWaba(wabaId, authorization, 'post');
    if (denied) return this.error(denied);
    const parsed = parseJson(raw);
    if (!parsed.ok) return this.error(parsed.error);
    const checked = checkTemplateDraft(parsed.value);
    if (!checked.ok) return this.error(checked.error);
    const mediaProblem = this.headerExampleProblem(wabaId, bearerToken(authorization) ?? '', checked.draft.components);
    if (mediaProblem) return this.error(mediaProblem);
    const created = this.sim.templates.create(wabaId, checked.draft);
    if (!created.ok) return this.error(created.error);
    const { id, status, category } = created.template;
    return this.json(200, { id, status, category });
  }

  /**
   * GET /{version}/{wabaId}/message_templates?fields=&name=&status=&language=&category=&limit=&after=. `fields` picks
   * the fields of each template (id always); without it every field the simulator keeps.
   */
  listTemplates(wabaId: string, authorization: string | undefined, query: URLSearchParams, selfUrl: string): Reply {
    const denied = this.authorizeWaba(wabaId, authorization, 'get');
    if (denied) return this.error(denied);
    const rawLimit = query.get('limit');
    const limit = rawLimit === null ? LIST_LIMIT_DEFAULT : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) {
      return this.error(invalidParameter(`Param limit must be a whole number from 1 to ${LIST_LIMIT_MAX}.`));
    }
    const after = query.get('after');
    const offset = after === null ? 0 : Number(Buffer.from(after, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) return this.error(invalidParameter('Param after is not a valid cursor.'));
    const name = query.get('name')?.toLowerCase();
    const status = query.get('status')?.toUpperCase();
    const language = query.get('language');
    const category = query.get('category')?.toUpperCase();
    const rawFields = query.get('fields');
    const fields =
      rawFields === null
        ? undefined
        : rawFields
            .split(',')
            .map((field) => field.trim())
            .filter((field) => field.length > 0);
    const matching = this.sim.templates
      .list(wabaId)
      .filter(
        (template) =>
          (name === undefined || template.name.includes(name)) &&
          (status === undefined || status.split(',').includes(template.status)) &&
          (language === null || template.language === language) &&
          (category === undefined || template.category === category),
      );
    const page = matching.slice(offset, offset + limit);
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
    const result: Record<string, unknown> = { data: page.map((template) => templateView(template, fields)) };
    if (page.length > 0) {
      const paging: Record<string, unknown> = { cursors: { before: cursor(offset), after: cursor(offset + page.length) } };
      if (offset + page.length < matching.length) {
        const next = new URL(selfUrl);
        next.searchParams.set('after', cursor(offset + page.length));
        paging.next = next.toString();
      }
      result.paging = paging;
    }
    return this.json(200, result);
  }

  /**
   * DELETE /{version}/{wabaId}/message_templates?name=(&hsm_id=): every language of the template named `name`, or
   * with `hsm_id` only that template (which must have that name) → `{"success": true}`. A name (or id) the WABA does
   * not have is refused with 100 (see docs/SIMULATOR.md: Meta documents no code for it).
   */
  deleteTemplates(wabaId: string, authorization: string | undefined, query: URLSearchParams): Reply {
    const denied = this.authorizeWaba(wabaId, authorization, 'delete');
    if (denied) return this.error(denied);
    const name = query.get('name');
    if (name === null || name.trim() === '') return this.error(invalidParameter('The parameter name is required.'));
    const hsmId = query.get('hsm_id');
    if (hsmId !== null && !/^\d{1,64}$/.test(hsmId)) {
      return this.error(invalidParameter(`Param hsm_id must be a template id - got "${hsmId}".`));
    }
    const deleted = this.sim.templates.delete(wabaId, name, hsmId ?? undefined);
    if (deleted.length === 0) {
      const which = hsmId === null ? `named ${name}` : `${hsmId} named ${name}`;
      return this.error(
        graphError(ErrorCode.InvalidParameter, {
          message: '(#100) Invalid parameter',
          details: `Message template not found: WhatsApp Business Account ${wabaId} has no template ${which}.`,
        }),
      );
    }
    return this.json(200, { success: true });
  }

  /** GET /{version}/app: the app the token belongs to, `{id, name}` (Graph answers the token's own app). */
  getApp(authorization: string | undefined, query: URLSearchParams): Reply {
    const token = requestToken(authorization, query);
    if (token === undefined) return this.error(badAccessToken('missing'));
    const phone = this.sim.registry.withToken(token)[0];
    if (!phone) return this.error(badAccessToken('missing'));
    const id = appIdOf(phone);
    return this.json(200, { id, name: `Herald Simulator app ${id}` });
  }

  /**
   * POST /{version}/{appId}/uploads?file_name=&file_length=&file_type= (Resumable Upload API, step 1) →
   * `{"id": "upload:<session>"}`. The token must be that of a number registered with that app.
   */
  createUploadSession(appId: string, authorization: string | undefined, query: URLSearchParams): Reply {
    const token = requestToken(authorization, query);
    if (token === undefined) return this.error(badAccessToken('missing'));
    const phones = this.sim.registry.inApp(appId);
    if (phones.length === 0) return this.error(unknownObject('post', appId));
    if (!phones.some((phone) => phone.accessToken === token)) return this.error(badAccessToken('mismatch'));
    const rawLength = query.get('file_length');
    if (rawLength === null) return this.error(invalidParameter('The parameter file_length is required.'));
    const fileLength = /^\d{1,12}$/.test(rawLength) ? Number(rawLength) : NaN;
    if (!Number.isSafeInteger(fileLength) || fileLength < 1 || fileLength > MAX_UPLOAD_BYTES) {
      return this.error(invalidParameter(`Param file_length must be a whole number from 1 to ${MAX_UPLOAD_BYTES}.`));
    }
    const fileType = query.get('file_type');
    if (fileType === null) return this.error(invalidParameter('The parameter file_type is required.'));
    if (!(UPLOAD_FILE_TYPES as readonly string[]).includes(fileType)) {
      return this.error(
        invalidParameter(`Param file_type must be one of {${UPLOAD_FILE_TYPES.join(', ')}} - got "${fileType}".`),
      );
    }
    const fileName = query.get('file_name')?.trim() || 'file';
    const session = this.sim.uploads.open(appId, fileName.slice(0, 255), fileLength, fileType);
    // Like Meta's, the id carries a signature as a query: clients use it verbatim as the next path.
    return this.json(200, { id: `${session.id}?sig=${session.sig}` });
  }

  /**
   * POST /{version}/upload:<session> (step 2): `Authorization: OAuth <token>`, header `file_offset` (where these
   * bytes start: the session's offset, 0 at first), the bytes as the body. The last bytes are answered with the
   * handle, `{"h": "<handle>"}`; bytes that leave the file incomplete with `{"id", "file_offset"}` (resume there).
   */
  uploadChunk(
    sessionId: string,
    authorization: string | undefined,
    fileOffset: string | undefined,
    raw: Buffer | undefined,
    query: URLSearchParams = new URLSearchParams(),
  ): Reply {
    const token = oauthToken(authorization);
    if (token === undefined) {
      const message = 'Invalid OAuth access token - Cannot parse access token';
      return this.error(
        graphError(ErrorCode.AccessToken, {
          message,
          details: `${message}: the upload step takes the token as "Authorization: OAuth <token>".`,
        }),
      );
    }
    const session = this.sim.uploads.session(sessionId);
    if (!session || query.get('sig') !== session.sig) return this.error(unknownObject('post', sessionId));
    if (!this.sim.registry.inApp(session.appId).some((phone) => phone.accessToken === token)) {
      return this.error(badAccessToken('mismatch'));
    }
    if (raw === undefined) return this.error(invalidParameter(`The upload is larger than ${MAX_UPLOAD_BYTES} bytes.`));
    if (fileOffset === undefined || !/^\d{1,12}$/.test(fileOffset.trim())) {
      return this.error(invalidParameter('The header file_offset is required: the byte where this upload starts (0 at first).'));
    }
    const offset = Number(fileOffset.trim());
    if (offset !== session.offset) {
      return this.error(
        invalidParameter(
          `file_offset ${offset} does not match the upload session's offset ${session.offset}: resume from ${session.offset} (GET ${sessionId} tells it).`,
        ),
      );
    }
    if (session.handle !== undefined && raw.length === 0) return this.json(200, { h: session.handle });
    if (raw.length === 0) return this.error(invalidParameter("The request body is empty; send the file's bytes."));
    if (offset + raw.length > session.fileLength) {
      return this.error(
        invalidParameter(`The upload is longer than file_length: ${offset + raw.length} bytes of ${session.fileLength}.`),
      );
    }
    this.sim.uploads.append(session, raw.length);
    return session.handle !== undefined
      ? this.json(200, { h: session.handle })
      : this.json(200, { id: `${session.id}?sig=${session.sig}`, file_offset: session.offset });
  }

  /** GET /{version}/upload:<session>: where an interrupted upload resumes, `{"id", "file_offset"}`. */
  getUploadSession(sessionId: string, authorization: string | undefined, query: URLSearchParams = new URLSearchParams()): Reply {
    const token = oauthToken(authorization) ?? bearerToken(authorization);
    if (token === undefined) return this.error(badAccessToken('missing'));
    const session = this.sim.uploads.session(sessionId);
    if (!session || query.get('sig') !== session.sig) return this.error(unknownObject('get', sessionId));
    if (!this.sim.registry.inApp(session.appId).some((phone) => phone.accessToken === token)) {
      return this.error(badAccessToken('mismatch'));
    }
    return this.json(200, { id: `${session.id}?sig=${session.sig}`, file_offset: session.offset });
  }

  /**
   * GET /{version}/{id}: a template, a phone number, a WhatsApp Business Account, or a file a user sent (Meta,
   * "Retrieve media URL": `{messaging_product, url, mime_type, sha256, file_size, id}`, the url valid 5 minutes and
   * served at `origin`). A file may be read with the token of any number of the WABA it was sent to.
   */
  getObject(id: string, authorization: string | undefined, origin = 'http://127.0.0.1'): Reply {
    const token = bearerToken(authorization);
    if (token === undefined) return this.error(badAccessToken('missing'));
    const media = this.sim.media.get(id);
    if (media) {
      if (!this.sim.registry.inWaba(media.wabaId).some((phone) => phone.accessToken === token)) return this.error(badAccessToken('mismatch'));
      return this.json(200, {
        messaging_product: 'whatsapp',
        url: this.sim.media.urlFor(media.id, origin, this.sim.now()),
        mime_type: media.mimeType,
        sha256: media.sha256,
        file_size: String(media.bytes.length),
        id: media.id,
      });
    }
    const template = this.sim.templates.get(id);
    if (template) {
      const denied = this.authorizeWaba(template.wabaId, authorization, 'get');
      return denied ? this.error(denied) : this.json(200, templateView(template));
    }
    const phone = this.sim.registry.get(id);
    if (phone) {
      if (token !== phone.accessToken) return this.error(badAccessToken('mismatch'));
      return this.json(200, this.phoneView(phone));
    }
    if (this.sim.registry.inWaba(id).length > 0) {
      const denied = this.authorizeWaba(id, authorization, 'get');
      return denied ? this.error(denied) : this.json(200, this.wabaView(id));
    }
    return this.error(unknownObject('get', id));
  }

  error(error: GraphErrorResponse, delayMs = 0): Reply {
    this.sim.stats.rejected(error.code);
    return { kind: 'json', status: error.httpStatus, body: error.body, delayMs };
  }

  private json(status: number, value: unknown): Reply {
    return { kind: 'json', status, body: JSON.stringify(value), delayMs: 0 };
  }

  private templateProblem(template: StoredTemplate | undefined, send: ValidSend): GraphErrorResponse | undefined {
    const ref = send.template;
    if (!ref) return undefined;
    const missing = () =>
      graphError(ErrorCode.TemplateDoesNotExist, {
        details: `template name (${ref.name}) does not exist in ${ref.languageCode}`,
      });
    if (!template) return missing();
    switch (template.status) {
      case 'APPROVED':
        return templateParameterProblem(template, ref);
      case 'PAUSED':
        return graphError(ErrorCode.TemplatePaused, { details: `template ${ref.name} is paused` });
      case 'DISABLED':
        return graphError(ErrorCode.TemplateDisabled, { details: `template ${ref.name} is disabled` });
      case 'PENDING':
      case 'REJECTED':
        return missing();
    }
  }

  /**
   * A media header (IMAGE, VIDEO, DOCUMENT) needs `example.header_handle: ["<handle>"]` with a handle the upload API
   * issued to the app of the creating token, of a type and size that format takes. Anything else (a URL included:
   * Meta takes no URL there) is refused like Meta is reported to: 100 with subcode 2388273 (docs/SIMULATOR.md).
   */
  private headerExampleProblem(wabaId: string, token: string, components: unknown[]): GraphErrorResponse | undefined {
    for (const component of components) {
      if (typeof component !== 'object' || component === null) continue;
      const c = component as Record<string, unknown>;
      if (typeof c.type !== 'string' || c.type.toUpperCase() !== 'HEADER' || typeof c.format !== 'string') continue;
      const format = c.format.toUpperCase();
      if (format !== 'IMAGE' && format !== 'VIDEO' && format !== 'DOCUMENT') continue;
      const refuse = (why: string) =>
        graphError(ErrorCode.InvalidParameter, {
          message: '(#100) Invalid parameter',
          subcode: HEADER_EXAMPLE_MISSING_SUBCODE,
          details: `Templates with ${format} header type need an example/sample, but it was not provided. ${why}`,
        });
      const example = c.example;
      const handles =
        typeof example === 'object' && example !== null ? (example as Record<string, unknown>).header_handle : undefined;
      const handle = Array.isArray(handles) ? (handles as unknown[])[0] : undefined;
      if (typeof handle !== 'string' || handle.length === 0) {
        return refuse(
          'Give example.header_handle: ["<handle>"], a handle from the Resumable Upload API (POST /{app-id}/uploads).',
        );
      }
      if (/^https?:\/\//i.test(handle)) {
        return refuse(
          'example.header_handle must be a handle from the Resumable Upload API (POST /{app-id}/uploads), not a URL.',
        );
      }
      const file = this.sim.uploads.file(handle);
      const apps = new Set(
        this.sim.registry
          .inWaba(wabaId)
          .filter((phone) => phone.accessToken === token)
          .map(appIdOf),
      );
      if (!file || !apps.has(file.appId)) {
        return refuse('example.header_handle is not a handle the Resumable Upload API issued to this app.');
      }
      const rule = HEADER_MEDIA_RULES[format];
      if (!rule.types.includes(file.fileType)) {
        return refuse(`The uploaded file is ${file.fileType}; a ${format} header takes ${rule.types.join(' or ')}.`);
      }
      if (file.fileLength > rule.maxBytes) {
        return refuse(`The uploaded file has ${file.fileLength} bytes; a ${format} header takes at most ${rule.maxBytes}.`);
      }
    }
    return undefined;
  }

  /** The token must be that of a phone number registered in the WhatsApp Business Account. */
  private authorizeWaba(
    wabaId: string,
    authorization: string | undefined,
    method: 'get' | 'post' | 'delete',
  ): GraphErrorResponse | undefined {
    const token = bearerToken(authorization);
    if (token === undefined) return badAccessToken('missing');
    const phones = this.sim.registry.inWaba(wabaId);
    if (phones.length === 0) return unknownObject(method, wabaId);
    if (!phones.some((phone) => phone.accessToken === token)) return badAccessToken('mismatch');
    return undefined;
  }

  private phoneView(phone: PhoneNumberRegistration): Record<string, unknown> {
    const limit = this.sim.registry.limitOf(phone);
    return {
      verified_name: phone.verifiedName,
      display_phone_number: `+${phone.displayPhoneNumber}`,
      id: phone.phoneNumberId,
      quality_rating: 'GREEN',
      code_verification_status: 'VERIFIED',
      platform_type: 'CLOUD_API',
      throughput: { level: limit > 80 ? 'HIGH' : 'STANDARD' },
      whatsapp_business_manager_messaging_limit: this.sim.registry.businessLimitOf(phone),
      messaging_limit_tier: phone.messagingLimit,
    };
  }

  private wabaView(wabaId: string): Record<string, unknown> {
    const business = this.sim.registry.businessOf(wabaId) ?? wabaId;
    return {
      id: wabaId,
      marketing_messages_onboarding_status: this.sim.registry.isMarketingOnboarded(wabaId) ? 'ONBOARDED' : 'ELIGIBLE',
      owner_business_info: { id: business, name: `Business ${business}` },
    };
  }
}
