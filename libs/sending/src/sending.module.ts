import { Module } from '@nestjs/common';
import { ChannelsModule, WhatsAppCloudAdapter } from '@herald/channels';
import { Clock } from '@herald/common';
import { WorkerConfig } from '@herald/config';
import { ContactsModule } from '@herald/contacts';
import { TemplatesModule } from '@herald/templates';
import { WorkspacesModule } from '@herald/workspaces';
import { ProviderLimits } from './provider-limits.service';
import { ProviderPolicy } from './provider-policy.service';
import { SendLedgerRepository } from './send-ledger.repository';
import { CHANNEL_PROVIDER, SendPipeline } from './send-pipeline.service';
import { SendRateLimiter } from './send-rate.limiter';
import { SendSettingsService } from './send-settings.service';
import { SendWorkers } from './send-workers.service';
import { StatusReceivers } from './status-receivers.service';

/** What both the API and the workers need of sending: the workspace's sending settings, when statuses could be received. */
@Module({
  imports: [WorkspacesModule],
  providers: [SendSettingsService, StatusReceivers],
  exports: [SendSettingsService, StatusReceivers],
})
export class SendSettingsModule {}

/** The worker's send pipeline: checks, the shared rate limiter, the provider and the one policy. */
@Module({
  // The settings come from SendSettingsModule, so a process that has both (the in-process specs) has one cache of them.
  imports: [ChannelsModule, ContactsModule, WorkspacesModule, TemplatesModule, SendSettingsModule],
  providers: [
    SendPipeline,
    ProviderPolicy,
    ProviderLimits,
    SendLedgerRepository,
    SendRateLimiter,
    SendWorkers,
    Clock,
    {
      provide: CHANNEL_PROVIDER,
      inject: [WorkerConfig],
      useFactory: (config: WorkerConfig) =>
        new WhatsAppCloudAdapter({ connections: config.providerConnections, requestTimeoutMs: config.providerTimeoutMs }),
    },
  ],
  exports: [SendPipeline, ProviderPolicy, ProviderLimits, SendLedgerRepository, SendRateLimiter, SendWorkers, SendSettingsModule, CHANNEL_PROVIDER],
})
export class SendingModule {}
