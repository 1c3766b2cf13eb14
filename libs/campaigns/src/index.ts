export * from './campaign.entity';
export * from './campaign-run.entity';
export * from './campaign-recipient.entity';

import { Campaign } from './campaign.entity';
import { CampaignRecipient } from './campaign-recipient.entity';
import { CampaignRun } from './campaign-run.entity';
import { CampaignRunCount } from './campaign-run-count.entity';
import { TierLedgerEntry } from './tier-ledger.entity';
/** The tables this capability owns. */
export const CAMPAIGN_ENTITIES = [Campaign, CampaignRun, CampaignRecipient, CampaignRunCount, TierLedgerEntry];
export * from './campaign-message.util';
export * from './send-window.util';
export * from './campaign-input.util';
export * from './run-figures.util';
export * from './campaigns.service';
export * from './chunk-sender.service';
export * from './run-starter.service';
export * from './template-registrar.service';
export * from './campaign-reconciler.service';
export * from './campaigns.module';
export { chunkJobId } from './run-jobs.service';
export type { RecipientExportRow } from './recipient.repository';
