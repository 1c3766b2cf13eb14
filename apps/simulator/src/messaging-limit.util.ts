import { MESSAGING_LIMIT_WINDOW_MS } from './simulator.constants';

/**
 * Messaging limits: the unique users each business portfolio reached with business-initiated messages over a
 * moving 24 hours. Per business, one Map from user to the latest time they were reached, in time order (reaching
 * a user again moves them to the end), so users whose 24 hours are over drop from the front: O(1) amortised per
 * send. A limited portfolio holds at most its limit of users (≤ 100,000); an unlimited one holds nothing.
 */
export class MessagingLimits {
  private readonly reached = new Map<string, Map<string, number>>();

  constructor(private readonly windowMs = MESSAGING_LIMIT_WINDOW_MS) {}

  /**
   * Reaches `waId` for `businessId` at `now` and returns true, or returns false (recording nothing) when the
   * portfolio already reached `limit` other users in the last 24 hours. A user reached before counts once.
   */
  tryReach(businessId: string, waId: string, now: number, limit: number): boolean {
    if (limit === Number.POSITIVE_INFINITY) return true;
    let users = this.reached.get(businessId);
    if (!users) {
      users = new Map();
      this.reached.set(businessId, users);
    }
    this.dropExpired(users, now);
    if (users.delete(waId)) {
      users.set(waId, now);
      return true;
    }
    if (users.size >= limit) return false;
    users.set(waId, now);
    return true;
  }

  /** Unique users each business reached in the 24 hours before `now` (limited businesses only). */
  snapshot(now: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [businessId, users] of this.reached) {
      this.dropExpired(users, now);
      out[businessId] = users.size;
    }
    return out;
  }

  clear(): void {
    this.reached.clear();
  }

  private dropExpired(users: Map<string, number>, now: number): void {
    for (const [waId, at] of users) {
      if (now - at < this.windowMs) return;
      users.delete(waId);
    }
  }
}
