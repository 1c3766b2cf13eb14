export * from './channel-provider.types';
export * from './platform.types';
export * from './whatsapp';
export * from './channel.entity';
export * from './channel.types';
export * from './channels.service';
export * from './channels.module';
export { sealSecret, openSecret } from './secret-box.util';

import { Channel } from './channel.entity';
/** The tables this capability owns. */
export const CHANNEL_ENTITIES = [Channel];
export * from './channel-platforms.service';
export { MESSAGE_TYPES_BY_CHANNEL, MESSAGE_OPTION_FIELDS, checkMessageFor, parseMessageFor } from './platform-message.util';
export * from './meta-messaging';
export * from './telegram';
export { INBOUND_LIMITS, fitInbound } from './inbound-limits.util';
export { notAhead, PROVIDER_CLOCK_AHEAD_MS } from './provider-time.util';
