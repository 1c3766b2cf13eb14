import { Module } from '@nestjs/common';
import { ChannelsModule, WhatsAppCloudAdapter } from '@herald/channels';
import { Clock } from '@herald/common';
import { ContactsModule } from '@herald/contacts';
import { SendingModule, SendSettingsModule } from '@herald/sending';
import { LinksModule } from '@herald/links';
import { TemplatesModule } from '@herald/templates';
import { InboundMediaLinks } from './inbound-media-links.service';
import { INBOUND_MEDIA_PROVIDER, InboundMessagesService } from './inbound-messages.service';
import { InboundRepository } from './inbound.repository';
import { MessageHistoryRepository } from './message-history.repository';
import { MessageEvents } from './message-events.service';
import { MessageRecovery } from './message-recovery.service';
import { MessageRepository } from './message.repository';
import { MessageSender } from './message-sender.service';
import { MessagesService } from './messages.service';

/**
 * The API's messaging: accepting, listing and cancelling single messages; inbound messages, their media (downloaded
 * through an adapter of its own: a 100 MB download must not share the senders' short timeouts) and a contact's
 * history for its conversation.
 */
@Module({
  imports: [ChannelsModule, ContactsModule, TemplatesModule, SendSettingsModule, LinksModule],
  providers: [
    MessageRepository,
    MessagesService,
    Clock,
    InboundRepository,
    MessageHistoryRepository,
    InboundMediaLinks,
    InboundMessagesService,
    { provide: INBOUND_MEDIA_PROVIDER, useFactory: () => new WhatsAppCloudAdapter({ requestTimeoutMs: 30_000 }) },
  ],
  exports: [MessagesService, InboundMessagesService, InboundMediaLinks],
})
export class MessagingModule {}

/** The worker's messaging: single messages as a source of the send pipeline, their provider events, lost jobs. */
@Module({
  imports: [ChannelsModule, ContactsModule, SendingModule],
  providers: [MessageRepository, InboundRepository, MessageSender, MessageEvents, MessageRecovery, InboundMediaLinks, Clock],
  exports: [MessageSender, MessageEvents, MessageRecovery, InboundMediaLinks],
})
export class MessagingWorkerModule {}
