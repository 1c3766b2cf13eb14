import { Injectable, Logger } from '@nestjs/common';
import { ChannelsService } from '@herald/channels';
import { HeraldError, decodeTimeCursor, encodeTimeCursor, isUuid } from '@herald/common';
import { ContactsService, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '@herald/contacts';
import { JobName, JobQueue } from '@herald/queues';
import { MessageRepository, toMessageView } from './message.repository';
import { isMessageStatus } from './message-status.util';
import { parseSendMessage } from './message-input.util';
import type { MessageAccepted, MessageFilter, MessagePage, MessageView } from './message.types';


const invalid = HeraldError.invalid;
const CURSOR_TAG = 'm';

/**
 * Single messages: written to Postgres as `queued`, then handed to a worker by a job that carries only the
 * id. A repeated requestId returns the first message instead of sending again.
 */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    private readonly messages: MessageRepository,
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
    private readonly queue: JobQueue,
  ) {}

  async send(workspaceId: string, body: unknown): Promise<MessageAccepted & { created: boolean }> {
    const input = parseSendMessage(body);
    const channel = await this.channels.resolve(workspaceId, input.channelId);
    const contact =
      input.contactId !== undefined
        ? await this.contacts.getById(workspaceId, input.contactId)
        : (await this.contacts.upsert(workspaceId, { number: input.to!.number, ...(input.to!.name !== undefined ? { name: input.to!.name } : {}) })).contact;
    if (contact.optedOut) {
      throw new HeraldError('conflict', 'contact_opted_out', `${contact.number} has opted out of messages (${contact.optOutSource ?? 'unknown'}); opt them in first.`);
    }
    const { row, created } = await this.messages.insert({
      workspaceId,
      channelId: channel.id,
      contactId: contact.id,
      toNumber: contact.number,
      type: input.message.type,
      content: input.message as unknown as Record<string, unknown>,
      templateName: input.message.type === 'template' ? input.message.template.name : null,
      tags: input.tags,
      requestId: input.requestId ?? null,
      customArgs: input.customArgs,
    });
    if (created) {
      // Postgres has the message; if Redis is away the maintenance sweep enqueues it later.
      await this.queue.add(JobName.SendMessage, { messageId: row.id }, { jobId: row.id }).catch((error: unknown) => {
        this.logger.warn(`message ${row.id} stays queued until the sweep: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    return { id: row.id, status: row.status, requestId: row.request_id, created };
  }

  async get(workspaceId: string, id: string): Promise<MessageView> {
    const row = isUuid(id) ? await this.messages.find(workspaceId, id) : undefined;
    if (!row) throw new HeraldError('not_found', 'message_not_found', `No message with id "${id}" exists in this workspace.`);
    return toMessageView(row, await this.messages.replies(row.id));
  }

  async list(workspaceId: string, query: Record<string, unknown>): Promise<MessagePage> {
    const limit = query['limit'] === undefined ? DEFAULT_PAGE_SIZE : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw invalid('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    const filter: { -readonly [K in keyof MessageFilter]: MessageFilter[K] } = {};
    const text = (key: string): string | undefined => {
      const v = query[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v === '' || v.length > 512) throw invalid(key, 'must be a single non-empty value');
      return v;
    };
    const status = text('status');
    if (status !== undefined) {
      if (!isMessageStatus(status)) throw invalid('status', 'must be queued, sending, accepted, sent, delivered, read or failed');
      filter.status = status;
    }
    const tag = text('tag');
    if (tag !== undefined) filter.tag = tag.toLowerCase();
    filter.template = text('template');
    const number = text('number');
    if (number !== undefined) filter.number = this.contacts.normalize(number, 'number');
    for (const key of ['from', 'to'] as const) {
      const v = text(key);
      if (v === undefined) continue;
      const at = /^\d{1,12}$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
      if (Number.isNaN(at.getTime())) throw invalid(key, 'must be an ISO-8601 time or unix seconds');
      filter[key] = at;
    }
    const rows = await this.messages.page(workspaceId, filter, limit, decodeTimeCursor(CURSOR_TAG, text('cursor')));
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { data: page.map((r) => toMessageView(r)), nextCursor: more ? encodeTimeCursor(CURSOR_TAG, page[page.length - 1]!) : null };
  }
}
