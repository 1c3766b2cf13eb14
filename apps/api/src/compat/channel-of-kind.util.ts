import type { ChannelKind, ChannelsService, ChannelView } from '@herald/channels';
import { HeraldError } from '@herald/common';

/**
 * The workspace's channel of one platform, for a vendor's API that names the platform (WhautoChat's path) or has
 * only one (ChitChatLabs: WhatsApp): its default channel when that is one, else the oldest. 404 when it has none.
 */
export async function channelOfKind(channels: ChannelsService, workspaceId: string, kind: ChannelKind): Promise<ChannelView> {
  const ofKind = (await channels.list(workspaceId)).filter((c) => c.type === kind);
  const channel = ofKind.find((c) => c.isDefault) ?? ofKind[0];
  if (!channel) throw new HeraldError('not_found', 'channel_not_found', `This workspace has no ${kind} channel: create one with POST /v1/channels first.`);
  return channel;
}
