export * from './message.entity';
export * from './message.types';
export * from './message-status.util';
export * from './messages.service';
export { MessageSender, RetryLaterError, CHANNEL_PROVIDER, type SendResult } from './message-sender.service';
export * from './webhook-intake.service';
export * from './webhook-applier.service';
export * from './message-recovery.service';
export * from './messaging.module';
export * from './provider-policy.service';

import { InboundMessage } from './inbound-message.entity';
import { Message } from './message.entity';
import { WebhookEvent } from './webhook-event.entity';
/** The tables this capability owns. */
export const MESSAGING_ENTITIES = [Message, InboundMessage, WebhookEvent];
