import { Injectable } from '@nestjs/common';
import { Clock } from '@herald/common';
import { CallbacksConfig } from '@herald/config';
import { CallbackDeliveryRepository, type EventCursor } from './callback-delivery.repository';

/** Rows one retention statement deletes (or, for events, looks at) at most: each statement is short, its locks brief. */
export const CALLBACK_RETENTION_BATCH = 10_000;

/** What one retention run deleted, and the cutoff it used. */
export interface RetentionRun {
  readonly deliveries: number;
  readonly events: number;
  /** Finished deliveries last attempted before this, and events with no delivery left created before it, went. */
  readonly before: string;
}

/**
 * Retention of the outbox (a maintenance job, hourly): deletes finished deliveries (delivered, or failed after their
 * retry window) whose last attempt is more than CALLBACK_RETENTION_DAYS old, then the events older than that with no
 * delivery left (theirs just deleted, or their endpoint's). Pending deliveries are never deleted, whatever their age
 * (a disabled endpoint's keep waiting for it), and neither are their events.
 *
 * Set-based and batched: statements of at most CALLBACK_RETENTION_BATCH rows, each its own short transaction, repeated
 * until nothing is left (rows skipped because another transaction held them go on the next run).
 */
@Injectable()
export class CallbackRetention {
  private stopping = false;
  private readonly retentionDays: number;

  constructor(
    private readonly deliveries: CallbackDeliveryRepository,
    private readonly clock: Clock,
    config: CallbacksConfig,
  ) {
    this.retentionDays = config.callbackRetentionDays;
  }

  /** Stopping (the worker is closing): the run ends after the statement in hand; the next run goes on. */
  stop(): void {
    this.stopping = true;
  }

  async purge(batch = CALLBACK_RETENTION_BATCH): Promise<RetentionRun> {
    const before = this.clock.now().minus({ days: this.retentionDays }).toJSDate();
    let deliveries = 0;
    while (!this.stopping) {
      const n = await this.deliveries.deleteFinishedBefore(before, batch);
      deliveries += n;
      if (n < batch) break;
    }
    // One walk over the old events (a keyset, each looked at once a run): the few kept (a pending delivery, or one
    // redelivered lately) are not read again batch after batch.
    let events = 0;
    let after: EventCursor | null = null;
    while (!this.stopping) {
      const step = await this.deliveries.deleteOrphanEvents(before, after, batch);
      events += step.deleted;
      if (step.next === null) break;
      after = step.next;
    }
    return { deliveries, events, before: before.toISOString() };
  }
}
