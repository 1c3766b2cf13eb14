import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ChannelPlatforms, ChannelsService, credentialsOf, type ChannelProvider, type ProviderError, type WhatsAppCredentials } from '@herald/channels';
import { HeraldError, isUuid, listQuery } from '@herald/common';
import { ContactsService, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@herald/contacts';
import { InboundMediaLinks } from './inbound-media-links.service';
import { InboundRepository, type InboundFilter, type TimeBound } from './inbound.repository';
import { toInboundView, type InboundMessageRow, type InboundView } from './inbound-view.util';
import { MessageHistoryRepository } from './message-history.repository';
import { toMessageView } from './message.repository';
import type { MessageView } from './message.types';

/** The provider the API downloads inbound media through (its own adapter: downloads are long, sends are not). */
export const INBOUND_MEDIA_PROVIDER = Symbol('INBOUND_MEDIA_PROVIDER');

const CURSOR_TAG = 'in1';
const TYPE = /^[a-z_]{1,32}$/;

function invalid(field: string, issue: string): HeraldError {
  return new HeraldError('invalid', 'validation_failed', `${field} ${issue}.`, [{ field, issue }]);
}

function badCursor(): HeraldError {
  return new HeraldError('invalid', 'invalid_cursor', 'The cursor is not one this API returned; start again without it.', [
    { field: 'cursor', issue: 'is not a valid cursor' },
  ]);
}

/** An item of one conversation source: its exact time key, its id and its view. */
export interface SourceItem<V> {
  readonly at: string;
  readonly id: string;
  readonly view: V;
}

/** What a media download gives the route: the bytes as a stream, and how to label them. */
export type InboundMediaDownload =
  | {
      readonly ok: true;
      readonly mimeType: string;
      readonly fileSize: number | null;
      /** What the body will yield, when the provider's download said so (else unknown: sent chunked). */
      readonly contentLength: number | null;
      readonly filename: string | null;
      readonly body: Readable;
    }
  /** The provider failed (not "gone"): the route answers 502 with its error. */
  | { readonly ok: false; readonly error: ProviderError };

/**
 * Inbound messages for the API: the listing (`GET /v1/inbound-messages`), one message, its media (streamed from the
 * provider through Herald), and this library's two sources of a contact's conversation and channel figures.
 */
@Injectable()
export class InboundMessagesService {
  constructor(
    private readonly inbound: InboundRepository,
    private readonly history: MessageHistoryRepository,
    private readonly links: InboundMediaLinks,
    private readonly contacts: ContactsService,
    private readonly channels: ChannelsService,
    @Inject(INBOUND_MEDIA_PROVIDER) private readonly provider: ChannelProvider<WhatsAppCredentials>,
    private readonly platforms: ChannelPlatforms,
  ) {}

  /** The view of a stored row, with a fresh media download URL. */
  view(row: InboundMessageRow): InboundView {
    return toInboundView(row, { mediaUrl: (r) => this.links.urlFor(r) });
  }

  /** `GET /v1/inbound-messages?channelId=&number=&from=&to=&type=&limit=&cursor=`, newest first. */
  async list(workspaceId: string, query: Record<string, unknown>): Promise<{ data: InboundView[]; nextCursor: string | null }> {
    const q = listQuery(query);
    const text = q.text;
    const limit = q.limit(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const filter: { -readonly [K in keyof InboundFilter]: InboundFilter[K] } = {};
    const channelId = text('channelId');
    if (channelId !== undefined) {
      if (!isUuid(channelId)) throw invalid('channelId', 'must be a channel id (a uuid)');
      await this.channels.get(workspaceId, channelId); // 404 for a channel the workspace does not have
      filter.channelId = channelId.toLowerCase();
    }
    const number = text('number');
    if (number !== undefined) filter.number = this.contacts.normalize(number, 'number');
    const type = text('type');
    if (type !== undefined) {
      if (!TYPE.test(type)) throw invalid('type', 'must be a message type such as text, image, location or reaction');
      filter.type = type;
    }
    for (const key of ['from', 'to'] as const) {
      const at = q.time(key);
      if (at !== undefined) filter[key] = at;
    }
    if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) throw invalid('to', 'must be later than from');
    const rows = await this.inbound.page(workspaceId, filter, limit + 1, decodeListCursor(text('cursor')));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((r) => this.view(r)),
      nextCursor: rows.length > limit && last ? Buffer.from(`${CURSOR_TAG}|${last.at_key}|${last.id}`, 'utf8').toString('base64url') : null,
    };
  }

  async get(workspaceId: string, id: string): Promise<InboundView> {
    const row = isUuid(id) ? await this.inbound.find(workspaceId, id) : undefined;
    if (!row) throw notFound(id);
    return this.view(row);
  }

  /**
   * The media of an inbound message, streamed from the provider (`downloadMedia`), for a download URL's `token`.
   * 401 for a token that is not this message's or has expired; 404 when the message, its media or its channel do not
   * exist, or the provider no longer has the file; a provider failure otherwise comes back as `{ok: false}` (502).
   */
  async openMedia(id: string, token: string | undefined): Promise<InboundMediaDownload> {
    if (!isUuid(id)) throw notFound(id);
    const check = token === undefined || token === '' ? 'missing' : this.links.check(id, token);
    if (check === 'missing') {
      throw new HeraldError('unauthorized', 'media_token_missing', 'A media download needs its token: use the downloadUrl of GET /v1/inbound-messages/:id.');
    }
    if (check === 'expired') {
      throw new HeraldError(
        'unauthorized',
        'media_token_expired',
        'This download link has expired (links work for 5 minutes); GET /v1/inbound-messages/:id gives a fresh downloadUrl.',
      );
    }
    if (check === 'invalid') throw new HeraldError('unauthorized', 'media_token_invalid', 'The download token is not valid for this message.');
    const row = await this.inbound.findById(id);
    if (!row) throw notFound(id);
    if (row.media === null) throw new HeraldError('not_found', 'media_not_found', `Inbound message "${id}" carries no media.`);
    const channel = await this.channels.forSending(row.channel_id);
    if (!channel) throw new HeraldError('not_found', 'channel_not_found', `The channel that received inbound message "${id}" no longer exists.`);
    // WhatsApp's media id through the Cloud API; a Messenger or Instagram attachment's URL, a Telegram file id through theirs.
    const outcome =
      channel.type === 'whatsapp' ? await this.provider.downloadMedia?.(credentialsOf(channel), row.media.id) : await this.platforms.downloadMedia(channel, row.media.id);
    if (outcome === undefined) {
      return { ok: false, error: { code: 'unsupported', title: 'Not supported', details: 'This channel cannot download media.', retriable: false, category: 'invalid_request' } };
    }
    if (!outcome.ok) {
      if (outcome.gone) {
        throw new HeraldError(
          'not_found',
          'media_gone',
          `The provider no longer has the media of inbound message "${id}" (WhatsApp keeps received media for 7 days; other platforms' links expire too).`,
          [{ issue: 'provider_error', code: outcome.error.code, title: outcome.error.title, providerDetails: outcome.error.details }],
        );
      }
      return { ok: false, error: outcome.error };
    }
    return {
      ok: true,
      mimeType: outcome.mimeType,
      fileSize: outcome.fileSize,
      contentLength: outcome.contentLength,
      filename: row.media.filename,
      body: outcome.body,
    };
  }

  /** A contact's single messages, newest first, before `bound`: a source of its conversation. */
  async messagesOfContact(workspaceId: string, contactId: string, channelId: string | undefined, limit: number, bound?: TimeBound): Promise<Array<SourceItem<MessageView>>> {
    const rows = await this.history.ofContact(workspaceId, contactId, channelId, limit, bound);
    return rows.map((r) => ({ at: r.at_key, id: r.id, view: toMessageView(r) }));
  }

  /** A contact's inbound messages, newest first, before `bound`: a source of its conversation. */
  async inboundOfContact(workspaceId: string, contactId: string, channelId: string | undefined, limit: number, bound?: TimeBound): Promise<Array<SourceItem<InboundView>>> {
    const rows = await this.inbound.ofContact(workspaceId, contactId, channelId, limit, bound);
    return rows.map((r) => ({ at: r.at_key, id: r.id, view: this.view(r) }));
  }

  /** Per channel: single messages to the contact (accepted by the provider, and all) and messages from it. */
  async countsByChannel(
    workspaceId: string,
    contactId: string,
  ): Promise<Map<string, { messagesSent: number; messagesTotal: number; received: number; lastReceivedAt: Date | null }>> {
    const [sent, received] = await Promise.all([this.history.countsByChannel(workspaceId, contactId), this.inbound.countsByChannel(workspaceId, contactId)]);
    const out = new Map<string, { messagesSent: number; messagesTotal: number; received: number; lastReceivedAt: Date | null }>();
    const entry = (id: string) => {
      let e = out.get(id);
      if (!e) out.set(id, (e = { messagesSent: 0, messagesTotal: 0, received: 0, lastReceivedAt: null }));
      return e;
    };
    for (const s of sent) Object.assign(entry(s.channel_id), { messagesSent: s.sent, messagesTotal: s.total });
    for (const r of received) Object.assign(entry(r.channel_id), { received: r.received, lastReceivedAt: r.last_received_at });
    return out;
  }
}

function notFound(id: string): HeraldError {
  return new HeraldError('not_found', 'inbound_message_not_found', `No inbound message with id "${id}" exists in this workspace.`);
}

/** The position a listing cursor names (its last row's exact time and id), or a 400. */
function decodeListCursor(cursor: string | undefined): TimeBound | undefined {
  if (cursor === undefined) return undefined;
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^in1\|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|(.{36})$/.exec(decoded);
  if (!match || !isUuid(match[2]) || Number.isNaN(Date.parse(match[1]!))) throw badCursor();
  return { at: match[1]!, id: match[2]! };
}
