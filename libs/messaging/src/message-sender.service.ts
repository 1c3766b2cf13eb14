import { Injectable } from '@nestjs/common';
import { CallbackOutbox } from '@herald/callbacks';
import { ChannelsService, type OutboundMessage } from '@herald/channels';
import { Clock } from '@herald/common';
import { WorkerConfig } from '@herald/config';
import { JobName, JobQueue, requeuedJobId } from '@herald/queues';
import { SendPipeline, SendWorkers, emptyOutcomes, expiresAt, sendStatusEvents, type ClaimedSend, type ClaimSeqs, type SendOutcomes } from '@herald/sending';
import { MessageRepository, type MessageRow } from './message.repository';

export type SendResult = 'accepted' | 'failed' | 'waiting' | 'unsent' | 'unconfirmed' | 'not_due';

/** A paused channel is looked at again this often; the message expires meanwhile if its validity runs out. */
const PAUSED_RECHECK_MS = 60_000;
/** How far ahead a single message may wait for its rate-limit slot inside its job. */
const SLOT_HORIZON_MS = 10_000;

/**
 * Single messages as a source of the one send pipeline: claim the message in Postgres (queued → sending), let the
 * pipeline check it, take a slot of the number's shared rate limit, send it and classify the answer, then record
 * the outcome. What must wait (backoff, quiet hours, tier, paused channel, a full rate limit) goes back to
 * `queued` with its time and reason, and a delayed job for then.
 */
@Injectable()
export class MessageSender {
  constructor(
    private readonly messages: MessageRepository,
    private readonly channels: ChannelsService,
    private readonly pipeline: SendPipeline,
    private readonly queue: JobQueue,
    private readonly config: WorkerConfig,
    private readonly clock: Clock,
    private readonly outbox: CallbackOutbox,
    private readonly workers: SendWorkers,
  ) {}

  async send(messageId: string): Promise<SendResult> {
    // Numbered for the departure record (SendWorkers.claiming); closed once the outcome is recorded.
    const { seqs, claimed } = await this.workers.claiming(1, async (s) => {
      const row = await this.messages.claim(messageId, s);
      return row ? [row] : [];
    });
    if (!claimed[0]) return 'not_due';
    const result = await this.sendClaimed(claimed[0], seqs);
    this.workers.close(seqs);
    return result;
  }

  private async sendClaimed(claimed: MessageRow, seqs: ClaimSeqs): Promise<SendResult> {
    const messageId = claimed.id;
    const outcomes = emptyOutcomes();
    // Read from Postgres, not the few-second cache: another worker may have paused the channel (or a user reactivated
    // it) since this process last looked, and a message sent on a paused channel fails instead of waiting for it.
    // One primary-key read per single message; campaign chunks read it once per batch.
    const channel = await this.channels.forSending(claimed.channel_id, true);
    if (!channel) {
      outcomes.failed.push({
        id: claimed.id,
        error: { code: 'channel_deleted', title: 'Channel deleted', details: 'The channel of this message was deleted before it was sent.' },
        attempts: claimed.attempts,
      });
      await this.record(claimed, outcomes);
      return 'failed';
    }
    const now = this.clock.now().toJSDate();
    if (channel.status === 'paused') {
      outcomes.deferred.push({ id: claimed.id, attempts: claimed.attempts, until: new Date(now.getTime() + PAUSED_RECHECK_MS), reason: 'channel_paused' });
    } else {
      const message = claimed.content as unknown as OutboundMessage;
      const category = claimed.category ?? (await this.pipeline.categoryOf(channel, message));
      const expiry = expiresAt(claimed.scheduled_for ?? claimed.created_at, claimed.validity_seconds, category);
      if (claimed.category === null) await this.messages.setCategory(claimed.id, category, expiry);
      const send: ClaimedSend = {
        id: claimed.id,
        callbackData: claimed.id,
        workspaceId: claimed.workspace_id,
        contactId: claimed.contact_id,
        to: claimed.to_number,
        message,
        attempts: claimed.attempts,
        category,
        expiresAt: expiry,
        timezone: null,
        ignoreQuietHours: claimed.ignore_quiet_hours,
        frequencyCapped: claimed.use_frequency_capping,
        prevalidated: true,
        claimedBy: seqs.by,
        seq: seqs.base,
      };
      const checked = await this.pipeline.check(channel, [send]);
      Object.assign(outcomes, checked.outcomes);
      if (checked.sendable.length > 0) {
        const slots = await this.pipeline.reserve(channel, 1, { horizonMs: SLOT_HORIZON_MS });
        if (slots === null) outcomes.deferred.push({ id: claimed.id, attempts: claimed.attempts, until: new Date(now.getTime() + 1_000), reason: 'rate_limit' });
        else await this.pipeline.send(channel, checked.sendable, slots, this.config.sendMaxAttempts, outcomes);
      }
    }
    await this.record(claimed, outcomes);
    const later = [
      ...outcomes.retry.map((r) => r.delayMs),
      ...outcomes.deferred.map((d) => d.until.getTime() - Date.now()),
      ...outcomes.released.map(() => 0),
    ];
    if (later.length > 0) {
      const delay = Math.max(0, ...later);
      await this.queue.add(JobName.SendMessage, { messageId }, { jobId: requeuedJobId(messageId, Date.now()), delay });
      return 'waiting';
    }
    if (outcomes.accepted.length > 0) return 'accepted';
    if (outcomes.inDoubt.length > 0) return 'unconfirmed';
    if (outcomes.failed.length > 0) return 'failed';
    return 'unsent';
  }

  /**
   * Records the outcome; when someone listens (the message's callbackUrl, or an endpoint of the workspace subscribed
   * to `message.status`), its status change is written to the callback outbox in the same transaction.
   */
  private async record(claimed: MessageRow, outcomes: SendOutcomes): Promise<void> {
    // Asking may fail (Postgres away for a moment): then the path with events is taken, as if someone listened.
    const listened =
      claimed.callback_url !== null ||
      (await this.outbox.subscribed([claimed.workspace_id], 'message.status').then(
        (set) => set.size > 0,
        () => true,
      ));
    if (!listened) {
      await this.messages.record(outcomes);
      return;
    }
    await this.messages.transaction(async (manager) => this.outbox.record(manager, sendStatusEvents(await this.messages.record(outcomes, manager))));
  }
}
