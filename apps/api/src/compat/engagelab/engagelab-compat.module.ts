import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { MessagingModule } from '@herald/messaging';
import { EngageLabController } from './engagelab.controller';

/** EngageLab's API on Herald, under `<herald>/compat/engagelab`: its send onto MessagesService. */
@Module({ imports: [MessagingModule, ChannelsModule], controllers: [EngageLabController], providers: [] })
export class EngageLabCompatModule {}
