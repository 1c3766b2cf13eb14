import { Injectable, Logger } from '@nestjs/common';
import { CallbackOutbox } from '@herald/callbacks';
import { ChannelsService } from '@herald/channels';
import { WorkerConfig } from '@herald/config';
import { liveClaimOverSeconds, SendWorkers, sendStatusEvents, StatusReceivers } from '@herald/sending';
import { JobName, JobQueue, requeuedJobId } from '@herald/queues';
import { MessageRepository } from './message.repository';

/** A due message waiting longer than this without a worker is assumed to have lost its job. */
const QUEUED_GRACE_SECONDS = 300;

/**
 * Rebuilds lost work from Postgres: messages whose job vanished (Redis flushed, enqueue failed), claimed by a worker
 * that died before their request left it, or whose send got no answer and no provider status since. Duplicated jobs are harmless: a message is claimed once (→ sending).
 */
@Injectable()
export class MessageRecovery {
  private readonly logger = new Logger(MessageRecovery.name);

  constructor(
    private readonly messages: MessageRepository,
    private readonly queue: JobQueue,
    private readonly outbox: CallbackOutbox,
    private readonly receivers: StatusReceivers,
    private readonly config: WorkerConfig,
    private readonly workers: SendWorkers,
    private readonly channels: ChannelsService,
  ) {}

  async requeueMessages(unconfirmedAfterSeconds: number): Promise<{ requeued: number; expired: number }> {
    // Waiting messages whose validity ran out are never sent late, whatever held them (a paused channel, a backoff);
    // ones still in doubt then fail `unconfirmed`.
    const expired = await this.messages.transaction(async (manager) => {
      const rows = await this.messages.expireOverdue(manager, unconfirmedAfterSeconds);
      await this.outbox.record(manager, sendStatusEvents(rows));
      return rows.length;
    });
    // Claimed by a worker now gone and never let leave it: queued again at once (SendWorkers.bury, rule 5).
    const unsent = await this.messages.releaseNeverSent(await this.workers.bury(await this.messages.claimants()));
    await this.requeue(unsent); // at once: if a later step fails, they do not wait for the sweep of lost jobs
    const inDoubt = await this.messages.inDoubt(unconfirmedAfterSeconds);
    const receipts = await this.receivers.receipts(inDoubt.since, await this.channels.platformsOf(inDoubt.channelIds));
    const liveClaimOver = liveClaimOverSeconds(unconfirmedAfterSeconds, this.config.providerTimeoutMs);
    const ids = await this.messages.recoverable(QUEUED_GRACE_SECONDS, unconfirmedAfterSeconds, liveClaimOver, receipts);
    await this.requeue(ids);
    return { requeued: unsent.length + ids.length, expired };
  }

  private async requeue(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const stamp = Date.now();
    await this.queue.addBulk(JobName.SendMessage, ids.map((messageId) => ({ data: { messageId }, jobId: requeuedJobId(messageId, stamp) })));
    this.logger.warn(`handed ${ids.length} messages to workers again`);
  }
}
