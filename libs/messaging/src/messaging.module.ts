import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { Clock } from '@herald/common';
import { ContactsModule } from '@herald/contacts';
import { SendingModule, SendSettingsModule } from '@herald/sending';
import { LinksModule } from '@herald/links';
import { TemplatesModule } from '@herald/templates';
import { InboundRepository } from './inbound.repository';
import { MessageEvents } from './message-events.service';
import { MessageRecovery } from './message-recovery.service';
import { MessageRepository } from './message.repository';
import { MessageSender } from './message-sender.service';
import { MessagesService } from './messages.service';

/** The API's messaging: accepting, listing and cancelling single messages. */
@Module({
  imports: [ChannelsModule, ContactsModule, TemplatesModule, SendSettingsModule, LinksModule],
  providers: [MessageRepository, MessagesService, Clock],
  exports: [MessagesService],
})
export class MessagingModule {}

/** The worker's messaging: single messages as a source of the send pipeline, their provider events, lost jobs. */
@Module({
  imports: [ChannelsModule, ContactsModule, SendingModule],
  providers: [MessageRepository, InboundRepository, MessageSender, MessageEvents, MessageRecovery, Clock],
  exports: [MessageSender, MessageEvents, MessageRecovery],
})
export class MessagingWorkerModule {}
