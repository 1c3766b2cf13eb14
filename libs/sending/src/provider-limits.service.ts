import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChannelsService, credentialsOf, type ChannelProvider, type MessagingTier, type WhatsAppCredentials } from '@herald/channels';
import { SendLedgerRepository } from './send-ledger.repository';
import { CHANNEL_PROVIDER } from './send-pipeline.service';
import { tierLedgerKey } from './tier-ledger.util';

/** A channel's provider state is read again after this long (Meta moves a portfolio up a tier within hours). */
export const PROVIDER_READ_EVERY_SECONDS = 15 * 60;

/**
 * The tier Herald keeps for a limit of unique users per 24 h as the provider reports it (null: unlimited). A limit
 * between two tiers keeps the lower one: never more than the provider allows.
 */
export function tierOf(limit: number | null): MessagingTier {
  if (limit === null) return 'unlimited';
  if (limit >= 100_000) return '100000';
  if (limit >= 10_000) return '10000';
  if (limit >= 2_000) return '2000';
  return '250';
}

/**
 * Reads what the provider says of each number instead of trusting typed-in values: the messaging limit (Meta's
 * `whatsapp_business_manager_messaging_limit`, the tier the pipeline keeps), whether its marketing templates go
 * through the Marketing Messages API, and the business portfolio that owns its WABA (`owner_business_info`: the
 * portfolio's channels share one tier ledger). On channel creation, and every 15 minutes.
 */
@Injectable()
export class ProviderLimits {
  private readonly logger = new Logger(ProviderLimits.name);

  constructor(
    private readonly channels: ChannelsService,
    @Inject(CHANNEL_PROVIDER) private readonly provider: ChannelProvider<WhatsAppCredentials>,
    private readonly ledger: SendLedgerRepository,
  ) {}

  /** Reads the channels named, or every live one not read for PROVIDER_READ_EVERY_SECONDS. */
  async read(channelIds?: readonly string[]): Promise<{ read: number; failed: number }> {
    const ids = channelIds ?? (await this.channels.needingProviderRead(PROVIDER_READ_EVERY_SECONDS));
    let read = 0;
    let failed = 0;
    for (const id of ids) {
      const channel = await this.channels.forSending(id);
      if (!channel) continue;
      const credentials = credentialsOf(channel);
      const [limit, onboarding, owner] = await Promise.all([
        this.provider.getMessagingLimit(credentials),
        this.provider.getMarketingMessagesOnboarding(credentials),
        this.provider.getBusinessPortfolio(credentials),
      ]);
      if (!limit.ok) this.logger.warn(`channel ${id}: messaging limit unread (${limit.error.code} ${limit.error.title})`);
      if (!onboarding.ok) this.logger.warn(`channel ${id}: Marketing Messages status unread (${onboarding.error.code} ${onboarding.error.title})`);
      if (!owner.ok) this.logger.warn(`channel ${id}: business portfolio unread (${owner.error.code} ${owner.error.title})`);
      // A failed read keeps the value Herald had; the time is recorded so a failing channel is asked again later, not in a loop.
      const portfolio = owner.ok ? (owner.business?.id ?? null) : null;
      await this.channels.setProviderState(id, {
        messagingTier: limit.ok ? tierOf(limit.limit) : null,
        marketingMessages: onboarding.ok ? onboarding.onboarded : null,
        businessPortfolioId: portfolio,
      });
      // The numbers this channel's WABA reached while it counted on its own count against its portfolio. Done on every
      // read, not only the first that names the portfolio: sends by workers that still had the channel cached (a few
      // seconds) and by other channels of the WABA not read yet land in the WABA's ledger, and are carried over next time.
      const key = tierLedgerKey({ wabaId: channel.wabaId, businessPortfolioId: portfolio ?? channel.businessPortfolioId });
      if (key !== channel.wabaId) await this.ledger.fold(channel.wabaId, key);
      if (limit.ok && onboarding.ok && owner.ok) read += 1;
      else failed += 1;
    }
    return { read, failed };
  }
}
