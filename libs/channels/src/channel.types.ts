import type { ChannelKind } from './channel-provider.types';
import type { ChannelStatus } from './channel.entity';
import type { WhatsAppCredentials } from './whatsapp/whatsapp.types';

export const MESSAGING_TIERS = ['250', '2000', '10000', '100000', 'unlimited'] as const;
export type MessagingTier = (typeof MESSAGING_TIERS)[number];

/** A channel's three secrets, sealed together at rest and never returned by the API. */
export interface ChannelSecrets {
  readonly accessToken: string;
  /** Signs the provider's webhooks (X-Hub-Signature-256). */
  readonly appSecret: string;
  /** Answers the provider's webhook verification handshake. */
  readonly verifyToken: string;
}

export interface CreateChannel extends ChannelSecrets {
  readonly type: ChannelKind;
  readonly name: string;
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  readonly wabaId: string;
  readonly graphBaseUrl?: string;
  readonly messagesPerSecond?: number;
  readonly messagingTier?: MessagingTier;
}

/** A Messenger Page or an Instagram professional account, reached through Meta's Send API. */
export interface CreateMetaMessagingChannel extends ChannelSecrets {
  readonly type: 'messenger' | 'instagram';
  readonly name: string;
  /** The Page id (Messenger) or the Instagram account id (Instagram). */
  readonly senderId: string;
  /** Instagram: `instagram` (Instagram Login, graph.instagram.com) or `facebook` (Facebook Login, graph.facebook.com). */
  readonly login?: 'instagram' | 'facebook';
  readonly graphBaseUrl?: string;
  readonly messagesPerSecond?: number;
}

/** A Telegram bot. `webhookSecret` is made when not given (Telegram echoes it in X-Telegram-Bot-Api-Secret-Token). */
export interface CreateTelegramChannel {
  readonly type: 'telegram';
  readonly name: string;
  readonly botToken: string;
  readonly webhookSecret?: string;
  readonly apiBaseUrl?: string;
  readonly messagesPerSecond?: number;
}

export type UpdateChannel = Partial<Omit<CreateChannel, 'type'>> & { readonly isDefault?: true };

/** What the API shows of a channel: everything but its secrets. */
export interface ChannelView {
  readonly id: string;
  readonly type: ChannelKind;
  readonly name: string;
  readonly phoneNumberId: string;
  /**
   * Who sends on the platform: the phone number id (WhatsApp), Page id (Messenger), Instagram account id or bot id
   * (Telegram). `phoneNumberId` carries the same value for WhatsApp clients.
   */
  readonly senderId: string;
  /** WhatsApp: the number as shown; Messenger and Instagram: the Page's or account's name; Telegram: @username. */
  readonly displayPhoneNumber: string;
  readonly wabaId: string;
  readonly graphBaseUrl: string;
  readonly messagesPerSecond: number;
  readonly messagingTier: MessagingTier;
  readonly isDefault: boolean;
  readonly status: ChannelStatus;
  readonly statusReason: string | null;
  /** Marketing templates go through the provider's Marketing Messages API (read from the provider). */
  readonly marketingMessages: boolean;
  /**
   * The business portfolio that owns the WABA (read from the provider; null until read). Numbers of one portfolio
   * share Meta's messaging limit, and Herald's tier ledger with it.
   */
  readonly businessPortfolioId: string | null;
  /** When the tier, marketing route and portfolio were last read from the provider; null until the first read. */
  readonly limitsReadAt: Date | null;
  /** Where the provider must post this channel's webhooks, relative to the API's public URL. */
  readonly webhookPath: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a worker needs to send through a channel. */
export interface SendingChannel {
  readonly id: string;
  readonly workspaceId: string;
  readonly type: ChannelKind;
  readonly phoneNumberId: string;
  readonly wabaId: string;
  readonly graphBaseUrl: string;
  readonly messagesPerSecond: number;
  readonly messagingTier: MessagingTier;
  readonly status: ChannelStatus;
  readonly statusReason: string | null;
  readonly marketingMessages: boolean;
  /** The business portfolio that owns the WABA, once read from the provider (see `ChannelView`). */
  readonly businessPortfolioId: string | null;
  readonly secrets: ChannelSecrets;
}

/** What the WhatsApp adapter needs of a channel for a call: its Graph root, number, account and opened token. */
export function credentialsOf(channel: SendingChannel): WhatsAppCredentials {
  return {
    graphBaseUrl: channel.graphBaseUrl,
    phoneNumberId: channel.phoneNumberId,
    wabaId: channel.wabaId,
    accessToken: channel.secrets.accessToken,
  };
}

export const DEFAULT_MESSAGES_PER_SECOND = 80;
/**
 * Each kind's default send rate: WhatsApp's Cloud API default 80/s; Messenger's and Instagram's Send API 300 calls/s
 * per Page or account for text; Telegram about 30 messages/s per bot (its FAQ).
 */
export const DEFAULT_RATE_BY_KIND: Readonly<Record<ChannelKind, number>> = { whatsapp: 80, messenger: 300, instagram: 300, telegram: 30 };

export const DEFAULT_MESSAGING_TIER: MessagingTier = '250';
