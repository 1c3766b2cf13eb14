import { Module } from '@nestjs/common';
import { ChannelPlatforms } from './channel-platforms.service';
import { ChannelRepository } from './channel.repository';
import { ChannelsService } from './channels.service';

@Module({
  providers: [ChannelRepository, ChannelsService, { provide: ChannelPlatforms, useFactory: () => new ChannelPlatforms() }],
  exports: [ChannelsService, ChannelPlatforms],
})
export class ChannelsModule {}
