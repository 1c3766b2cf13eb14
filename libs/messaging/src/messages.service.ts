import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CallbackOutbox, CallbackUrls } from '@herald/callbacks';
import { ChannelsService, type ChannelView, type OutboundMessage } from '@herald/channels';
import { CoreConfig } from '@herald/config';
import { LinksService, type UtmParams } from '@herald/links';
import { Clock, HeraldError, isUuid, listQuery } from '@herald/common';
import { ContactsService, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '@herald/contacts';
import { JobName, JobQueue, requeuedJobId } from '@herald/queues';
import { expiresAt, isSendState, SEND_STATES, SendSettingsService, sendStatusEvents, SERVICE_WINDOW_MS, type SendCategory, type SendFilter } from '@herald/sending';
import { TemplatesService } from '@herald/templates';
import { assertKeyMaySendFrom } from '@herald/workspaces';
import { messageTexts } from './message-links.util';
import { MessageRepository, messageEventRow, toMessageView, type MessageRow, type NewMessage } from './message.repository';
import { parseSendMessage } from './message-input.util';
import { messageBatchSize } from './message-batch.util';
import {
  type SendMessageInput,
  type SingleAccepted,
  type MessagesAccepted,
  type MessageView,
} from './message.types';

const invalid = HeraldError.invalid;

/**
 * Single messages: written to Postgres (`queued`, or `scheduled` with a time), then handed to a worker by a job
 * that carries only the id (delayed until the scheduled time). A repeated requestId returns the first message
 * instead of sending again. `to` may list up to 1,000 numbers: one message each.
 */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    private readonly messages: MessageRepository,
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    private readonly templates: TemplatesService,
    private readonly settings: SendSettingsService,
    private readonly links: LinksService,
    private readonly config: CoreConfig,
    private readonly outbox: CallbackOutbox,
    private readonly callbackUrls: CallbackUrls,
  ) {}

  async send(workspaceId: string, body: unknown): Promise<{ one: SingleAccepted } | { many: MessagesAccepted }> {
    const now = this.clock.now().toJSDate();
    const named = await this.namedChannel(workspaceId, body);
    const input = parseSendMessage(body, now, named?.type);
    // Where its events will be posted: refused now if it points at a private or loopback address (SSRF), unless allowed.
    if (input.callbackUrl !== null) await this.callbackUrls.check(input.callbackUrl, 'callbackUrl');
    // Read once: the body the parse accepted names the same channel the peek found (only a failed peek reads again,
    // to answer its 404 or 409).
    const channel = named ?? (await this.sender(workspaceId, input.channelId, input.from));
    // An API key restricted to some channels may send only from those (every surface's sends come through here).
    assertKeyMaySendFrom(channel);
    // A template the account does not have, that is not approved, or given the wrong parameters: refused now, not queued.
    if (input.message.type === 'template') await this.templates.checkSend(workspaceId, channel, input.message.template);
    // Known at once for a free-form message; a template's comes from the provider when a worker takes it.
    const category: SendCategory | null = input.message.type === 'template' ? null : 'service';
    const due = input.scheduledFor ?? now;
    // A template's category (an authentication template's shorter default) is applied by the worker once it knows it.
    const base = {
      workspaceId,
      channelId: channel.id,
      type: input.message.type,
      content: input.message as unknown as Record<string, unknown>,
      templateName: input.message.type === 'template' ? input.message.template.name : null,
      tags: input.tags,
      customArgs: input.customArgs,
      callbackUrl: input.callbackUrl,
      scheduledFor: input.scheduledFor,
      validitySeconds: input.validitySeconds,
      expiresAt: expiresAt(due, input.validitySeconds, category),
      ignoreQuietHours: input.ignoreQuietHours,
      useFrequencyCapping: input.useFrequencyCapping,
      category,
    };

    if (channel.type !== 'whatsapp') return { one: await this.sendOnPlatform(workspaceId, channel, input, base, due, now) };

    if (!input.toMany) {
      const contact =
        input.contactId !== undefined
          ? await this.contacts.getById(workspaceId, input.contactId)
          : (await this.contacts.upsert(workspaceId, { number: input.to![0]!.number, ...(input.to![0]!.name !== undefined ? { name: input.to![0]!.name } : {}) })).contact;
      if (contact.number === null) {
        throw new HeraldError('conflict', 'no_number', `Contact ${contact.id} has no phone number: it is known only by its identity on another channel, so WhatsApp cannot reach it.`);
      }
      if (contact.optedOut && contact.optOutScope === 'all') {
        throw new HeraldError('conflict', 'contact_opted_out', `${contact.number} has opted out of all messages (${contact.optOutSource ?? 'unknown'}); opt them in first.`);
      }
      // A repeated requestId returns the first message whatever the window says now.
      const earlier = input.requestId === undefined || category !== 'service' ? undefined : await this.messages.findByRequestId(workspaceId, input.requestId);
      if (earlier) {
        return { one: singleAccepted(sameRecipient(earlier, contact.number!, input.requestId!), false) };
      }
      if (category === 'service') {
        const closed = windowClosed((await this.contacts.sendStates(channel.id, [contact.id])).get(contact.id)?.lastInboundAt ?? null, due);
        if (closed !== null) {
          throw new HeraldError(
            'conflict',
            'outside_service_window',
            `${contact.number}'s customer-service window with this channel ${closed}: a free-form message can only answer a customer within 24 hours of their last message. Send an approved template instead.`,
          );
        }
      }
      const rows = await this.tracked(workspaceId, input, [{ ...base, contactId: contact.id, toNumber: contact.number!, requestId: input.requestId ?? null }]);
      const [first] = await this.insert(workspaceId, rows);
      const { row, created } = first!;
      if (created) await this.enqueue([row.id], input.scheduledFor, now);
      return { one: singleAccepted(created ? row : sameRecipient(row, contact.number!, input.requestId!), created) };
    }

    // Many: each number normalised and made a contact in one statement; a bad or repeated number is refused alone.
    const refused: MessagesAccepted['refused'] = [];
    const ids = await this.contacts.ensureNumbers(workspaceId, input.to!.map((t) => ({ number: t.number, name: t.name ?? null })));
    const seen = new Set<string>();
    const wanted: Array<{ index: number; number: string; contactId: string }> = [];
    input.to!.forEach((t, index) => {
      let number: string;
      try {
        number = this.contacts.normalize(t.number, `to[${index}].number`);
      } catch {
        refused.push({ index, number: t.number, reason: 'not a valid phone number' });
        return;
      }
      if (seen.has(number)) return void refused.push({ index, number, reason: 'repeats an earlier recipient' });
      seen.add(number);
      const contactId = ids.get(number);
      if (contactId === undefined) return void refused.push({ index, number, reason: 'not a valid phone number' });
      wanted.push({ index, number, contactId });
    });
    const states = await this.contacts.sendStates(channel.id, wanted.map((w) => w.contactId));
    const rows: NewMessage[] = [];
    const rowsOf: Array<(typeof wanted)[number]> = [];
    for (const w of wanted) {
      const state = states.get(w.contactId);
      const closed = category === 'service' ? windowClosed(state?.lastInboundAt ?? null, due) : null;
      if (state?.optOutScope === 'all') refused.push({ index: w.index, number: w.number, reason: 'opted out of all messages' });
      else if (closed !== null) refused.push({ index: w.index, number: w.number, reason: `outside the customer-service window: it ${closed}` });
      else {
        rows.push({ ...base, contactId: w.contactId, toNumber: w.number, requestId: input.requestId === undefined ? null : `${input.requestId}/${w.number}` });
        rowsOf.push(w);
      }
    }
    const inserted = await this.insert(workspaceId, await this.tracked(workspaceId, input, rows));
    await this.enqueue(inserted.filter((i) => i.created).map((i) => i.row.id), input.scheduledFor, now, messageBatchSize(channel.messagesPerSecond));
    // A recipient's key (`<requestId>/<number>`) that already named a message to someone else — a single message given
    // that very key — is refused by name, as a single message's would be: answering with the other message would leave
    // this number unsent, unrefused.
    const answered = inserted.filter(({ row }, i) => {
      const w = rowsOf[i]!;
      if (row.to_number === w.number) return true;
      refused.push({ index: w.index, number: w.number, reason: `its requestId "${row.request_id}" already named message ${row.id}, to ${row.to_number}` });
      return false;
    });
    return {
      many: {
        messages: answered.map(({ row }) => ({
          id: row.id,
          to: row.to_number,
          status: row.status,
          requestId: row.request_id,
          ...(row.scheduled_for ? { scheduledFor: row.scheduled_for } : {}),
        })),
        refused: refused.sort((a, b) => a.index - b.index),
      },
    };
  }

  /**
   * With link tracking on (the message's `trackLinks`, else the workspace's setting), each message gets its id now
   * and every URL its recipient reads becomes a link of its own (`<PUBLIC_URL>/l/<code>`, UTM parameters added to
   * the destination): one INSERT for all the links of the request. A repeated requestId keeps the first message; the
   * links made for the repeat lead nowhere but their destination and are never sent.
   */
  private async tracked(workspaceId: string, input: { trackLinks?: boolean; utm?: UtmParams; message: OutboundMessage }, rows: NewMessage[]): Promise<NewMessage[]> {
    if (input.trackLinks === false || rows.length === 0) return rows;
    const { texts, rebuild } = messageTexts(input.message);
    if (!texts.some((t) => /https?:\/\//i.test(t))) return rows;
    const settings = input.trackLinks === true && input.utm !== undefined ? undefined : await this.settings.cached(workspaceId);
    if (input.trackLinks === undefined && !settings?.trackLinks) return rows;
    const utm = input.utm ?? settings?.utm ?? undefined;
    const ids = rows.map(() => randomUUID());
    const rewritten = await this.links.trackTexts(
      workspaceId,
      ids.flatMap((sendRef) => texts.map((text) => ({ sendRef, text }))),
      { baseUrl: this.config.publicUrl, ...(utm ? { utm } : {}) },
    );
    return rows.map((row, r) => ({
      ...row,
      id: ids[r]!,
      content: rebuild(rewritten.slice(r * texts.length, (r + 1) * texts.length)) as unknown as Record<string, unknown>,
    }));
  }

  /**
   * Stores the messages; when someone listens (an endpoint subscribed to `message.status`, or a callbackUrl), their
   * `queued` or `scheduled` events are written to the callback outbox in the same transaction.
   */
  private async insert(workspaceId: string, rows: readonly NewMessage[]): Promise<Array<{ row: MessageRow; created: boolean }>> {
    const wanted = rows.some((r) => r.callbackUrl !== null) || (await this.outbox.subscribed([workspaceId], 'message.status')).size > 0;
    if (!wanted) return this.messages.insert(rows);
    return this.messages.transaction(async (manager) => {
      const inserted = await this.messages.insert(rows, manager);
      const created = inserted.filter((i) => i.created).map((i) => messageEventRow(i.row));
      await this.outbox.record(manager, sendStatusEvents(created));
      return inserted;
    });
  }

  private async listened(workspaceId: string, rows: readonly MessageRow[], manager?: EntityManager): Promise<boolean> {
    return rows.some((r) => r.callback_url !== null) || (await this.outbox.subscribed([workspaceId], 'message.status', manager)).size > 0;
  }

  /** Cancels a message that has not gone out yet (scheduled or queued). 409 once a worker has it or it is done. */
  async cancel(workspaceId: string, id: string): Promise<MessageView> {
    const { cancelled, row } = !isUuid(id)
      ? { cancelled: false, row: undefined }
      : await this.messages.transaction(async (manager) => {
          const done = await this.messages.cancel(workspaceId, id, manager);
          if (done.cancelled && (await this.listened(workspaceId, [done.row!], manager))) await this.outbox.record(manager, sendStatusEvents([messageEventRow(done.row!)]));
          return done;
        });
    if (!row) throw new HeraldError('not_found', 'message_not_found', `No message with id "${id}" exists in this workspace.`);
    if (!cancelled) throw new HeraldError('conflict', 'message_not_cancellable', `The message is ${row.status}: only a scheduled or queued message can be cancelled.`);
    return toMessageView(row);
  }

  /**
   * The channel a body names (by channelId, by from, or the workspace's default), so its content is read by that
   * platform's rules. Undefined when it cannot be resolved yet: the body is then read as WhatsApp's, the parse reports
   * the body's own problems first, and resolving the channel afterwards answers the 404 or 409.
   */
  private async namedChannel(workspaceId: string, body: unknown): Promise<ChannelView | undefined> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const { channelId, from } = body as Record<string, unknown>;
    if (channelId !== undefined && (!isUuid(channelId) || from !== undefined)) return undefined;
    if (from !== undefined && typeof from !== 'string') return undefined;
    try {
      return await this.sender(workspaceId, channelId, from);
    } catch {
      return undefined;
    }
  }

  /**
   * One message on a channel that addresses people by id (Messenger, Instagram, Telegram), to a contact (by id or
   * number) that has an identity there, or straight to an identity (a PSID, IGSID or chat id; unknown ones make a
   * contact without a number). Refused now, with the reason, when the contact cannot be reached there or — on
   * Messenger and Instagram — when the message falls outside the window its tag allows; the send checks ask again
   * when a worker takes it.
   */
  private async sendOnPlatform(
    workspaceId: string,
    channel: ChannelView,
    input: SendMessageInput,
    base: Omit<NewMessage, 'contactId' | 'toNumber' | 'requestId'>,
    due: Date,
    now: Date,
  ): Promise<SingleAccepted> {
    const contactId =
      input.contactId ??
      (input.toIdentity !== undefined
        ? await this.contacts.contactForIdentity(workspaceId, channel.id, input.toIdentity)
        : (await this.contacts.get(workspaceId, input.to![0]!.number)).id);
    const contact = await this.contacts.getById(workspaceId, contactId);
    const who = contact.number ?? input.toIdentity ?? `contact ${contact.id}`;
    if (contact.optedOut && contact.optOutScope === 'all') {
      throw new HeraldError('conflict', 'contact_opted_out', `${who} has opted out of all messages (${contact.optOutSource ?? 'unknown'}); opt them in first.`);
    }
    const earlier = input.requestId === undefined ? undefined : await this.messages.findByRequestId(workspaceId, input.requestId);
    if (earlier) {
      return singleAccepted(earlier, false);
    }
    const state = (await this.contacts.sendStates(channel.id, [contact.id])).get(contact.id);
    if (!state?.identity) {
      throw new HeraldError(
        'conflict',
        'no_identity',
        `Herald does not know ${who} on this ${channel.type} channel: they must write to it first, or set their id with PUT /v1/contacts/id:${contact.id}/identities/${channel.id}.`,
      );
    }
    if (state.unreachable) {
      throw new HeraldError('conflict', 'contact_unreachable', `${channel.type} said ${who} cannot be reached on this channel (${state.unreachable.reason}); they must write to it again first.`);
    }
    const tag = input.message.tag;
    if ((channel.type === 'messenger' || channel.type === 'instagram') && (tag === undefined || tag === 'HUMAN_AGENT')) {
      const windowMs = tag === 'HUMAN_AGENT' ? 7 * SERVICE_WINDOW_MS : SERVICE_WINDOW_MS;
      const closed = windowClosed(state.lastInboundAt, due, windowMs);
      if (closed !== null) {
        throw new HeraldError(
          'conflict',
          'outside_service_window',
          `${who}'s messaging window with this ${channel.type} channel ${closed}: ${tag === 'HUMAN_AGENT' ? 'a HUMAN_AGENT reply goes out within 7 days of their last message' : `a message goes out within 24 hours of their last message, or outside it with an allowed tag (${channel.type === 'instagram' ? 'HUMAN_AGENT' : 'CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE, ACCOUNT_UPDATE, HUMAN_AGENT'})`}.`,
        );
      }
    }
    const rows = await this.tracked(workspaceId, input, [{ ...base, contactId: contact.id, toNumber: state.identity, requestId: input.requestId ?? null }]);
    const [first] = await this.insert(workspaceId, rows);
    const { row, created } = first!;
    if (created) await this.enqueue([row.id], input.scheduledFor, now);
    return singleAccepted(created ? row : sameRecipient(row, state.identity, input.requestId!), created);
  }

  /** The channel named by id, or by its display number (`from`), else the workspace's default. */
  private async sender(workspaceId: string, channelId: string | undefined, from: string | undefined): Promise<ChannelView> {
    if (from === undefined) return this.channels.resolve(workspaceId, channelId);
    const digits = from.replace(/\D/g, '');
    const match = (await this.channels.list(workspaceId)).find((c) => c.displayPhoneNumber.replace(/\D/g, '') === digits);
    if (!match) throw new HeraldError('not_found', 'channel_not_found', `No channel of this workspace has the display number ${from}.`, [{ field: 'from', issue: 'names no channel' }]);
    return match;
  }

  /**
   * A paused channel is active again: its messages that waited for it go out now instead of at their next
   * look (a minute apart), each still within its validity.
   */
  async channelResumed(channelId: string): Promise<number> {
    const ids = await this.messages.wakeChannel(channelId);
    const now = this.clock.now().toJSDate();
    await this.queue
      .addBulk(JobName.SendMessage, ids.map((messageId) => ({ data: { messageId }, jobId: requeuedJobId(messageId, now.getTime()) })))
      .catch((error: unknown) => {
        this.logger.warn(`${ids.length} message(s) of a resumed channel wait for their next look: ${error instanceof Error ? error.message : String(error)}`);
      });
    return ids.length;
  }

  /**
   * Postgres has the messages; if Redis is away the maintenance sweep enqueues them later. A list goes in jobs of
   * `perJob` messages (the batch one send job takes: MessageSender.sendDue), one job each, named by its first message.
   */
  private async enqueue(ids: readonly string[], scheduledFor: Date | null, now: Date, perJob = 1): Promise<void> {
    if (ids.length === 0) return;
    const delay = scheduledFor === null ? 0 : Math.max(0, scheduledFor.getTime() - now.getTime());
    const jobs: Array<{ data: { messageId: string; with?: string[] }; jobId: string; delay?: number }> = [];
    for (let first = 0; first < ids.length; first += perJob) {
      const [messageId, ...others] = ids.slice(first, first + perJob) as [string, ...string[]];
      jobs.push({ data: { messageId, ...(others.length > 0 ? { with: others } : {}) }, jobId: messageId, ...(delay > 0 ? { delay } : {}) });
    }
    await this.queue.addBulk(JobName.SendMessage, jobs).catch((error: unknown) => {
      this.logger.warn(`${ids.length} message(s) stay queued until the sweep: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async get(workspaceId: string, id: string): Promise<MessageView> {
    const row = isUuid(id) ? await this.messages.find(workspaceId, id) : undefined;
    if (!row) throw new HeraldError('not_found', 'message_not_found', `No message with id "${id}" exists in this workspace.`);
    const [replies, clicks] = await Promise.all([this.messages.replies(row.id), this.links.sendClicksView(workspaceId, row.id)]);
    const view = toMessageView(row, replies);
    return clicks ? { ...view, clicks } : view;
  }

  /**
   * The query of `GET /v1/messages`, checked once: the filter every source of sends applies, the page size and
   * the cursor (opaque here: the API that merges the sources reads it).
   */
  parseListQuery(query: Record<string, unknown>): { filter: SendFilter; limit: number; cursor: string | undefined } {
    const q = listQuery(query);
    const limit = q.limit(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const filter: { -readonly [K in keyof SendFilter]: SendFilter[K] } = {};
    const text = q.text;
    const status = text('status');
    if (status !== undefined) {
      if (!isSendState(status)) throw invalid('status', `must be one of ${SEND_STATES.join(', ')}`);
      filter.status = status;
    }
    const tag = text('tag');
    if (tag !== undefined) filter.tag = tag.toLowerCase();
    filter.template = text('template');
    const number = text('number');
    if (number !== undefined) filter.number = this.contacts.normalize(number, 'number');
    for (const key of ['from', 'to'] as const) {
      const at = q.time(key);
      if (at !== undefined) filter[key] = at;
    }
    for (const key of ['campaignId', 'runId'] as const) {
      const v = text(key);
      if (v === undefined) continue;
      if (!isUuid(v)) throw invalid(key, 'must be a campaign or run id (a uuid)');
      filter[key] = v.toLowerCase();
    }
    return { filter, limit, cursor: text('cursor') };
  }

  /**
   * Up to `limit` single messages matching `filter`, newest first, after `after` (the last one of the previous
   * page). A campaign or run filter matches none: those are campaign sends.
   */
  async page(
    workspaceId: string,
    filter: SendFilter,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<MessageView[]> {
    if (filter.campaignId !== undefined || filter.runId !== undefined) return [];
    const rows = await this.messages.page(workspaceId, filter, limit, after);
    return rows.map((r) => toMessageView(r));
  }
}

/**
 * When a free-form message due at `due` would fall outside the contact's customer-service window (24 h from their
 * last message to the channel): how to say so ("closed at …", "was never opened"); null while it is open.
 */
export function windowClosed(lastInboundAt: Date | null, due: Date, windowMs = SERVICE_WINDOW_MS): string | null {
  if (lastInboundAt === null) return 'was never opened (the contact has not written to it)';
  const closes = new Date(lastInboundAt.getTime() + windowMs);
  if (due.getTime() < closes.getTime()) return null;
  return `closed at ${closes.toISOString()}`;
}

/** The answer for one recipient, from its stored row. */
/**
 * The message a repeated requestId names, when it is to the same recipient: a requestId names one message, and the
 * same one for someone else would otherwise be answered with the first message's id and never sent.
 */
function sameRecipient(row: MessageRow, to: string, requestId: string): MessageRow {
  if (row.to_number === to) return row;
  throw new HeraldError(
    'conflict',
    'request_id_reused',
    `requestId "${requestId}" already named message ${row.id}, to ${row.to_number}; this one is to ${to}. A requestId names one message: use a new one for another recipient.`,
  );
}

function singleAccepted(row: MessageRow, created: boolean): SingleAccepted {
  return {
    id: row.id,
    status: row.status,
    requestId: row.request_id,
    ...(row.scheduled_for ? { scheduledFor: row.scheduled_for } : {}),
    created,
    contactId: row.contact_id,
    to: row.to_number,
    tags: row.tags,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
