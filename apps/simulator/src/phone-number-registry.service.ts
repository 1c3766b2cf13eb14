import { createHash } from 'node:crypto';
import { MESSAGING_LIMIT_TIERS, type MessagingLimitTier } from './simulator.constants';
import type { PhoneNumberRegistration } from './simulator.types';
import { ThroughputWindow } from './throughput-window.util';

/**
 * The Meta app a number's token belongs to: its registered `appId`, else a 15-digit id derived from its app secret
 * (an app secret belongs to one app), so every number registered with one secret shares one app.
 */
export function appIdOf(phone: PhoneNumberRegistration): string {
  if (phone.appId !== undefined) return phone.appId;
  const digits = BigInt(`0x${createHash('sha256').update(phone.appSecret).digest('hex').slice(0, 15)}`) % 10n ** 14n;
  return `1${digits.toString().padStart(14, '0')}`;
}

/**
 * The registered business phone numbers and each one's throughput window; also what is derived from all of them
 * (a portfolio's messaging limit, a WABA's Marketing Messages onboarding), worked out on each registration change
 * so that a send looks it up in O(1).
 */
export class PhoneNumberRegistry {
  private readonly numbers = new Map<string, PhoneNumberRegistration>();
  private readonly windows = new Map<string, ThroughputWindow>();
  /** Business portfolio → the highest messaging limit among its numbers. */
  private readonly businessLimits = new Map<string, MessagingLimitTier>();
  /** WABAs with a number registered as onboarded to the Marketing Messages API. */
  private readonly onboardedWabas = new Set<string>();
  /** WABA → the business portfolio that owns it. */
  private readonly wabaBusinesses = new Map<string, string>();

  constructor(private readonly defaultMessagesPerSecond: () => number) {}

  /** Adds or replaces a registration; a changed limit starts a fresh window. Returns whether it is new. */
  upsert(registration: PhoneNumberRegistration): 'created' | 'updated' {
    const existed = this.numbers.has(registration.phoneNumberId);
    this.numbers.set(registration.phoneNumberId, registration);
    this.derive();
    return existed ? 'updated' : 'created';
  }

  get(phoneNumberId: string): PhoneNumberRegistration | undefined {
    return this.numbers.get(phoneNumberId);
  }

  delete(phoneNumberId: string): boolean {
    this.windows.delete(phoneNumberId);
    const deleted = this.numbers.delete(phoneNumberId);
    if (deleted) this.derive();
    return deleted;
  }

  list(): PhoneNumberRegistration[] {
    return [...this.numbers.values()];
  }

  /** The numbers whose access token is `token`. */
  withToken(token: string): PhoneNumberRegistration[] {
    return this.list().filter((phone) => phone.accessToken === token);
  }

  /** The numbers registered with (or derived to) this Meta app id. */
  inApp(appId: string): PhoneNumberRegistration[] {
    return this.list().filter((phone) => appIdOf(phone) === appId);
  }

  /** The numbers of one WhatsApp Business Account. */
  inWaba(wabaId: string): PhoneNumberRegistration[] {
    return this.list().filter((phone) => phone.wabaId === wabaId);
  }

  /**
   * The messaging limit of the number's business portfolio: the highest limit among its numbers (as Meta set
   * portfolio limits on 2025-10-07), shared by all of them.
   */
  businessLimitOf(phone: PhoneNumberRegistration): MessagingLimitTier {
    return this.businessLimits.get(phone.businessId) ?? phone.messagingLimit;
  }

  /**
   * The business portfolio that owns the WABA (`owner_business_info`): the `businessId` its numbers were registered
   * with (the first registered one's, should they disagree); undefined for a WABA with no number.
   */
  businessOf(wabaId: string): string | undefined {
    return this.wabaBusinesses.get(wabaId);
  }

  /** Whether the WABA is onboarded to the Marketing Messages API (a number of it registered as such). */
  isMarketingOnboarded(wabaId: string): boolean {
    return this.onboardedWabas.has(wabaId);
  }

  limitOf(phone: PhoneNumberRegistration): number {
    return phone.messagesPerSecond ?? this.defaultMessagesPerSecond();
  }

  /** The phone number's sliding window, made anew whenever its limit changed. */
  windowFor(phone: PhoneNumberRegistration): ThroughputWindow {
    const limit = this.limitOf(phone);
    let window = this.windows.get(phone.phoneNumberId);
    if (!window || window.limit !== limit) {
      window = new ThroughputWindow(limit);
      this.windows.set(phone.phoneNumberId, window);
    }
    return window;
  }

  /** Forgets every number's recent sends (a reset starts with empty windows). */
  resetWindows(): void {
    this.windows.clear();
  }

  clear(): void {
    this.numbers.clear();
    this.windows.clear();
    this.derive();
  }

  private derive(): void {
    this.businessLimits.clear();
    this.onboardedWabas.clear();
    this.wabaBusinesses.clear();
    for (const phone of this.numbers.values()) {
      if (!this.wabaBusinesses.has(phone.wabaId)) this.wabaBusinesses.set(phone.wabaId, phone.businessId);
      const current = this.businessLimits.get(phone.businessId);
      if (current === undefined || MESSAGING_LIMIT_TIERS.indexOf(phone.messagingLimit) > MESSAGING_LIMIT_TIERS.indexOf(current)) {
        this.businessLimits.set(phone.businessId, phone.messagingLimit);
      }
      if (phone.marketingMessagesOnboarded) this.onboardedWabas.add(phone.wabaId);
    }
  }
}
