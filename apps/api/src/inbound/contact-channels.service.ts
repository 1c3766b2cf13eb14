import { Injectable } from '@nestjs/common';
import { RecipientHistory } from '@herald/campaigns';
import { ChannelsService, type ChannelKind } from '@herald/channels';
import { Clock } from '@herald/common';
import { ContactsService } from '@herald/contacts';
import { InboundMessagesService } from '@herald/messaging';
import type { ContactChannelDto, ContactChannelsDto } from './inbound.dto';

/** Meta's customer-service window: 24 hours from the user's latest message (shared/PROVIDER-FACTS.md). */
export const SERVICE_WINDOW_MS = 24 * 60 * 60_000;

/**
 * `GET /v1/contacts/:number/channels` (Bird's channel details of a contact): per channel of the workspace the
 * contact's identifier there, when they last wrote, the 24-hour service window, opt-out and not-on-WhatsApp state,
 * and the messages each way. Each figure comes from the library that owns it: contacts (the contact, its window per
 * channel), messaging (single and inbound messages), campaigns (campaign and blast sends).
 */
@Injectable()
export class ContactChannels {
  constructor(
    private readonly contacts: ContactsService,
    private readonly channels: ChannelsService,
    private readonly inbound: InboundMessagesService,
    private readonly recipients: RecipientHistory,
    private readonly clock: Clock,
  ) {}

  async list(workspaceId: string, rawNumber: string): Promise<ContactChannelsDto> {
    const contact = await this.contacts.resolve(workspaceId, rawNumber);
    const [channels, messaging, campaigns] = await Promise.all([
      this.channels.list(workspaceId),
      this.inbound.countsByChannel(workspaceId, contact.id),
      this.recipients.countsByChannel(workspaceId, contact.id),
    ]);
    // One read per channel (a workspace has a handful): the contact's state as the send checks see it there.
    const states = await Promise.all(channels.map((c) => this.contacts.sendStates(c.id, [contact.id])));
    const campaignCounts = new Map(campaigns.map((c) => [c.channelId, c]));
    const now = this.clock.now().toMillis();
    const data = channels.map((channel, i): ContactChannelDto => {
      const state = states[i]!.get(contact.id);
      const counts = messaging.get(channel.id);
      const sends = campaignCounts.get(channel.id);
      const lastInboundAt = state?.lastInboundAt ?? counts?.lastReceivedAt ?? null;
      const expiresAt = lastInboundAt === null ? null : new Date(lastInboundAt.getTime() + SERVICE_WINDOW_MS);
      const messagesSent = counts?.messagesSent ?? 0;
      const campaignSent = sends?.sent ?? 0;
      return {
        channelId: channel.id,
        name: channel.name,
        type: channel.type,
        displayPhoneNumber: channel.displayPhoneNumber,
        status: channel.status,
        identifier: identifierOn(channel.type, contact.number, state?.identity ?? null),
        ...(state?.unreachable ? { unreachable: state.unreachable } : {}),
        lastInboundAt,
        serviceWindow: { open: expiresAt !== null && expiresAt.getTime() > now, expiresAt },
        optedOut: contact.optedOut,
        optOutScope: contact.optedOut ? (contact.optOutScope ?? 'marketing') : null,
        notOnWhatsApp: contact.notOnWhatsAppAt !== null,
        messages: {
          messagesSent,
          campaignSent,
          totalSent: messagesSent + campaignSent,
          totalSends: (counts?.messagesTotal ?? 0) + (sends?.total ?? 0),
          received: counts?.received ?? 0,
        },
      };
    });
    return { number: contact.number, contactId: contact.id, data };
  }
}

/** How the channel addresses the contact: its number on WhatsApp, its PSID, IGSID or chat id elsewhere (null: unknown). */
function identifierOn(kind: ChannelKind, number: string | null, identity: string | null): { type: string; value: string | null } {
  switch (kind) {
    case 'whatsapp':
      return { type: 'phone_number', value: number };
    case 'messenger':
      return { type: 'psid', value: identity };
    case 'instagram':
      return { type: 'igsid', value: identity };
    case 'telegram':
      return { type: 'chat_id', value: identity };
  }
}
