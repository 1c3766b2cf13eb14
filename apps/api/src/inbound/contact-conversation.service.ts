import { Injectable } from '@nestjs/common';
import { RecipientHistory } from '@herald/campaigns';
import { ChannelsService } from '@herald/channels';
import { HeraldError, isUuid, listQuery } from '@herald/common';
import { ContactsService, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@herald/contacts';
import { InboundMessagesService, type InboundView } from '@herald/messaging';
import type { SendView } from '@herald/sending';
import {
  boundFor,
  decodeConversationCursor,
  encodeConversationCursor,
  mergeNewestFirst,
  type ConversationSource,
  type Keyed,
} from './conversation-cursor.util';
import type { ConversationItemDto, ConversationPageDto } from './inbound.dto';
import { InboundReplies } from './inbound-replies.service';

type Entry = { kind: 'message' | 'campaign'; send: SendView } | { kind: 'inbound'; inbound: InboundView };

function invalid(field: string, issue: string): HeraldError {
  return new HeraldError('invalid', 'validation_failed', `${field} ${issue}.`, [{ field, issue }]);
}

/**
 * `GET /v1/contacts/:number/conversation`: both directions with a contact, newest first, one cursor — single messages
 * and inbound messages (messaging) and campaign and blast sends (campaigns), each library paging its own table, merged
 * here by (time, source, id) (conversation-cursor.util).
 */
@Injectable()
export class ContactConversation {
  constructor(
    private readonly contacts: ContactsService,
    private readonly channels: ChannelsService,
    private readonly inbound: InboundMessagesService,
    private readonly recipients: RecipientHistory,
    private readonly replies: InboundReplies,
  ) {}

  async page(workspaceId: string, rawNumber: string, query: Record<string, unknown>): Promise<ConversationPageDto> {
    const q = listQuery(query);
    const text = q.text;
    const limit = q.limit(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const cursor = decodeConversationCursor(text('cursor'));
    let channelId = text('channelId');
    if (channelId !== undefined) {
      if (!isUuid(channelId)) throw invalid('channelId', 'must be a channel id (a uuid)');
      channelId = (await this.channels.get(workspaceId, channelId)).id;
    }
    const contact = await this.contacts.resolve(workspaceId, rawNumber);
    const ask = limit + 1;
    const [messages, campaign, inbound] = await Promise.all([
      this.inbound.messagesOfContact(workspaceId, contact.id, channelId, ask, boundFor('message', cursor)),
      this.recipients.ofContact(workspaceId, contact.id, channelId, ask, boundFor('campaign', cursor)),
      this.inbound.inboundOfContact(workspaceId, contact.id, channelId, ask, boundFor('inbound', cursor)),
    ]);
    const keyed = <V>(source: ConversationSource, items: ReadonlyArray<{ at: string; id: string; view: V }>, entry: (v: V) => Entry): Array<Keyed<Entry>> =>
      items.map((i) => ({ at: i.at, source, id: i.id, item: entry(i.view) }));
    const page = mergeNewestFirst(
      [
        keyed('message', messages, (send) => ({ kind: 'message', send })),
        keyed('campaign', campaign, (send) => ({ kind: 'campaign', send })),
        keyed('inbound', inbound, (view) => ({ kind: 'inbound', inbound: view })),
      ],
      limit,
    );
    const received = await this.replies.resolve(
      workspaceId,
      page.items.flatMap((k) => (k.item.kind === 'inbound' ? [k.item.inbound] : [])),
    );
    const resolved = new Map(received.map((v) => [v.id, v]));
    return {
      number: contact.number,
      contactId: contact.id,
      data: page.items.map((k) => toItem(k.at, k.item, resolved)),
      nextCursor: page.next === null ? null : encodeConversationCursor(page.next),
    };
  }
}

function toItem(at: string, entry: Entry, resolved: ReadonlyMap<string, InboundView>): ConversationItemDto {
  if (entry.kind === 'inbound') {
    const view = resolved.get(entry.inbound.id) ?? entry.inbound;
    return {
      direction: 'inbound',
      kind: 'inbound',
      id: view.id,
      channelId: view.channelId,
      at,
      type: view.type,
      text: view.text ?? view.reaction?.emoji ?? null,
      template: null,
      status: null,
      providerMessageId: view.providerMessageId,
      campaignId: null,
      runId: null,
      message: null,
      inbound: view as never,
    };
  }
  const send = entry.send;
  return {
    direction: 'outbound',
    kind: entry.kind,
    id: send.id,
    channelId: send.channelId,
    at,
    type: send.type,
    text: textOf(send),
    template: send.template,
    status: send.status,
    providerMessageId: send.providerMessageId,
    campaignId: send.campaignId,
    runId: send.runId,
    message: send as never,
    inbound: null,
  };
}

/** A send's text: a text message's body or a media caption. */
function textOf(send: SendView): string | null {
  const content = send.content as Record<string, unknown>;
  const body = content[send.type];
  if (body !== null && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b['body'] === 'string') return b['body'];
    if (typeof b['caption'] === 'string') return b['caption'];
  }
  return null;
}
