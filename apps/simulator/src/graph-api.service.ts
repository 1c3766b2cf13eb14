// The Graph endpoints the simulator answers like Meta: sends, template creation and lookup, object reads.
import { chooseFault, serverErrorResponse, throttleResponse } from './fault-injection.util';
import { badAccessToken, graphError, invalidParameter, unknownObject } from './graph-error.util';
import { validateSendRequest } from './send-request.util';
import type { Simulator } from './simulator.service';
import { ErrorCode } from './simulator.constants';
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

const LIST_LIMIT_DEFAULT = 25;
const LIST_LIMIT_MAX = 1000;

export class GraphApi {
  constructor(private readonly sim: Simulator) {}

  /** POST /{version}/{phoneNumberId}/messages. */
  send(phoneNumberId: string, authorization: string | undefined, raw: Buffer | undefined): Reply {
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
    let pricingCategory = 'service';
    if (send.template) {
      const template = sim.templates.find(phone.wabaId, send.template.name, send.template.languageCode);
      const problem = this.templateProblem(template, send);
      if (problem) return this.error(problem, fault.delayMs);
      pricingCategory = (template as StoredTemplate).category.toLowerCase();
    }

    if (!sim.registry.windowFor(phone).tryAcquire(now)) {
      sim.stats.throttled(phoneNumberId, now);
      return this.error(throttleResponse(), fault.delayMs);
    }

    const wamid = sim.nextWamid();
    sim.stats.accepted(phoneNumberId, send.callbackData, now);
    if (phone.webhookUrl !== null) {
      sim.statuses.schedule(
        { wamid, phoneNumberId, recipientId: send.waId, callbackData: send.callbackData, pricingCategory },
        now,
      );
    }
    const status = send.template ? ',"message_status":"accepted"' : '';
    const body = `{"messaging_product":"whatsapp","contacts":[{"input":${JSON.stringify(send.input)},"wa_id":"${send.waId}"}],"messages":[{"id":"${wamid}"${status}}]}`;
    return { kind: 'json', status: 200, body, delayMs: fault.delayMs };
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

  /** GET /{version}/{id}: a template, or a phone number. */
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
    };
  }
}
