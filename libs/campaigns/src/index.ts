export * from './campaign.entity';
export * from './campaign-run.entity';
export * from './campaign-recipient.entity';

import { Campaign } from './campaign.entity';
import { CampaignRecipient } from './campaign-recipient.entity';
import { CampaignRun } from './campaign-run.entity';
import { CampaignRunCount } from './campaign-run-count.entity';
/** The tables this capability owns. */
export const CAMPAIGN_ENTITIES = [Campaign, CampaignRun, CampaignRecipient, CampaignRunCount];
export * from './campaign-message.util';
export * from './campaign-input.util';
export * from './run-figures.util';
export * from './run-progress.util';
export * from './run-progress-hub.service';
export { RUN_PROGRESS_TICK_SQL, RUN_PROGRESS_OPEN_SQL } from './run-progress.repository';
export * from './campaigns.service';
export * from './blasts.service';
export * from './recipient-params.util';
export { TEMPLATE_PAUSED } from './campaign.repository';
export * from './chunk-sender.service';
export * from './run-starter.service';
export * from './template-registrar.service';
export * from './campaign-reconciler.service';
export { RecipientEvents } from './recipient-events.service';
export * from './campaigns.module';
export { chunkJobId } from './run-jobs.service';
export type { RecipientExportRow, SendsPosition } from './recipient.repository';
export { CAMPAIGN_SEND_ID } from './campaign-send-view.util';
/** Recording a batch's outcomes, public for the spec that checks its lock order against status webhooks. */
export { RecipientRepository } from './recipient.repository';
export { RecipientHistory, type ContactCampaignSend, type RecipientTimeBound } from './recipient-history.repository';
