import { MAX_SERVICE_WINDOWS, SERVICE_WINDOW_MS } from './simulator.constants';

/**
 * Customer-service windows: a user's inbound message to a business number opens (or refreshes) a 24-hour window
 * for that (number, user) pair. One Map from pair to the time of the latest inbound, kept in time order (a
 * refresh moves the pair to the end), so windows that closed are dropped from the front as time passes: O(1)
 * amortised per call, and memory bounded by the windows open (at most `maxWindows`, oldest dropped first).
 */
export class ServiceWindows {
  private readonly lastInbound = new Map<string, number>();

  constructor(
    private readonly windowMs = SERVICE_WINDOW_MS,
    private readonly maxWindows = MAX_SERVICE_WINDOWS,
  ) {}

  /** Open windows (after dropping the closed ones at `now`). */
  count(now: number): number {
    this.dropClosed(now);
    return this.lastInbound.size;
  }

  /** The user `waId` wrote to `phoneNumberId` at `at`. */
  open(phoneNumberId: string, waId: string, at: number): void {
    const key = keyOf(phoneNumberId, waId);
    this.lastInbound.delete(key);
    this.lastInbound.set(key, at);
    this.dropClosed(at);
    if (this.lastInbound.size > this.maxWindows) {
      const oldest = this.lastInbound.keys().next().value;
      if (oldest !== undefined) this.lastInbound.delete(oldest);
    }
  }

  /** Whether the user wrote to the number less than 24 hours before `now`. */
  isOpen(phoneNumberId: string, waId: string, now: number): boolean {
    if (this.lastInbound.size === 0) return false;
    this.dropClosed(now);
    const at = this.lastInbound.get(keyOf(phoneNumberId, waId));
    return at !== undefined && now - at < this.windowMs;
  }

  clear(): void {
    this.lastInbound.clear();
  }

  private dropClosed(now: number): void {
    for (const [key, at] of this.lastInbound) {
      if (now - at < this.windowMs) return;
      this.lastInbound.delete(key);
    }
  }
}

function keyOf(phoneNumberId: string, waId: string): string {
  return `${phoneNumberId}\u0000${waId}`;
}
