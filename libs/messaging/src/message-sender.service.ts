import { Inject, Injectable } from '@nestjs/common';
import { ChannelsService, type ChannelProvider, type OutboundMessage, type WhatsAppCredentials } from '@herald/channels';
import { MessageRepository } from './message.repository';
import { SendRateLimiter } from '@herald/sending';
import { ProviderPolicy, THROTTLE_PAUSE_MS, maybeSent, toMessageError } from './provider-policy.service';

export const CHANNEL_PROVIDER = Symbol('CHANNEL_PROVIDER');

/** Thrown to have the queue try the message again later (with backoff). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export type SendResult = 'accepted' | 'failed' | 'skipped' | 'unconfirmed';

/**
 * The send path single messages and campaigns share: claim the message in Postgres (queued → sending), wait
 * for the sender's shared rate-limit slot, call the provider, record the outcome. Errors follow the
 * provider policy: transient ones are retried, throttling holds the whole number, permanent ones are
 * recorded with their code and act on the contact or the channel where the policy says so.
 */
@Injectable()
export class MessageSender {
  constructor(
    private readonly messages: MessageRepository,
    private readonly channels: ChannelsService,
    private readonly policy: ProviderPolicy,
    private readonly limiter: SendRateLimiter,
    @Inject(CHANNEL_PROVIDER) private readonly provider: ChannelProvider<WhatsAppCredentials>,
  ) {}

  /** `final`: the queue will not try again, so a transient failure is recorded as the message's failure. */
  async send(messageId: string, final: boolean): Promise<SendResult> {
    const claimed = await this.messages.claim(messageId);
    if (!claimed) return 'skipped';
    const channel = await this.channels.forSending(claimed.channel_id);
    if (!channel) {
      await this.messages.markFailed(messageId, { code: 'channel_deleted', title: 'Channel deleted', details: 'The channel of this message was deleted before it was sent.' });
      return 'failed';
    }
    if (channel.status === 'paused') {
      await this.messages.markFailed(messageId, {
        code: 'channel_paused',
        title: 'Channel paused',
        details: `The channel is paused: ${channel.statusReason ?? 'see the channel'}. Update it (PATCH /v1/channels/${channel.id}) to send again.`,
      });
      return 'failed';
    }
    const credentials = {
      graphBaseUrl: channel.graphBaseUrl,
      phoneNumberId: channel.phoneNumberId,
      wabaId: channel.wabaId,
      accessToken: channel.secrets.accessToken,
    };
    await this.provider.prepare?.(credentials);
    if (!(await this.limiter.acquire(channel.phoneNumberId, channel.messagesPerSecond))) {
      await this.messages.requeue(messageId, null);
      throw new RetryLaterError(`sender ${channel.phoneNumberId} is booked far ahead`);
    }
    const outcome = await this.provider.send(credentials, {
      to: claimed.to_number,
      message: claimed.content as unknown as OutboundMessage,
      callbackData: claimed.id,
    });
    if (outcome.ok) {
      await this.messages.markAccepted(messageId, outcome.providerMessageId);
      return 'accepted';
    }
    const error = outcome.error;
    const recorded = toMessageError(error);
    await this.policy.apply(error, channel.id, [claimed.contact_id]);
    if (error.retriable) {
      if (error.category === 'throttled') await this.limiter.pause(channel.phoneNumberId, error.retryAfterMs ?? THROTTLE_PAUSE_MS);
      if (maybeSent(error)) {
        // The provider may have taken it: its status webhook (matched by our id) will say so. If none comes,
        // the maintenance sweep sends it again after SEND_UNCONFIRMED_AFTER_SECONDS. Never resend blindly.
        await this.messages.noteUnconfirmed(messageId, recorded);
        return 'unconfirmed';
      }
      if (!final) {
        await this.messages.requeue(messageId, recorded);
        throw new RetryLaterError(`${error.code} ${error.title}`, error.retryAfterMs);
      }
    }
    await this.messages.markFailed(messageId, recorded);
    return 'failed';
  }
}
