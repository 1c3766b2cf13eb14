import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { ContactsModule } from '@herald/contacts';
import { SendingModule, SendSettingsModule } from '@herald/sending';
import { LinksModule } from '@herald/links';
import { TemplatesModule } from '@herald/templates';
import { Clock } from '@herald/common';
import { CampaignRepository } from './campaign.repository';
import { CampaignReconciler } from './campaign-reconciler.service';
import { CampaignsService } from './campaigns.service';
import { BlastsService } from './blasts.service';
import { ChunkSender } from './chunk-sender.service';
import { RecipientOutcomes } from './recipient-outcomes.service';
import { RecipientRepository } from './recipient.repository';
import { RunJobs } from './run-jobs.service';
import { RunStarter } from './run-starter.service';
import { RecipientEvents } from './recipient-events.service';
import { TemplateRegistrar } from './template-registrar.service';
import { RecipientHistory } from './recipient-history.repository';
import { RunProgressRepository } from './run-progress.repository';
import { RunProgressHub } from './run-progress-hub.service';

/** The API's campaigns: definitions, runs, control, results and live progress; blasts (a run of a template the business has). */
@Module({
  imports: [ChannelsModule, ContactsModule, TemplatesModule, LinksModule, SendSettingsModule],
  providers: [CampaignRepository, RecipientRepository, RunJobs, CampaignsService, BlastsService, Clock, RecipientHistory, RunProgressRepository, RunProgressHub],
  exports: [CampaignsService, BlastsService, RecipientHistory, RunProgressHub],
})
export class CampaignsModule {}

/** The worker's campaigns: template registration, run starts, chunk sending and reconciliation. */
@Module({
  imports: [ChannelsModule, ContactsModule, SendingModule, TemplatesModule, LinksModule],
  providers: [CampaignRepository, RecipientRepository, RecipientHistory, RunJobs, TemplateRegistrar, RunStarter, ChunkSender, RecipientOutcomes, CampaignReconciler, RecipientEvents, Clock],
  exports: [TemplateRegistrar, RunStarter, ChunkSender, CampaignReconciler, RecipientEvents],
})
export class CampaignsWorkerModule {}
