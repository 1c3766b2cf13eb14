// The simulator's own endpoints under /_sim: configuration, phone numbers, templates, inbound messages, bursts,
// stats and reset. Bad input is a 400 naming every problem; nothing here throws at the caller.
import { inboundMessage, parseInboundRequest } from './inbound-message.util';
import { isValidObjectId, parsePhoneNumberRegistration } from './phone-number.util';
import { pagesAdmin, telegramBotsAdmin } from './platforms/platform-admin.service';
import type { Simulator } from './simulator.service';
import {
  TEMPLATE_CATEGORIES,
  TEMPLATE_QUALITY_SCORES,
  TEMPLATE_STATUSES,
  type TemplateCategory,
  type TemplateQualityScore,
  type TemplateStatus,
} from './simulator.constants';
import { parseTemplateSeed } from './template-request.util';
import { templateView } from './template-store.service';
import { inboundEnvelope } from './webhook-payload.util';

export interface AdminReply {
  status: number;
  body: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reply(status: number, value: unknown): AdminReply {
  return { status, body: JSON.stringify(value) };
}

function problem(status: number, message: string, problems?: string[]): AdminReply {
  return reply(status, { error: problems ? { message, problems } : { message } });
}

const MAX_BURST_MS = 3_600_000;

export class AdminApi {
  constructor(
    private readonly sim: Simulator,
    /** How many requests the server holds unanswered (the timeout fault). */
    private readonly heldRequests: () => number = () => 0,
  ) {}

  /**
   * `segments` are the path parts after /_sim (e.g. ["phone-numbers", "123"]); `raw` is the body (undefined when
   * it was too large).
   */
  handle(method: string, segments: string[], query: URLSearchParams, raw: Buffer | undefined): AdminReply {
    const [resource, id, sub, ...rest] = segments;
    if (rest.length > 0) return this.notFound(segments);
    const body = (): { ok: true; value: unknown } | { ok: false; reply: AdminReply } => {
      if (raw === undefined) return { ok: false, reply: problem(413, 'The request body is too large.') };
      if (raw.length === 0) return { ok: true, value: undefined };
      try {
        return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
      } catch (error) {
        return { ok: false, reply: problem(400, `The request body is not valid JSON: ${(error as Error).message}`) };
      }
    };
    const withBody = (handler: (value: unknown) => AdminReply): AdminReply => {
      const parsed = body();
      return parsed.ok ? handler(parsed.value) : parsed.reply;
    };

    const singleton = resource === 'health' || resource === 'stats' || resource === 'reset' || resource === 'flush';
    if ((singleton || resource === 'config' || resource === 'inbound' || resource === 'throttle-burst') && id !== undefined) {
      return this.notFound(segments);
    }
    switch (resource) {
      case 'health':
        return id === undefined && method === 'GET' ? reply(200, { ok: true }) : this.wrong(method, segments, ['GET']);
      case 'stats':
        return id === undefined && method === 'GET' ? reply(200, this.stats()) : this.wrong(method, segments, ['GET']);
      case 'reset':
        return id === undefined && method === 'POST'
          ? withBody((value) => this.reset(value))
          : this.wrong(method, segments, ['POST']);
      case 'flush':
        if (id !== undefined || method !== 'POST') return this.wrong(method, segments, ['POST']);
        this.sim.statuses.flushAll();
        return reply(200, { flushed: true });
      case 'config':
        if (id !== undefined) return this.notFound(segments);
        if (method === 'GET') return reply(200, this.sim.config);
        if (method === 'PUT' || method === 'PATCH') return withBody((value) => this.putConfig(value));
        return this.wrong(method, segments, ['GET', 'PUT']);
      case 'phone-numbers':
        if (sub !== undefined) return this.notFound(segments);
        if (id === undefined)
          return method === 'GET' ? reply(200, { data: this.sim.registry.list() }) : this.wrong(method, segments, ['GET']);
        if (method === 'GET') return this.getPhone(id);
        if (method === 'PUT') return withBody((value) => this.putPhone(id, value));
        if (method === 'DELETE') return this.deletePhone(id);
        return this.wrong(method, segments, ['GET', 'PUT', 'DELETE']);
      case 'templates':
        if (id === undefined) {
          if (method === 'GET') return this.listTemplates(query);
          if (method === 'PUT' || method === 'POST') return withBody((value) => this.seedTemplates(value));
          return this.wrong(method, segments, ['GET', 'PUT']);
        }
        if (sub === 'status')
          return method === 'PUT'
            ? withBody((value) => this.setTemplateStatus(id, value))
            : this.wrong(method, segments, ['PUT']);
        if (sub === 'quality')
          return method === 'PUT'
            ? withBody((value) => this.setTemplateQuality(id, value))
            : this.wrong(method, segments, ['PUT']);
        if (sub === 'category')
          return method === 'PUT'
            ? withBody((value) => this.setTemplateCategory(id, value))
            : this.wrong(method, segments, ['PUT']);
        if (sub !== undefined) return this.notFound(segments);
        return method === 'GET' ? this.getTemplate(id) : this.wrong(method, segments, ['GET']);
      case 'inbound':
        return id === undefined && method === 'POST'
          ? withBody((value) => this.inbound(value))
          : this.wrong(method, segments, ['POST']);
      case 'media':
        // DELETE /_sim/media/:id forgets a file, as Meta does after 7 days: its lookup and download URLs then fail.
        if (id === undefined || sub !== undefined) return this.notFound(segments);
        if (method !== 'DELETE') return this.wrong(method, segments, ['DELETE']);
        return this.sim.media.delete(id) ? reply(200, { deleted: id }) : problem(404, `No media ${id}.`);
      case 'throttle-burst':
        return id === undefined && method === 'POST'
          ? withBody((value) => this.throttleBurst(value))
          : this.wrong(method, segments, ['POST']);
      case 'pages':
        return pagesAdmin(this.sim, method, id, sub, query, withBody);
      case 'telegram-bots':
        return telegramBotsAdmin(this.sim, method, id, sub, query, withBody);
      default:
        return this.notFound(segments);
    }
  }

  stats() {
    const snapshot = this.sim.stats.snapshot({
      statusesPending: this.sim.statuses.pending,
      statusesBuffered: this.sim.statuses.bufferedCount,
      postsPending: this.sim.delivery.pending,
      heldRequests: this.heldRequests(),
      templates: this.sim.templateCounts(),
      serviceWindowsOpen: this.sim.serviceWindows.count(this.sim.now()),
      messagingLimitUsers: this.sim.messagingLimits.snapshot(this.sim.now()),
    });
    return { ...snapshot, platforms: this.sim.platforms.counts() };
  }

  private notFound(segments: string[]): AdminReply {
    return problem(404, `No such simulator endpoint: /_sim/${segments.join('/')}`);
  }

  private wrong(method: string, segments: string[], allowed: string[]): AdminReply {
    return problem(405, `/_sim/${segments.join('/')} does not take ${method}; use ${allowed.join(' or ')}.`);
  }

  private reset(value: unknown): AdminReply {
    const options = value ?? {};
    if (!isObject(options)) return problem(400, 'The body must be a JSON object, e.g. {"phoneNumbers": true}.');
    const problems: string[] = [];
    for (const [key, flag] of Object.entries(options)) {
      if (!['phoneNumbers', 'templates', 'config', 'platforms'].includes(key))
        problems.push(`${key}: unknown option (phoneNumbers, templates, config, platforms)`);
      else if (typeof flag !== 'boolean') problems.push(`${key}: must be true or false`);
    }
    if (problems.length > 0) return problem(400, 'Bad reset options.', problems);
    this.sim.reset(options as { phoneNumbers?: boolean; templates?: boolean; config?: boolean; platforms?: boolean });
    return reply(200, {
      reset: true,
      phoneNumbers: this.sim.registry.list().length,
      templates: this.sim.templates.list().length,
      pages: this.sim.platforms.pages.registry.list().length,
      telegramBots: this.sim.platforms.telegram.registry.list().length,
    });
  }

  private putConfig(value: unknown): AdminReply {
    if (value === undefined) return problem(400, 'Send the settings to change as a JSON object.');
    const merged = this.sim.updateConfig(value);
    return merged.ok ? reply(200, merged.config) : problem(400, 'The configuration was not changed.', merged.problems);
  }

  private getPhone(id: string): AdminReply {
    const phone = this.sim.registry.get(id);
    return phone ? reply(200, phone) : problem(404, `No phone number ${id} is registered.`);
  }

  private putPhone(id: string, value: unknown): AdminReply {
    if (!isValidObjectId(id)) return problem(400, 'A phone number id is 1–64 letters, digits, "_" or "-".');
    const parsed = parsePhoneNumberRegistration(id, value);
    if (!parsed.ok) return problem(400, 'The phone number was not registered.', parsed.problems);
    // Graph's /{id}/messages serves pages too: an id is a number or a page, never both.
    if (this.sim.platforms.pages.registry.has(id)) return problem(409, `${id} is registered as a Messenger/Instagram page.`);
    const outcome = this.sim.registry.upsert(parsed.value);
    return reply(outcome === 'created' ? 201 : 200, parsed.value);
  }

  private deletePhone(id: string): AdminReply {
    return this.sim.registry.delete(id) ? reply(200, { deleted: id }) : problem(404, `No phone number ${id} is registered.`);
  }

  private listTemplates(query: URLSearchParams): AdminReply {
    const wabaId = query.get('wabaId') ?? undefined;
    return reply(200, {
      data: this.sim.templates.list(wabaId).map((template) => ({ ...templateView(template), wabaId: template.wabaId })),
    });
  }

  private getTemplate(id: string): AdminReply {
    const template = this.sim.templates.get(id);
    return template ? reply(200, { ...templateView(template), wabaId: template.wabaId }) : problem(404, `No template ${id}.`);
  }

  private seedTemplates(value: unknown): AdminReply {
    const items = Array.isArray(value) ? value : [value];
    if (items.length === 0) return problem(400, 'Send a template or an array of templates.');
    const seeds = [];
    const problems: string[] = [];
    for (let i = 0; i < items.length; i++) {
      const parsed = parseTemplateSeed(items[i]);
      if (parsed.ok) seeds.push(parsed.value);
      else problems.push(...parsed.problems.map((text) => (items.length > 1 ? `[${i}] ${text}` : text)));
    }
    if (problems.length > 0) return problem(400, 'No template was stored.', problems);
    const stored = seeds.map((seed) => this.sim.templates.seed(seed));
    return reply(200, { data: stored.map((template) => ({ ...templateView(template), wabaId: template.wabaId })) });
  }

  private setTemplateStatus(id: string, value: unknown): AdminReply {
    if (!isObject(value)) {
      return problem(
        400,
        'Send {"status": "APPROVED|REJECTED|PAUSED|DISABLED|PENDING", "reason"?: string, "otherInfo"?: {"title", "description"}}.',
      );
    }
    const { status, reason, otherInfo } = value;
    if (typeof status !== 'string' || !(TEMPLATE_STATUSES as readonly string[]).includes(status)) {
      return problem(400, `status must be one of ${TEMPLATE_STATUSES.join(', ')}.`);
    }
    if (reason !== undefined && typeof reason !== 'string') return problem(400, 'reason must be a string.');
    if (
      otherInfo !== undefined &&
      (!isObject(otherInfo) || typeof otherInfo.title !== 'string' || typeof otherInfo.description !== 'string')
    ) {
      return problem(400, 'otherInfo must be {"title": string, "description": string}.');
    }
    const info =
      otherInfo === undefined ? undefined : { title: otherInfo.title as string, description: otherInfo.description as string };
    const template = this.sim.templates.setStatus(id, status as TemplateStatus, reason, info);
    return template ? reply(200, { ...templateView(template), wabaId: template.wabaId }) : problem(404, `No template ${id}.`);
  }

  /** `{score}`: sets the quality score; a change sends message_template_quality_update. */
  private setTemplateQuality(id: string, value: unknown): AdminReply {
    const score = isObject(value) ? value.score : undefined;
    if (typeof score !== 'string' || !(TEMPLATE_QUALITY_SCORES as readonly string[]).includes(score)) {
      return problem(400, `Send {"score": one of ${TEMPLATE_QUALITY_SCORES.join(', ')}}.`);
    }
    const changed = this.sim.setTemplateQuality(id, score as TemplateQualityScore);
    if (!changed) return problem(404, `No template ${id}.`);
    return reply(200, { ...templateView(changed.template), wabaId: changed.template.wabaId, webhookSent: changed.webhook });
  }

  /**
   * `{category, impending?: true, effectiveAt?: ISO time}`: changes the category and sends the completed
   * template_category_update; with `impending`, changes nothing and sends Meta's advance notice (effective in 24 h
   * unless `effectiveAt` says when).
   */
  private setTemplateCategory(id: string, value: unknown): AdminReply {
    const hint = `Send {"category": one of ${TEMPLATE_CATEGORIES.join(', ')}, "impending"?: true, "effectiveAt"?: ISO time}.`;
    if (!isObject(value)) return problem(400, hint);
    const { category, impending, effectiveAt } = value;
    if (typeof category !== 'string' || !(TEMPLATE_CATEGORIES as readonly string[]).includes(category)) return problem(400, hint);
    if (impending !== undefined && typeof impending !== 'boolean') return problem(400, 'impending must be true or false.');
    let effectiveAtMs = this.sim.now() + 24 * 60 * 60 * 1000;
    if (effectiveAt !== undefined) {
      const parsed = typeof effectiveAt === 'string' ? Date.parse(effectiveAt) : NaN;
      if (!Number.isFinite(parsed)) return problem(400, 'effectiveAt must be an ISO 8601 time.');
      effectiveAtMs = parsed;
    }
    const changed = this.sim.setTemplateCategory(
      id,
      category as TemplateCategory,
      impending === true ? { effectiveAtMs } : undefined,
    );
    if (!changed) return problem(404, `No template ${id}.`);
    return reply(200, { ...templateView(changed.template), wabaId: changed.template.wabaId, webhookSent: changed.webhook });
  }

  private inbound(value: unknown): AdminReply {
    const parsed = parseInboundRequest(value);
    if (!parsed.ok) return problem(400, 'The inbound message was not sent.', parsed.problems);
    const request = parsed.value;
    const phone = this.sim.registry.get(request.phoneNumberId);
    if (!phone) return problem(404, `No phone number ${request.phoneNumberId} is registered.`);
    if (!phone.webhookUrl) return problem(409, `Phone number ${phone.phoneNumberId} has no webhookUrl to deliver to.`);
    const wamid = this.sim.nextWamid();
    const now = this.sim.now();
    // Any message from the user opens (or refreshes) the 24-hour customer-service window with this number.
    this.sim.serviceWindows.open(phone.phoneNumberId, request.from, now);
    const content = request.content;
    const media = content.type === 'media' ? this.sim.media.put(phone.phoneNumberId, phone.wabaId, content.mimeType, content.bytes) : undefined;
    const message = inboundMessage(request, phone, wamid, now, media);
    this.sim.delivery.post({
      url: phone.webhookUrl,
      appSecret: phone.appSecret,
      payload: inboundEnvelope(phone, { name: request.profileName, waId: request.from }, message),
      kind: 'inbound',
      statuses: [],
    });
    return reply(202, { messageId: wamid, message, ...(media ? { mediaId: media.id } : {}) });
  }

  private throttleBurst(value: unknown): AdminReply {
    if (!isObject(value)) return problem(400, 'Send {"durationMs": number, "phoneNumberId"?: string}.');
    const { durationMs, phoneNumberId } = value;
    if (typeof durationMs !== 'number' || !Number.isInteger(durationMs) || durationMs < 1 || durationMs > MAX_BURST_MS) {
      return problem(400, `durationMs must be a whole number from 1 to ${MAX_BURST_MS}.`);
    }
    if (phoneNumberId !== undefined && (typeof phoneNumberId !== 'string' || !this.sim.registry.get(phoneNumberId))) {
      return problem(404, `No phone number ${String(phoneNumberId)} is registered.`);
    }
    this.sim.startThrottleBurst(phoneNumberId, durationMs);
    return reply(200, { until: new Date(this.sim.now() + durationMs).toISOString(), phoneNumberId: phoneNumberId ?? null });
  }
}
