import { Module } from '@nestjs/common';
import { CampaignsModule } from '@herald/campaigns';
import { ChannelsModule } from '@herald/channels';
import { Clock } from '@herald/common';
import { ContactsModule } from '@herald/contacts';
import { MessagingModule } from '@herald/messaging';
import { ContactChannels } from './contact-channels.service';
import { ContactConversation } from './contact-conversation.service';
import { ContactHistoryController } from './contact-history.controller';
import { InboundMessagesController } from './inbound-messages.controller';
import { InboundReplies } from './inbound-replies.service';

/** Inbound messages, conversations and a contact's channel details. */
@Module({
  imports: [MessagingModule, CampaignsModule, ContactsModule, ChannelsModule],
  controllers: [InboundMessagesController, ContactHistoryController],
  providers: [InboundReplies, ContactConversation, ContactChannels, Clock],
  // Bird's "channel details for a contact" (compat/bird) is this service's answer in Bird's shape.
  exports: [ContactChannels],
})
export class InboundApiModule {}
