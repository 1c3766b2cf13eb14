import { Module } from '@nestjs/common';
import { Clock } from '@herald/common';
import { CampaignsWorkerModule } from '@herald/campaigns';
import { ChannelsModule } from '@herald/channels';
import { ContactsModule } from '@herald/contacts';
import { MessagingWorkerModule } from '@herald/messaging';
import { SendingModule } from '@herald/sending';
import { TemplatesModule } from '@herald/templates';
import { FailedWebhookEvents } from './failed-webhook-events.service';
import { WebhookApplier } from './webhook-applier.service';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookRecovery } from './webhook-recovery.service';
import { WebhookRepository } from './webhook.repository';

/** The API's side: the webhook handshake and intake of signed POSTs. */
@Module({
  imports: [ChannelsModule],
  providers: [WebhookRepository, WebhookIntake, FailedWebhookEvents],
  exports: [WebhookIntake, FailedWebhookEvents],
})
export class ProviderEventsModule {}

/** The worker's side: the fan-in that applies stored events through the libraries owning each table. */
@Module({
  imports: [ChannelsModule, ContactsModule, SendingModule, MessagingWorkerModule, CampaignsWorkerModule, TemplatesModule],
  providers: [WebhookRepository, WebhookApplier, WebhookRecovery, Clock],
  exports: [WebhookApplier, WebhookRecovery],
})
export class ProviderEventsWorkerModule {}
