import { Injectable } from '@nestjs/common';
import { CallbackOutbox } from '@herald/callbacks';
import { ChannelsService, type OutboundMessage } from '@herald/channels';
import { Clock } from '@herald/common';
import { WorkerConfig } from '@herald/config';
import { JobName, JobQueue, requeuedJobId } from '@herald/queues';
import { SendPipeline, SendWorkers, emptyOutcomes, expiresAt, sendStatusEvents, type ClaimedSend, type SendCategory, type SendOutcomes } from '@herald/sending';
import { messageBatchSize } from './message-batch.util';
import { MessageRepository, type ClaimedMessage } from './message.repository';

export type SendResult = 'accepted' | 'failed' | 'waiting' | 'unsent' | 'unconfirmed' | 'not_due';

/** A paused channel is looked at again this often; the message expires meanwhile if its validity runs out. */
const PAUSED_RECHECK_MS = 60_000;
/** How far ahead a single message may wait for its rate-limit slot inside its job. */
const SLOT_HORIZON_MS = 10_000;

/** What became of one message of a batch. */
function resultOf(id: string, o: SendOutcomes): SendResult {
  const is = (list: ReadonlyArray<{ id: string }>) => list.some((x) => x.id === id);
  if (is(o.retry) || is(o.deferred) || is(o.released)) return 'waiting';
  if (is(o.accepted)) return 'accepted';
  if (is(o.inDoubt)) return 'unconfirmed';
  if (is(o.failed)) return 'failed';
  return 'unsent';
}

/**
 * Single messages as a source of the one send pipeline: claim a batch of due messages of one channel in Postgres
 * (queued → sending), let the pipeline check them, take a slot each of the number's shared rate limit, send them and
 * classify the answers, then record the outcomes set-based. What must wait (backoff, quiet hours, tier, paused
 * channel, a full rate limit) goes back to `queued` with its time and reason, and a delayed job of its own for then.
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

  /** Sends this message alone, if it is due: what became of it. */
  send(messageId: string): Promise<SendResult> {
    return this.sendWith([messageId], 1);
  }

  /**
   * The send-message job: sends this message and `others` (of its request, given to its job) if due, filled up with
   * other due messages of their channel to a batch (`messageBatchSize`), each on its own slot of the number's rate.
   * A job whose messages another batch took finds them `not_due`. Returns what became of this message. (A job per
   * message, each a provider latency long, held a number allowed 1,000 msg/s to ~80: its jobs at once ÷ 250 ms.)
   */
  async sendDue(messageId: string, others: readonly string[] = []): Promise<SendResult> {
    const ids = [messageId, ...others];
    const channelId = await this.messages.channelOf(ids);
    if (channelId === undefined) return 'not_due';
    const channel = await this.channels.forSending(channelId);
    return this.sendWith(ids, Math.max(ids.length, channel ? messageBatchSize(channel.messagesPerSecond) : 1));
  }

  private async sendWith(ids: readonly string[], size: number): Promise<SendResult> {
    // Numbered for the departure record (SendWorkers.claiming); closed once the outcomes are recorded.
    const { seqs, claimed } = await this.workers.claiming(size, (s) => this.messages.claim(ids, s));
    if (claimed.length === 0) return 'not_due';
    const outcomes = await this.sendClaimed(claimed, seqs.by);
    this.workers.close(seqs);
    // Its own message another batch took: what this job sent of its request is told by those messages, not by it.
    return claimed.some((m) => m.id === ids[0]) ? resultOf(ids[0]!, outcomes) : 'not_due';
  }

  /** One batch of claimed messages of one channel through the pipeline; their outcomes recorded, the waiting ones queued again. */
  private async sendClaimed(claimed: readonly ClaimedMessage[], claimedBy: string): Promise<SendOutcomes> {
    const outcomes = emptyOutcomes();
    // Read from Postgres, not the few-second cache: another worker may have paused the channel (or a user reactivated
    // it) since this process last looked, and a message sent on a paused channel fails instead of waiting for it.
    // One primary-key read per batch.
    const channel = await this.channels.forSending(claimed[0]!.channel_id, true);
    const now = this.clock.now().toJSDate();
    if (!channel) {
      for (const m of claimed) {
        outcomes.failed.push({
          id: m.id,
          error: { code: 'channel_deleted', title: 'Channel deleted', details: 'The channel of this message was deleted before it was sent.' },
          attempts: m.attempts,
        });
      }
    } else if (channel.status === 'paused') {
      for (const m of claimed) outcomes.deferred.push({ id: m.id, attempts: m.attempts, until: new Date(now.getTime() + PAUSED_RECHECK_MS), reason: 'channel_paused' });
    } else {
      const sends: ClaimedSend[] = [];
      const learnt: Array<{ id: string; category: SendCategory; expiresAt: Date | null }> = [];
      for (const m of claimed) {
        const message = m.content as unknown as OutboundMessage;
        const category = m.category ?? (await this.pipeline.categoryOf(channel, message));
        const expiry = expiresAt(m.scheduled_for ?? m.created_at, m.validity_seconds, category);
        if (m.category === null) learnt.push({ id: m.id, category, expiresAt: expiry });
        sends.push({
          id: m.id,
          callbackData: m.id,
          workspaceId: m.workspace_id,
          contactId: m.contact_id,
          to: m.to_number,
          message,
          attempts: m.attempts,
          category,
          expiresAt: expiry,
          timezone: null,
          ignoreQuietHours: m.ignore_quiet_hours,
          frequencyCapped: m.use_frequency_capping,
          prevalidated: true,
          claimedBy,
          seq: m.claim_seq,
        });
      }
      await this.messages.setCategories(learnt);
      const checked = await this.pipeline.check(channel, sends);
      Object.assign(outcomes, checked.outcomes);
      if (checked.sendable.length > 0) {
        const slots = await this.pipeline.reserve(channel, checked.sendable.length, { horizonMs: SLOT_HORIZON_MS });
        if (slots === null) {
          for (const c of checked.sendable) outcomes.deferred.push({ id: c.id, attempts: c.attempts, until: new Date(now.getTime() + 1_000), reason: 'rate_limit' });
        } else await this.pipeline.send(channel, checked.sendable, slots, this.config.sendMaxAttempts, outcomes);
      }
    }
    await this.record(claimed, outcomes);
    // Each message that must wait gets a job of its own, for its time.
    const at = Date.now();
    const later = [
      ...outcomes.retry.map((r) => ({ id: r.id, delay: r.delayMs })),
      ...outcomes.deferred.map((d) => ({ id: d.id, delay: d.until.getTime() - at })),
      ...outcomes.released.map((r) => ({ id: r.id, delay: 0 })),
    ];
    if (later.length > 0) {
      await this.queue.addBulk(
        JobName.SendMessage,
        later.map((l) => ({ data: { messageId: l.id }, jobId: requeuedJobId(l.id, at), delay: Math.max(0, l.delay) })),
      );
    }
    return outcomes;
  }

  /**
   * Records the outcome; when someone listens (the message's callbackUrl, or an endpoint of the workspace subscribed
   * to `message.status`), its status change is written to the callback outbox in the same transaction.
   */
  private async record(claimed: readonly ClaimedMessage[], outcomes: SendOutcomes): Promise<void> {
    // Asking may fail (Postgres away for a moment): then the path with events is taken, as if someone listened.
    const listened =
      claimed.some((m) => m.callback_url !== null) ||
      (await this.outbox.subscribed([...new Set(claimed.map((m) => m.workspace_id))], 'message.status').then(
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
