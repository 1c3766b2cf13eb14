export { LATENESS_BUDGET_MS, RATE_SAFETY, SendRateLimiter, slotClock, untilSlot, type ReservedSlots } from './send-rate.limiter';
export { sendOnSlots } from './slot-pacing.util';
export * from './send-status.util';
export * from './send-status-sql.util';
export * from './in-doubt-sql.util';
export * from './send-events.util';
export * from './send.types';
export * from './send-view.util';
export * from './send-policy.util';
export * from './send-window.util';
export * from './send-settings.service';
export { SendLedgerRepository } from './send-ledger.repository';
export { ProviderPolicy } from './provider-policy.service';
export { ProviderLimits, PROVIDER_READ_EVERY_SECONDS, tierOf } from './provider-limits.service';
export { CHANNEL_PROVIDER, HUMAN_AGENT_WINDOW_MS, SendPipeline, SERVICE_WINDOW_MS, tierLimit } from './send-pipeline.service';
export * from './sending.module';
export { StatusReceivers, STATUS_RECEIVER_BEAT_SECONDS, type StatusReceipts } from './status-receivers.service';
export { SendWorkers, SEND_WORKER_BEAT_MS, SEND_WORKER_GONE_SECONDS, type ClaimSeqs } from './send-workers.service';

import { MarketingSendEntry } from './marketing-send.entity';
import { SendWorker } from './send-worker.entity';
import { StatusReceipt, StatusReceiver } from './status-receiver.entity';
import { TierLedgerEntry } from './tier-ledger.entity';
/** The tables this capability owns. */
export const SENDING_ENTITIES = [TierLedgerEntry, MarketingSendEntry, StatusReceiver, StatusReceipt, SendWorker];
