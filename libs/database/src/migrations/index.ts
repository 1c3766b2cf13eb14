import type { MigrationInterface } from 'typeorm';
import { CreateWorkspaces1795248213842 } from './1795248213842-create-workspaces';
import { CreateContactsAudiencesVariableGroupsImports1795251826227 } from './1795251826227-create-contacts-audiences-variable-groups-imports';
import { CreateChannelsMessagesWebhooks1795253482144 } from './1795253482144-create-channels-messages-webhooks';
import { CreateCampaigns1795262400000 } from './1795262400000-create-campaigns';
import { ShardCampaignRunCounts1795340000000 } from './1795340000000-shard-campaign-run-counts';
import { DropContactsWorkspaceFk1795350000000 } from './1795350000000-drop-contacts-workspace-fk';
import { OneSendPipeline1795400000000 } from './1795400000000-one-send-pipeline';
import { SendPricing1795450000000 } from './1795450000000-send-pricing';
import { DropRecipientMarketingIndex1795460000000 } from './1795460000000-drop-recipient-marketing-index';
import { WebhookEventsJson1795470000000 } from './1795470000000-webhook-events-json';
import { RecipientClaimIndexes1795480000000 } from './1795480000000-recipient-claim-indexes';
import { PortfolioTierLedger1795500000000 } from './1795500000000-portfolio-tier-ledger';
import { Templates1795550000000 } from './1795550000000-templates';
import { TrackedLinks1795600000000 } from './1795600000000-tracked-links';
import { WorkspaceLinkTracking1795700000000 } from './1795700000000-workspace-link-tracking';
import { AddBlastsAndRunTags1795650000000 } from './1795650000000-add-blasts-and-run-tags';
import { RunLinkTracking1795750000000 } from './1795750000000-run-link-tracking';
import { Callbacks1795800000000 } from './1795800000000-callbacks';
import { InboundDetails1795850000000 } from './1795850000000-inbound-details';
import { SendCallbacks1795900000000 } from './1795900000000-send-callbacks';
import { ContactHistoryIndexes1795950000000 } from './1795950000000-contact-history-indexes';
import { CallbackRetention1796000000000 } from './1796000000000-callback-retention';
import { ChannelIdentities1796100000000 } from './1796100000000-channel-identities';
import { CampaignMessagingTag1796150000000 } from './1796150000000-campaign-messaging-tag';
import { ApiKeyPublicIds1796250000000 } from './1796250000000-api-key-public-ids';
import { CallbackEndpointFormat1796310000000 } from './1796310000000-callback-endpoint-format';
import { RecipientRepliesIndex1796400000000 } from './1796400000000-recipient-replies-index';
import { CallbackEndpointBatchSize1796500000000 } from './1796500000000-callback-endpoint-batch-size';
import { WebhookEventsFailed1796600000000 } from './1796600000000-webhook-events-failed';
import { WebhookEventsOwn1796700000000 } from './1796700000000-webhook-events-own';
import { RunRequestId1796800000000 } from './1796800000000-run-request-id';
import { CampaignRequestId1796900000000 } from './1796900000000-campaign-request-id';
import { MessagesAcceptedIndex1797000000000 } from './1797000000000-messages-accepted-index';
import { InDoubtEvidence1797100000000 } from './1797100000000-in-doubt-evidence';
import { SendWorkers1797200000000 } from './1797200000000-send-workers';
import { SendDepartures1797300000000 } from './1797300000000-send-departures';
import { ReceiptPlatforms1797400000000 } from './1797400000000-receipt-platforms';
import { RecipientHotUpdates1797500000000 } from './1797500000000-recipient-hot-updates';
import { MessageHotUpdates1797600000000 } from './1797600000000-message-hot-updates';
import { MessagesDueByChannel1797700000000 } from './1797700000000-messages-due-by-channel';

/**
 * Every migration, oldest first. `npm run migration:generate -- libs/database/src/migrations/<verb-object>`
 * writes a new file here; add its class to this list. Never edit a migration that has landed.
 */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  CreateWorkspaces1795248213842,
  CreateContactsAudiencesVariableGroupsImports1795251826227,
  CreateChannelsMessagesWebhooks1795253482144,
  CreateCampaigns1795262400000,
  ShardCampaignRunCounts1795340000000,
  DropContactsWorkspaceFk1795350000000,
  OneSendPipeline1795400000000,
  SendPricing1795450000000,
  DropRecipientMarketingIndex1795460000000,
  WebhookEventsJson1795470000000,
  RecipientClaimIndexes1795480000000,
  PortfolioTierLedger1795500000000,
  Templates1795550000000,
  TrackedLinks1795600000000,
  WorkspaceLinkTracking1795700000000,
  AddBlastsAndRunTags1795650000000,
  RunLinkTracking1795750000000,
  Callbacks1795800000000,
  InboundDetails1795850000000,
  SendCallbacks1795900000000,
  ContactHistoryIndexes1795950000000,
  CallbackRetention1796000000000,
  ChannelIdentities1796100000000,
  CampaignMessagingTag1796150000000,
  ApiKeyPublicIds1796250000000,
  CallbackEndpointFormat1796310000000,
  RecipientRepliesIndex1796400000000,
  CallbackEndpointBatchSize1796500000000,
  WebhookEventsFailed1796600000000,
  WebhookEventsOwn1796700000000,
  RunRequestId1796800000000,
  CampaignRequestId1796900000000,
  MessagesAcceptedIndex1797000000000,
  InDoubtEvidence1797100000000,
  SendWorkers1797200000000,
  SendDepartures1797300000000,
  ReceiptPlatforms1797400000000,
  RecipientHotUpdates1797500000000,
  MessageHotUpdates1797600000000,
  MessagesDueByChannel1797700000000,
];
