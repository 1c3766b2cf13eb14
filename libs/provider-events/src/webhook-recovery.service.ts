import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@herald/common';
import { JobName, JobQueue, requeuedJobId } from '@herald/queues';
import { WebhookRepository } from './webhook.repository';

/** A stored webhook event older than this is assumed to have lost its job. */
const WEBHOOK_GRACE_SECONDS = 60;

/** Hands stored provider events nobody applied (their job lost with Redis) to workers again. */
@Injectable()
export class WebhookRecovery {
  private readonly logger = new Logger(WebhookRecovery.name);

  constructor(
    private readonly events: WebhookRepository,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {}

  /** Deletes the events set aside more than `days` ago (kept that long for a person to look at, replay or discard). */
  purgeFailed(days: number): Promise<number> {
    return this.events.purgeFailed(this.clock.now().minus({ days }).toJSDate());
  }

  async requeue(): Promise<{ requeued: number }> {
    const ids = await this.events.waiting(WEBHOOK_GRACE_SECONDS);
    const stamp = Date.now();
    await this.queue.addBulk(JobName.ApplyWebhooks, ids.map((eventId) => ({ data: { eventId }, jobId: requeuedJobId(`webhook-${eventId}`, stamp) })));
    if (ids.length > 0) this.logger.warn(`handed ${ids.length} webhook events to workers again`);
    return { requeued: ids.length };
  }
}
