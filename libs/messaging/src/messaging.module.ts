import { Module } from '@nestjs/common';
import { ChannelsModule, WhatsAppCloudAdapter } from '@herald/channels';
import { WorkerConfig } from '@herald/config';
import { ContactsModule } from '@herald/contacts';
import { MessageRecovery } from './message-recovery.service';
import { ProviderPolicy } from './provider-policy.service';
import { MessageRepository } from './message.repository';
import { CHANNEL_PROVIDER, MessageSender } from './message-sender.service';
import { MessagesService } from './messages.service';
import { SendRateLimiter } from '@herald/sending';
import { WebhookApplier } from './webhook-applier.service';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookRepository } from './webhook.repository';

/** The API's messaging: accepting messages and webhooks. */
@Module({
  imports: [ChannelsModule, ContactsModule],
  providers: [MessageRepository, WebhookRepository, MessagesService, WebhookIntake],
  exports: [MessagesService, WebhookIntake],
})
export class MessagingModule {}

/** The worker's messaging: the send path, webhook application and recovery of lost jobs. */
@Module({
  imports: [ChannelsModule, ContactsModule],
  providers: [
    MessageRepository,
    WebhookRepository,
    MessageSender,
    ProviderPolicy,
    WebhookApplier,
    MessageRecovery,
    SendRateLimiter,
    {
      provide: CHANNEL_PROVIDER,
      inject: [WorkerConfig],
      useFactory: (config: WorkerConfig) =>
        new WhatsAppCloudAdapter({ connections: config.providerConnections, requestTimeoutMs: config.providerTimeoutMs }),
    },
  ],
  exports: [MessageSender, WebhookApplier, MessageRecovery, CHANNEL_PROVIDER, ProviderPolicy, SendRateLimiter],
})
export class SendingModule {}
