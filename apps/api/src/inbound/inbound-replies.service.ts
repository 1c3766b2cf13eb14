import { Injectable } from '@nestjs/common';
import { RecipientHistory } from '@herald/campaigns';
import type { InboundView } from '@herald/messaging';

/**
 * Completes `replyTo` of inbound views with the campaign send they answer. Messaging links a reply to the single
 * message it answers when it stores it; a campaign send lives in the campaigns library's table, so the API asks that
 * library, by the provider ids the replies quote (one query a page, on the unique provider-id index). The callback
 * of `message.inbound` is built from the stored row alone: there, such a `replyTo` carries the provider id only.
 */
@Injectable()
export class InboundReplies {
  constructor(private readonly recipients: RecipientHistory) {}

  async resolve(workspaceId: string, views: readonly InboundView[]): Promise<InboundView[]> {
    const open = views.filter((v) => v.replyTo !== null && v.replyTo.messageId === null).map((v) => v.replyTo!.providerMessageId);
    if (open.length === 0) return [...views];
    const sends = await this.recipients.byProviderIds(workspaceId, open);
    return views.map((v) => {
      const send = v.replyTo !== null && v.replyTo.messageId === null ? sends.get(v.replyTo.providerMessageId) : undefined;
      return send === undefined ? v : { ...v, replyTo: { messageId: send.id, providerMessageId: v.replyTo!.providerMessageId, campaignId: send.campaignId, runId: send.runId } };
    });
  }
}
