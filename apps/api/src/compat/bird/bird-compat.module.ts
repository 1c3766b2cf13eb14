import { Module } from '@nestjs/common';
import { CampaignsModule } from '@herald/campaigns';
import { ChannelsModule } from '@herald/channels';
import { ContactsModule } from '@herald/contacts';
import { MessagingModule } from '@herald/messaging';
import { TemplatesModule } from '@herald/templates';
import { InboundApiModule } from '../../inbound/inbound-api.module';
import { BirdController } from './bird.controller';

/**
 * Bird's API on Herald, under `<herald>/compat/bird`. Bird's contact details are ContactChannels' answer (the service
 * behind GET /v1/contacts/:number/channels, exported by InboundApiModule), not a copy.
 */
@Module({
  imports: [MessagingModule, ChannelsModule, TemplatesModule, ContactsModule, CampaignsModule, InboundApiModule],
  controllers: [BirdController],
})
export class BirdCompatModule {}
