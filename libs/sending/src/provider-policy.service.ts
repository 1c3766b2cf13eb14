import { Injectable, Logger } from '@nestjs/common';
import { ChannelsService, type ProviderErrorCategory } from '@herald/channels';
import { ContactsService } from '@herald/contacts';
import { effectsOf } from './send-policy.util';
import { SendRateLimiter } from './send-rate.limiter';
import type { SendFailure } from './send.types';

/**
 * Acts on what failures mean beyond their send (`effectsOf`), once per kind per batch: numbers not on WhatsApp
 * are marked, marketing opt-outs opt the contact out of marketing, throughput refusals hold the number for every
 * worker, and errors that say the account or token cannot send pause the channel. The send pipeline calls it
 * for errors answered on a send, the provider-event fan-in for errors reported later by status webhooks: one
 * policy, whichever way the error came.
 */
@Injectable()
export class ProviderPolicy {
  private readonly logger = new Logger(ProviderPolicy.name);

  constructor(
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
    private readonly limiter: SendRateLimiter,
  ) {}

  async apply(failures: readonly SendFailure[]): Promise<void> {
    if (failures.length === 0) return;
    const notOnWhatsApp = new Set<string>();
    const optOut = new Set<string>();
    const pause = new Map<string, SendFailure['error']>();
    const unreachable = new Map<string, { contactIds: Set<string>; reason: string }>();
    const hold = new Map<string, number>();
    for (const f of failures) {
      if (f.error.category === undefined) continue;
      const effects = effectsOf({ category: f.error.category as ProviderErrorCategory, retryAfterMs: f.error.retryAfterMs });
      if (effects.markNotOnWhatsApp) notOnWhatsApp.add(f.contactId);
      if (effects.optOutMarketing) optOut.add(f.contactId);
      if (effects.markUnreachable) {
        const entry = unreachable.get(f.channelId) ?? { contactIds: new Set<string>(), reason: f.error.details || f.error.title };
        entry.contactIds.add(f.contactId);
        unreachable.set(f.channelId, entry);
      }
      if (effects.pauseChannel && !pause.has(f.channelId)) pause.set(f.channelId, f.error);
      if (effects.holdNumberMs !== undefined) hold.set(f.channelId, Math.max(hold.get(f.channelId) ?? 0, effects.holdNumberMs));
    }
    if (notOnWhatsApp.size > 0) await this.contacts.markNotOnWhatsApp([...notOnWhatsApp]);
    if (optOut.size > 0) await this.contacts.optOutIds([...optOut], 'provider');
    for (const [channelId, { contactIds, reason }] of unreachable) await this.contacts.markUnreachable(channelId, { contactIds: [...contactIds] }, reason);
    for (const [channelId, ms] of hold) {
      const channel = await this.channels.forSending(channelId);
      if (channel) await this.limiter.pause(channel.phoneNumberId, ms);
    }
    for (const [channelId, error] of pause) {
      this.logger.warn(`pausing channel ${channelId}: ${error.code} ${error.title}`);
      await this.channels.pause(channelId, `${error.code} ${error.title}: ${error.details}`);
    }
  }
}
