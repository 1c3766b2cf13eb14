import { Module } from '@nestjs/common';
import { ChannelsModule, WhatsAppCloudAdapter } from '@herald/channels';
import { Clock } from '@herald/common';
import { WorkerConfig } from '@herald/config';
import { ContactsModule } from '@herald/contacts';
import { WorkspacesModule } from '@herald/workspaces';
import { ProviderLimits } from './provider-limits.service';
import { ProviderPolicy } from './provider-policy.service';
import { SendLedgerRepository } from './send-ledger.repository';
import { CHANNEL_PROVIDER, SendPipeline } from './send-pipeline.service';
import { SendRateLimiter } from './send-rate.limiter';
import { SendSettingsService } from './send-settings.service';

/** The API's part of sending: the workspace's sending settings. */
@Module({
  imports: [WorkspacesModule],
  providers: [SendSettingsService],
  exports: [SendSettingsService],
})
export class SendSettingsModule {}

/** The worker's send pipeline: checks, the shared rate limiter, the provider and the one policy. */
@Module({
  imports: [ChannelsModule, ContactsModule, WorkspacesModule],
  providers: [
    SendPipeline,
    ProviderPolicy,
    ProviderLimits,
    SendLedgerRepository,
    SendSettingsService,
    SendRateLimiter,
    Clock,
    {
      provide: CHANNEL_PROVIDER,
      inject: [WorkerConfig],
      useFactory: (config: WorkerConfig) =>
        new WhatsAppCloudAdapter({ connections: config.providerConnections, requestTimeoutMs: config.providerTimeoutMs }),
    },
  ],
  exports: [SendPipeline, ProviderPolicy, ProviderLimits, SendLedgerRepository, SendRateLimiter, SendSettingsService, CHANNEL_PROVIDER],
})
export class SendingModule {}
