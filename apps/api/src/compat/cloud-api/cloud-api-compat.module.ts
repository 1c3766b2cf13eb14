import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { ContactsModule } from '@herald/contacts';
import { MessagingModule } from '@herald/messaging';
import { CloudApiController } from './cloud-api.controller';

/** Meta's WhatsApp Cloud API on Herald, under `<herald>/compat/cloud-api`: sends onto MessagesService. */
@Module({ imports: [MessagingModule, ChannelsModule, ContactsModule], controllers: [CloudApiController], providers: [] })
export class CloudApiCompatModule {}
