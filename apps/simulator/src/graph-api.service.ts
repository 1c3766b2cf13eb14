// The Graph endpoints the simulator answers like Meta: sends, template creation and lookup, object reads.
import { chooseFault, pairRateResponse, serverErrorResponse, throttleResponse } from './fault-injection.util';
import { badAccessToken, graphError, invalidParameter, unknownObject } from './graph-error.util';
import { isPicked } from './recipient-pick.util';
import { validateSendRequest } from './send-request.util';
import type { Simulator } from './simulator.service';
import { ErrorCode, MESSAGING_LIMIT_USERS, type SendEndpoint } from './simulator.constants';
import { isNotOnWhatsApp } from './status-plan.util';
import type { GraphErrorResponse, PhoneNumberRegistration, StoredTemplate, ValidSend } from './simulator.types';
import { checkTemplateDraft, templateParameterProblem } from './template-request.util';
import { templateView } from './template-store.service';

/** What the HTTP layer does with a request: answer (perhaps later), or hold it unanswered. */
export type Reply = { kind: 'json'; status: number; body: string; delayMs: number } | { kind: 'hold' };

export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.length < 8) return undefined;
  if (authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = authorization.slice(7).trim();
  return token.length > 0 ? token : undefined;
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
    if (!sim.registry.windowFor(phone).tryAcquire(now)) {
      sim.stats.throttled(phoneNumberId, now);
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
    const created = this.sim.templates.create(wabaId, checked.draft);
    if (!created.ok) return this.error(created.error);
    const { id, status, category } = created.template;
    return this.json(200, { id, status, category });
  }

  /** GET /{version}/{wabaId}/message_templates?name=&status=&language=&category=&limit=&after=. */
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
    const result: Record<string, unknown> = { data: page.map(templateView) };
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

  /** GET /{version}/{id}: a template, a phone number, or a WhatsApp Business Account. */
  getObject(id: string, authorization: string | undefined): Reply {
    const token = bearerToken(authorization);
    if (token === undefined) return this.error(badAccessToken('missing'));
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

  /** The token must be that of a phone number registered in the WhatsApp Business Account. */
  private authorizeWaba(
    wabaId: string,
    authorization: string | undefined,
    method: 'get' | 'post',
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
