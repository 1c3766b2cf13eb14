import { Module } from '@nestjs/common';
import { WorkerConfig } from '@herald/config';
import { ChannelPlatforms } from './channel-platforms.service';
import { ChannelRepository } from './channel.repository';
import { ChannelsService } from './channels.service';

@Module({
  providers: [
    ChannelRepository,
    ChannelsService,
    // In a worker, the platform adapters keep the same request timeout and connection bound as WhatsApp's
    // (PROVIDER_TIMEOUT_MS, PROVIDER_CONNECTIONS); the API, which only checks credentials, uses the defaults.
    {
      provide: ChannelPlatforms,
      inject: [{ token: WorkerConfig, optional: true }],
      useFactory: (config?: WorkerConfig) =>
        new ChannelPlatforms(config ? { connections: config.providerConnections, requestTimeoutMs: config.providerTimeoutMs } : {}),
    },
  ],
  exports: [ChannelsService, ChannelPlatforms],
})
export class ChannelsModule {}
