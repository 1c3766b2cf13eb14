export * from './message.entity';
export * from './message.types';
export * from './messages.service';
export { MessageSender, type SendResult } from './message-sender.service';
export { MessageEvents } from './message-events.service';
export type { InboundRow, InboundFilter, TimeBound } from './inbound.repository';
export {
  toInboundView,
  withCampaignReplies,
  unresolvedReplies,
  type InboundMessageRow,
  type InboundView,
  type InboundViewOptions,
  type InboundReplyTo,
  type InboundMediaValue,
  type InboundLocationValue,
  type InboundReactionValue,
  type InboundContent,
} from './inbound-view.util';
export { InboundMediaLinks } from './inbound-media-links.service';
export { InboundMessagesService, INBOUND_MEDIA_PROVIDER, type InboundMediaDownload, type SourceItem } from './inbound-messages.service';
export { MEDIA_TOKEN_TTL_MS, mediaTokenKey, signMediaToken } from './media-token.util';
export * from './message-recovery.service';
export * from './messaging.module';

import { InboundMessage } from './inbound-message.entity';
import { Message } from './message.entity';
/** The tables this capability owns. */
export const MESSAGING_ENTITIES = [Message, InboundMessage];
