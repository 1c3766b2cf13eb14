// Meta's Send API for Messenger Pages and Instagram accounts on the Graph host: GET /{id}?fields=… and
// POST /{id}/messages (also /me/…), with the window, tag, block and rate rules Meta applies, and the webhooks that
// follow (Messenger: message_deliveries, message_reads; Instagram: messaging_seen). Also what /_sim does to a page:
// a user's message or postback, a block.
import { randomBytes } from 'node:crypto';
import { chooseFault } from '../fault-injection.util';
import { bearerToken, type Reply } from '../graph-api.service';
import { pickInRange } from '../random.util';
import type { Simulator } from '../simulator.service';
import type { GraphErrorResponse } from '../simulator.types';
import {
  accessTokenError,
  invalidParam,
  metaError,
  MetaCode,
  MetaSubcode,
  noMatchingUser,
  outsideWindow,
  rateLimited,
  transientError,
  userUnavailable,
} from './meta-error.util';
import { PageRegistry, type PageRegistration } from './page-registry.service';
import { checkPageSend } from './page-send-request.util';
import {
  deliveryEvent,
  pageEnvelope,
  postbackEvent,
  readEvent,
  seenEvent,
  userMessageEvent,
  type PageEnvelope,
} from './page-webhook-payload.util';
import { isHttpUrl, isObject, readParams } from './request-body.util';

const HOUR_MS = 60 * 60 * 1000;
/** RESPONSE and UPDATE: the user wrote in the last 24 hours. */
export const PAGE_WINDOW_MS = 24 * HOUR_MS;
/** HUMAN_AGENT: the user wrote in the last 7 days. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;
/** Tags that may go out any time after the user's first message (Messenger only). */
const UNBOUNDED_TAGS = new Set(['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE']);
const INBOUND_ATTACHMENT_TYPES = ['image', 'video', 'audio', 'file'];

export interface AdminAnswer {
  status: number;
  value: unknown;
}

function userIdOf(value: unknown): string | undefined {
  const id = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
}

const bad = (message: string, problems?: string[]): AdminAnswer => ({
  status: 400,
  value: { error: problems ? { message, problems } : { message } },
});

export class PageApi {
  readonly registry = new PageRegistry();
  /** Bumped by a reset: events planned before it are dropped when due. */
  private generation = 0;
  private readonly midPrefix = randomBytes(6).toString('base64url');
  private midCounter = 0;

  constructor(private readonly sim: Simulator) {}

  /**
   * The answer to a Graph request when it is for a registered page (or `me` with a page's token); undefined when
   * it is not, so the WhatsApp routes take it.
   */
  route(
    method: string,
    id: string,
    edge: string | undefined,
    authorization: string | undefined,
    query: URLSearchParams,
    raw: Buffer | undefined,
    contentType: string | undefined,
  ): Reply | undefined {
    const token = requestToken(authorization, query);
    let page = this.registry.get(id);
    if (!page && id === 'me' && token !== undefined) page = this.registry.withToken(token);
    if (!page) return undefined;
    if (edge === undefined && method === 'GET') return this.getPage(page, token, query);
    if (edge === 'messages' && method === 'POST') return this.send(page, token, query, raw, contentType);
    const what = edge === undefined ? `${method} request` : `edge (${edge})`;
    return this.error(
      metaError({
        code: MetaCode.InvalidParameter,
        message: `Unsupported ${what} on ${page.platform === 'messenger' ? 'Page' : 'IGUser'} ${page.pageId}: the simulator answers GET /{id} and POST /{id}/messages`,
        subcode: MetaSubcode.UnknownObject,
        type: 'GraphMethodException',
      }),
    );
  }

  /** GET /{id}?fields=id,name,username: Messenger `{id, name}`, Instagram `{id, username, name}` unless fields say. */
  getPage(page: PageRegistration, token: string | undefined, query: URLSearchParams): Reply {
    if (token === undefined) return this.error(accessTokenError('missing'));
    if (token !== page.accessToken) return this.error(accessTokenError('mismatch'));
    const known: Record<string, unknown> = { id: page.pageId, name: page.name };
    if (page.username !== null) known.username = page.username;
    if (page.platform === 'instagram') known.user_id = page.pageId;
    const fields = query
      .get('fields')
      ?.split(',')
      .map((field) => field.trim())
      .filter((field) => field.length > 0);
    const wanted =
      fields && fields.length > 0 ? fields : page.platform === 'messenger' ? ['id', 'name'] : ['id', 'username', 'name'];
    // Graph answers the fields it has; `id` always.
    const view: Record<string, unknown> = { id: page.pageId };
    for (const field of wanted) if (known[field] !== undefined) view[field] = known[field];
    return json(200, view);
  }

  /** POST /{id}/messages. */
  send(
    page: PageRegistration,
    token: string | undefined,
    query: URLSearchParams,
    raw: Buffer | undefined,
    contentType: string | undefined,
  ): Reply {
    const sim = this.sim;
    const state = this.registry.state(page.pageId);
    const refuse = (error: GraphErrorResponse, delayMs = 0): Reply => {
      state.rejected(error.code);
      return this.error(error, delayMs);
    };
    const parsed = readParams(raw, contentType, query, ['recipient', 'message']);
    // A form body may carry the token too (`access_token=…`), as Graph takes it anywhere among the parameters.
    const bodyToken = parsed.ok && typeof parsed.params.access_token === 'string' ? parsed.params.access_token.trim() : '';
    if (parsed.ok) delete parsed.params.access_token;
    const given = token ?? (bodyToken.length > 0 ? bodyToken : undefined);
    if (given === undefined) return refuse(accessTokenError('missing'));
    if (given !== page.accessToken) return refuse(accessTokenError('mismatch'));
    const now = sim.now();
    const config = sim.config;
    const fault = chooseFault(config.faults, sim.random(), sim.burstOn(page.pageId, now));
    if (fault.delayMs > 0) sim.stats.fault('extraLatency');
    switch (fault.kind) {
      case 'timeout':
        sim.stats.fault('timeout');
        return { kind: 'hold' };
      case 'serverError':
        sim.stats.fault('serverError');
        return refuse(transientError(sim.random()()), fault.delayMs);
      case 'throttleBurst':
        sim.stats.fault('throttleBurst');
        return refuse(rateLimited(), fault.delayMs);
      case 'none':
        break;
    }

    if (!parsed.ok) {
      const why = {
        tooLarge: 'The request body is too large',
        badJson: 'The request body is not valid JSON',
        multipart: 'Send the message as JSON or a form (attachments by URL)',
        notObject: 'The request body must be a JSON object',
      };
      return refuse(invalidParam(why[parsed.problem]), fault.delayMs);
    }
    const checked = checkPageSend(page.platform, parsed.params);
    if (!checked.ok) return refuse(checked.error, fault.delayMs);
    const send = checked.send;

    const user = state.user(send.recipientId);
    if (!user) return refuse(noMatchingUser(), fault.delayMs);
    if (user.blocked) return refuse(userUnavailable(), fault.delayMs);
    const since = now - user.lastInboundAt;
    const allowed =
      send.tag === undefined ? since < PAGE_WINDOW_MS : UNBOUNDED_TAGS.has(send.tag) || since < HUMAN_AGENT_WINDOW_MS;
    if (!allowed) return refuse(outsideWindow(), fault.delayMs);
    if (!state.windowOf(page.messagesPerSecond).tryAcquire(now)) return refuse(rateLimited(), fault.delayMs);
    if (send.audioVideo && !state.audioVideoWindowOf(config.pages.audioVideoPerSecond).tryAcquire(now)) {
      return refuse(rateLimited(), fault.delayMs);
    }

    if (send.kind === 'senderAction')
      return { kind: 'json', status: 200, body: JSON.stringify({ recipient_id: send.recipientId }), delayMs: fault.delayMs };
    const mid = this.nextMid();
    state.counters.accepted += 1;
    state.sends.push({ mid, recipientId: send.recipientId, at: new Date(now).toISOString(), body: parsed.params });
    if (page.webhookUrl !== null) this.planReceipts(page, send.recipientId, mid);
    return {
      kind: 'json',
      status: 200,
      body: JSON.stringify({ recipient_id: send.recipientId, message_id: mid }),
      delayMs: fault.delayMs,
    };
  }

  // ------------------------------------------------------------------------------------------ /_sim

  /**
   * POST /_sim/pages/:id/inbound `{from, text?, quickReply?: {payload, title?}, postback?: {title, payload},
   * attachment?: {type, url}, replyTo?}`: the user's message (or postback), posted to the page's webhook now; it
   * opens the user's 24-hour window (and unblocks a user who had blocked the page).
   */
  inbound(pageId: string, value: unknown): AdminAnswer {
    const page = this.registry.get(pageId);
    if (!page) return { status: 404, value: { error: { message: `No page ${pageId} is registered.` } } };
    if (!isObject(value))
      return bad('Send {"from": user id, "text"? | "quickReply"? | "postback"? | "attachment"?, "replyTo"?}.');
    const problems: string[] = [];
    const from = userIdOf(value.from);
    if (!from) problems.push('from: the user id (PSID / IGSID), 1–64 letters, digits, "_" or "-"');
    const { text, quickReply, postback, attachment, replyTo } = value;
    if (text !== undefined && (typeof text !== 'string' || text.length === 0 || text.length > 20_000))
      problems.push('text: a non-empty string');
    if (
      quickReply !== undefined &&
      (!isObject(quickReply) ||
        typeof quickReply.payload !== 'string' ||
        quickReply.payload.length === 0 ||
        (quickReply.title !== undefined && typeof quickReply.title !== 'string'))
    ) {
      problems.push('quickReply: {"payload": string, "title"?: string}');
    }
    if (
      postback !== undefined &&
      (!isObject(postback) || typeof postback.payload !== 'string' || typeof postback.title !== 'string')
    ) {
      problems.push('postback: {"title": string, "payload": string}');
    }
    if (
      attachment !== undefined &&
      (!isObject(attachment) ||
        typeof attachment.type !== 'string' ||
        !INBOUND_ATTACHMENT_TYPES.includes(attachment.type) ||
        !isHttpUrl(attachment.url))
    ) {
      problems.push(`attachment: {"type": one of ${INBOUND_ATTACHMENT_TYPES.join(', ')}, "url": http(s) URL}`);
    }
    if (replyTo !== undefined && (typeof replyTo !== 'string' || replyTo.length === 0))
      problems.push('replyTo: the mid of the message replied to');
    if (
      postback !== undefined &&
      (text !== undefined || quickReply !== undefined || attachment !== undefined || replyTo !== undefined)
    ) {
      problems.push('postback: goes alone (a button press carries no text, attachment or reply)');
    }
    if (text === undefined && quickReply === undefined && postback === undefined && attachment === undefined) {
      problems.push('give text, quickReply, postback or attachment');
    }
    if (problems.length > 0 || !from) return bad('The inbound message was not sent.', problems);
    if (!page.webhookUrl)
      return { status: 409, value: { error: { message: `Page ${pageId} has no webhookUrl to deliver to.` } } };

    const now = this.sim.now();
    const state = this.registry.state(pageId);
    const user = state.touch(from, now);
    user.blocked = false;
    state.counters.inbound += 1;
    const mid = this.nextMid();
    let event: Record<string, unknown>;
    if (isObject(postback)) {
      event = postbackEvent(page, from, now, { mid, title: postback.title as string, payload: postback.payload as string });
    } else {
      const qr = isObject(quickReply)
        ? { payload: quickReply.payload as string, title: quickReply.title as string | undefined }
        : undefined;
      event = userMessageEvent(page, from, now, {
        mid,
        // A quick-reply tap arrives as a message whose text is the reply's title.
        text: (text as string | undefined) ?? qr?.title ?? qr?.payload,
        quickReply: qr,
        attachment: isObject(attachment) ? { type: attachment.type as string, url: attachment.url as string } : undefined,
        replyTo: replyTo as string | undefined,
      });
    }
    this.post(page, pageEnvelope(page, now, event));
    return { status: 202, value: { mid, event } };
  }

  /** POST /_sim/pages/:id/block (or /unblock) `{user}`: later sends to that user fail with 551 (or work again). */
  setBlocked(pageId: string, value: unknown, blocked: boolean): AdminAnswer {
    if (!this.registry.has(pageId)) return { status: 404, value: { error: { message: `No page ${pageId} is registered.` } } };
    const id = isObject(value) ? userIdOf(value.user) : undefined;
    if (!id) return bad('Send {"user": the user id (PSID / IGSID)}.');
    const user = this.registry.state(pageId).user(id);
    if (!user)
      return {
        status: 404,
        value: { error: { message: `User ${id} never wrote to page ${pageId} (POST /_sim/pages/${pageId}/inbound first).` } },
      };
    user.blocked = blocked;
    return { status: 200, value: { pageId, user: id, blocked } };
  }

  /** GET /_sim/pages/:id/messages?limit=: the last accepted sends (≤ 1000), oldest first. */
  messages(pageId: string, query: URLSearchParams): AdminAnswer {
    if (!this.registry.has(pageId)) return { status: 404, value: { error: { message: `No page ${pageId} is registered.` } } };
    const raw = query.get('limit');
    const limit = raw === null ? 1000 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return bad('limit must be a whole number from 1 to 1000.');
    return { status: 200, value: { data: this.registry.state(pageId).sends.last(limit) } };
  }

  view(page: PageRegistration): Record<string, unknown> {
    return { ...page, stats: this.registry.state(page.pageId).view() };
  }

  /** Totals for /_sim/stats. */
  counts(): Record<string, number> {
    const totals = { pages: 0, accepted: 0, rejected: 0, inbound: 0, deliveries: 0, reads: 0 };
    for (const page of this.registry.list()) {
      const counters = this.registry.state(page.pageId).counters;
      totals.pages += 1;
      totals.accepted += counters.accepted;
      totals.rejected += counters.rejected;
      totals.inbound += counters.inbound;
      totals.deliveries += counters.deliveries;
      totals.reads += counters.reads;
    }
    return totals;
  }

  reset(all: boolean): void {
    this.generation += 1;
    this.registry.reset(all);
  }

  // ------------------------------------------------------------------------------------------ internals

  /**
   * What the user's app reports after an accepted send, drawn now (a seeded run repeats): Messenger a delivery
   * (`statuses.deliveredProbability`), then perhaps a read (`readProbability`); Instagram only `messaging_seen`
   * for delivered-and-read messages. Each step waits a draw of `statuses.latencyMs`.
   */
  private planReceipts(page: PageRegistration, user: string, mid: string): void {
    const statuses = this.sim.config.statuses;
    const random = this.sim.random();
    const step = () => pickInRange(statuses.latencyMs, random);
    if (statuses.deliveredProbability <= 0 || random() >= statuses.deliveredProbability) return;
    const deliveredAfter = step();
    const read = statuses.readProbability > 0 && random() < statuses.readProbability;
    const readAfter = deliveredAfter + step();
    if (page.platform === 'messenger') {
      this.emit(page.pageId, deliveredAfter, (current, now) => {
        const state = this.registry.state(current.pageId);
        const known = state.user(user);
        if (!known) return undefined;
        known.deliveredWatermark = Math.max(known.deliveredWatermark, now);
        state.counters.deliveries += 1;
        return deliveryEvent(current, user, [mid], known.deliveredWatermark);
      });
      if (!read) return;
      this.emit(page.pageId, readAfter, (current, now) => {
        const state = this.registry.state(current.pageId);
        const known = state.user(user);
        if (!known) return undefined;
        known.readWatermark = Math.max(known.readWatermark, now);
        state.counters.reads += 1;
        return readEvent(current, user, now, known.readWatermark);
      });
      return;
    }
    if (!read) return;
    this.emit(page.pageId, readAfter, (current, now) => {
      this.registry.state(current.pageId).counters.reads += 1;
      return seenEvent(current, user, now, mid);
    });
  }

  /**
   * Posts one event after `delayMs`, with the configured reordering (held back past later events) and duplicates
   * (the same body posted again a step later). Dropped when a reset came between, or the page lost its webhook.
   */
  private emit(
    pageId: string,
    delayMs: number,
    build: (page: PageRegistration, now: number) => Record<string, unknown> | undefined,
  ): void {
    const statuses = this.sim.config.statuses;
    const random = this.sim.random();
    const generation = this.generation;
    let delay = delayMs;
    if (statuses.reorderProbability > 0 && random() < statuses.reorderProbability) delay += 2 * statuses.latencyMs.max + 10;
    const duplicate = statuses.duplicateProbability > 0 && random() < statuses.duplicateProbability;
    const duplicateAfter = duplicate ? Math.max(1, pickInRange(statuses.latencyMs, random)) : 0;
    this.sim.later(delay, () => {
      const page = this.registry.get(pageId);
      if (generation !== this.generation || !page?.webhookUrl) return;
      const now = this.sim.now();
      const event = build(page, now);
      if (!event) return;
      const payload = pageEnvelope(page, now, event);
      this.post(page, payload);
      if (!duplicate) return;
      this.sim.later(duplicateAfter, () => {
        const again = this.registry.get(pageId);
        if (generation === this.generation && again?.webhookUrl) this.post(again, payload);
      });
    });
  }

  private post(page: PageRegistration, payload: PageEnvelope): void {
    if (!page.webhookUrl) return;
    this.sim.delivery.post({ url: page.webhookUrl, appSecret: page.appSecret, payload, kind: 'pageEvent', statuses: [] });
  }

  /** Meta's message ids look like `m_<base64url>`; a process prefix and a counter keep them unique. */
  private nextMid(): string {
    this.midCounter += 1;
    return `m_${this.midPrefix}${this.midCounter.toString(36).padStart(8, '0')}${randomBytes(3).toString('base64url')}`;
  }

  private error(error: GraphErrorResponse, delayMs = 0): Reply {
    return { kind: 'json', status: error.httpStatus, body: error.body, delayMs };
  }
}

function json(status: number, value: unknown): Reply {
  return { kind: 'json', status, body: JSON.stringify(value), delayMs: 0 };
}

/** A Bearer token, else the `access_token` parameter Meta's Send API examples use. */
function requestToken(authorization: string | undefined, query: URLSearchParams): string | undefined {
  const fromQuery = query.get('access_token')?.trim();
  return bearerToken(authorization) ?? (fromQuery ? fromQuery : undefined);
}
