import { Injectable } from '@nestjs/common';
import { RecipientHistory } from '@herald/campaigns';
import { unresolvedReplies, withCampaignReplies, type InboundView } from '@herald/messaging';

/**
 * Completes `replyTo` of inbound views with the campaign send they answer. Messaging links a reply to the single
 * message it answers when it stores it; a campaign send lives in the campaigns library's table, so the API asks that
 * library, by the provider ids the replies quote (one query a page, on the unique provider-id index). The
 * `message.inbound` callback completes its views the same way (`withCampaignReplies`).
 */
@Injectable()
export class InboundReplies {
  constructor(private readonly recipients: RecipientHistory) {}

  async resolve(workspaceId: string, views: readonly InboundView[]): Promise<InboundView[]> {
    const open = unresolvedReplies(views);
    if (open.length === 0) return [...views];
    return withCampaignReplies(views, await this.recipients.byProviderIds(workspaceId, open));
  }
}
