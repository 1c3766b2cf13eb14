export * from './message.entity';
export * from './message.types';
export * from './messages.service';
export { MessageSender, type SendResult } from './message-sender.service';
export { MessageEvents } from './message-events.service';
export type { InboundRow } from './inbound.repository';
export * from './message-recovery.service';
export * from './messaging.module';

import { InboundMessage } from './inbound-message.entity';
import { Message } from './message.entity';
/** The tables this capability owns. */
export const MESSAGING_ENTITIES = [Message, InboundMessage];
