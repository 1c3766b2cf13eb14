import { Module } from '@nestjs/common';
import { ChannelRepository } from './channel.repository';
import { ChannelsService } from './channels.service';

@Module({
  providers: [ChannelRepository, ChannelsService],
  exports: [ChannelsService],
})
export class ChannelsModule {}
