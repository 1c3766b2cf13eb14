import { Injectable, Logger } from '@nestjs/common';
import { JobName, JobQueue } from '@herald/queues';
import { MessageRepository } from './message.repository';
import { WebhookRepository } from './webhook.repository';

/** A queued message older than this without a worker is assumed to have lost its job. */
const QUEUED_GRACE_SECONDS = 300;
/** A stored webhook event older than this is assumed to have lost its job. */
const WEBHOOK_GRACE_SECONDS = 60;

/**
 * A job id of its own for work handed out again (the first job's id may still be held by a completed or failed
 * job). Not `<id>:<stamp>`: BullMQ refuses custom ids with a colon (other than its own three-part ones).
 */
export function requeuedJobId(firstJobId: string, stamp: number): string {
  return `${firstJobId}-again-${stamp}`;
}

/**
 * Rebuilds lost work from Postgres: messages whose job vanished (Redis flushed, enqueue failed) or whose
 * send got no answer and no provider status since, and webhook events nobody applied. Duplicated jobs are
 * harmless: a message is claimed once (queued → sending) and an event is deleted by whoever applies it.
 */
@Injectable()
export class MessageRecovery {
  private readonly logger = new Logger(MessageRecovery.name);

  constructor(
    private readonly messages: MessageRepository,
    private readonly events: WebhookRepository,
    private readonly queue: JobQueue,
  ) {}

  async requeueMessages(unconfirmedAfterSeconds: number): Promise<{ requeued: number }> {
    const ids = await this.messages.recoverable(QUEUED_GRACE_SECONDS, unconfirmedAfterSeconds);
    const stamp = Date.now();
    await this.queue.addBulk(JobName.SendMessage, ids.map((messageId) => ({ data: { messageId }, jobId: requeuedJobId(messageId, stamp) })));
    if (ids.length > 0) this.logger.warn(`handed ${ids.length} messages to workers again`);
    return { requeued: ids.length };
  }

  async requeueWebhooks(): Promise<{ requeued: number }> {
    const ids = await this.events.waiting(WEBHOOK_GRACE_SECONDS);
    const stamp = Date.now();
    await this.queue.addBulk(JobName.ApplyWebhooks, ids.map((eventId) => ({ data: { eventId }, jobId: requeuedJobId(`webhook-${eventId}`, stamp) })));
    if (ids.length > 0) this.logger.warn(`handed ${ids.length} webhook events to workers again`);
    return { requeued: ids.length };
  }
}
