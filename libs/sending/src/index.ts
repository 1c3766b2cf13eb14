export { LATENESS_BUDGET_MS, RATE_SAFETY, SendRateLimiter, slotClock, untilSlot, type ReservedSlots } from './send-rate.limiter';
export { sendOnSlots } from './slot-pacing.util';
