import type { PhoneNumberRegistration } from './simulator.types';
import { ThroughputWindow } from './throughput-window.util';

/** The registered business phone numbers and each one's throughput window. */
export class PhoneNumberRegistry {
  private readonly numbers = new Map<string, PhoneNumberRegistration>();
  private readonly windows = new Map<string, ThroughputWindow>();

  constructor(private readonly defaultMessagesPerSecond: () => number) {}

  /** Adds or replaces a registration; a changed limit starts a fresh window. Returns whether it is new. */
  upsert(registration: PhoneNumberRegistration): 'created' | 'updated' {
    const existed = this.numbers.has(registration.phoneNumberId);
    this.numbers.set(registration.phoneNumberId, registration);
    return existed ? 'updated' : 'created';
  }

  get(phoneNumberId: string): PhoneNumberRegistration | undefined {
    return this.numbers.get(phoneNumberId);
  }

  delete(phoneNumberId: string): boolean {
    this.windows.delete(phoneNumberId);
    return this.numbers.delete(phoneNumberId);
  }

  list(): PhoneNumberRegistration[] {
    return [...this.numbers.values()];
  }

  /** The numbers of one WhatsApp Business Account. */
  inWaba(wabaId: string): PhoneNumberRegistration[] {
    return this.list().filter((phone) => phone.wabaId === wabaId);
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
  }
}
