import { Injectable, Logger } from '@nestjs/common';
import { ChannelsService, type ProviderError } from '@herald/channels';
import { ContactsService } from '@herald/contacts';
import type { MessageError } from './message.entity';

/** Transport failures where the request certainly never reached the provider: safe to send again at once. */
const NEVER_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT|EHOSTUNREACH|ENETUNREACH)\b/;

/** How long a number is held after the provider said it is over its throughput (unless it said how long). */
export const THROTTLE_PAUSE_MS = 1_000;

export function toMessageError(e: ProviderError): MessageError {
  return { code: e.code, title: e.title, details: e.details, category: e.category, ...(e.docsUrl ? { docsUrl: e.docsUrl } : {}) };
}

/**
 * A request that got no answer (timeout, connection dropped after sending) may have been taken by the
 * provider: its status webhook, which echoes our callback data, will tell. Never send such a one again blindly.
 */
export function maybeSent(error: ProviderError): boolean {
  return (error.code === 'timeout' || error.code === 'network_error') && !NEVER_SENT.test(error.details);
}

/**
 * What a provider error means beyond the one send (the policy table of docs/ARCHITECTURE.md): numbers not on
 * WhatsApp are marked, marketing opt-outs opt the contact out, and errors that say the account or number
 * cannot send pause the channel. Single messages and campaign recipients share it.
 */
@Injectable()
export class ProviderPolicy {
  private readonly logger = new Logger(ProviderPolicy.name);

  constructor(
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
  ) {}

  async apply(error: ProviderError, channelId: string, contactIds: readonly string[]): Promise<void> {
    switch (error.category) {
      case 'not_on_whatsapp':
        await this.contacts.markNotOnWhatsApp([...contactIds]);
        return;
      case 'marketing_opt_out':
        await this.contacts.optOutIds([...contactIds], 'provider');
        return;
      case 'auth_expired':
      case 'channel_blocked':
      case 'spam_limited':
        this.logger.warn(`pausing channel ${channelId}: ${error.code} ${error.title}`);
        await this.channels.pause(channelId, `${error.code} ${error.title}: ${error.details}`);
        return;
      case 'throttled':
      case 'pair_rate_limited':
      case 'throughput_upgrade':
      case 'api_rate_limited':
      case 'transient':
      case 'outside_service_window':
      case 'marketing_cap':
      case 'invalid_request':
      case 'template_problem':
      case 'unknown':
        return;
    }
  }
}
