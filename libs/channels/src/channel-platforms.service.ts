import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { MediaDownloadOutcome, SendOutcome, SendRequest } from './channel-provider.types';
import type { SendingChannel } from './channel.types';
import { MetaMessagingAdapter } from './meta-messaging';
import type { CredentialsCheck, MetaMessagingCredentials, PlatformCallOutcome, TelegramCredentials } from './platform.types';
import { TelegramAdapter } from './telegram';

/** What the Messenger and Instagram adapter needs of a channel: its Graph root, Page or account id, and token. */
export function metaCredentialsOf(channel: Pick<SendingChannel, 'type' | 'graphBaseUrl' | 'phoneNumberId' | 'secrets'>): MetaMessagingCredentials {
  if (channel.type !== 'messenger' && channel.type !== 'instagram') throw new TypeError(`a ${channel.type} channel is not a Messenger or Instagram one`);
  return { platform: channel.type, graphBaseUrl: channel.graphBaseUrl, senderId: channel.phoneNumberId, accessToken: channel.secrets.accessToken };
}

/** What the Telegram adapter needs of a channel: the Bot API root and the bot's token. */
export function telegramCredentialsOf(channel: Pick<SendingChannel, 'graphBaseUrl' | 'secrets'>): TelegramCredentials {
  return { apiBaseUrl: channel.graphBaseUrl, botToken: channel.secrets.accessToken };
}

export interface PlatformAdapterOptions {
  readonly connections?: number | null;
  readonly requestTimeoutMs?: number;
}

/**
 * The adapters of the channels beside WhatsApp (Messenger, Instagram, Telegram), one instance each for every
 * channel of its kind, and the calls the rest of Herald makes through them by channel. WhatsApp's adapter stays
 * the send pipeline's `CHANNEL_PROVIDER` (templates, tiers and the marketing route are WhatsApp's alone).
 */
@Injectable()
export class ChannelPlatforms implements OnModuleDestroy {
  readonly meta: MetaMessagingAdapter;
  readonly telegram: TelegramAdapter;

  constructor(options: PlatformAdapterOptions = {}) {
    this.meta = new MetaMessagingAdapter(options);
    this.telegram = new TelegramAdapter(options);
  }

  send(channel: SendingChannel, request: SendRequest): Promise<SendOutcome> {
    switch (channel.type) {
      case 'messenger':
      case 'instagram':
        return this.meta.send(metaCredentialsOf(channel), request);
      case 'telegram':
        return this.telegram.send(telegramCredentialsOf(channel), request);
      case 'whatsapp':
        throw new TypeError('WhatsApp sends go through the send pipeline\'s WhatsApp provider');
    }
  }

  verify(channel: Pick<SendingChannel, 'type' | 'graphBaseUrl' | 'phoneNumberId' | 'secrets'>): Promise<CredentialsCheck> {
    return channel.type === 'telegram' ? this.telegram.verifyCredentials(telegramCredentialsOf(channel)) : this.meta.verifyCredentials(metaCredentialsOf(channel));
  }

  setWebhook(channel: Pick<SendingChannel, 'graphBaseUrl' | 'secrets'>, url: string): Promise<PlatformCallOutcome> {
    return this.telegram.setWebhook(telegramCredentialsOf(channel), url, channel.secrets.verifyToken);
  }

  answerCallbackQuery(channel: SendingChannel, id: string, text?: string): Promise<PlatformCallOutcome> {
    return this.telegram.answerCallbackQuery(telegramCredentialsOf(channel), id, text);
  }

  async downloadMedia(channel: SendingChannel, mediaId: string, options?: { maxBytes?: number; timeoutMs?: number }): Promise<MediaDownloadOutcome | undefined> {
    switch (channel.type) {
      case 'messenger':
      case 'instagram':
        return this.meta.downloadMedia?.(metaCredentialsOf(channel), mediaId, options);
      case 'telegram':
        return this.telegram.downloadMedia?.(telegramCredentialsOf(channel), mediaId, options);
      case 'whatsapp':
        return undefined;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.meta.close(), this.telegram.close()]);
  }
}
