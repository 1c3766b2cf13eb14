import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ChannelsService,
  type ChannelProvider,
  type ProviderError,
  type SendingChannel,
  type WhatsAppCredentials,
} from '@herald/channels';
import { WorkerConfig } from '@herald/config';
import {
  CHANNEL_PROVIDER,
  ProviderPolicy,
  THROTTLE_PAUSE_MS,
  maybeSent,
  toMessageError,
} from '@herald/messaging';
import { SendRateLimiter, sendOnSlots, untilSlot, type ReservedSlots } from '@herald/sending';
import { CampaignRepository, type CampaignRow, type RunRow } from './campaign.repository';
import { toTemplateMessage } from './campaign-message.util';
import { RecipientRepository, type BatchOutcome, type ClaimedRecipient } from './recipient.repository';
import { windowState, windowZone } from './send-window.util';
import { credentialsOf } from './template-registrar.service';

/** What became of a chunk job. `deferred`: the job was moved to the delayed set until `until`. */
export type ChunkResult = { state: 'done' | 'stopped' } | { state: 'deferred'; until: Date };

/** A batch covers about this much of the sender's rate, so a pause stops sends within it. */
const BATCH_SECONDS = 0.2;
const MAX_BATCH = 200;
/** How long before its first slot a batch is claimed (a claim takes a few ms, more on a busy database). */
const CLAIM_LEAD_MS = 100;
/** Late sends take fresh slots at most this many times, and only slots due within this long. */
const MAX_SLOT_ROUNDS = 5;
const MAX_RESLOT_WAIT_MS = 500;
/** Waits shorter than this are slept through in the job; longer ones give the worker slot back (delayed job). */
const MAX_INLINE_WAIT_MS = 2_000;
const CONTEXT_TTL_MS = 1_000;
/** A window closing sooner than this is treated as closed (a batch takes up to BATCH_SECONDS to send). */
const WINDOW_MARGIN_MS = 1_000;

const TIERS: Record<string, number> = { '250': 250, '2000': 2_000, '10000': 10_000, '100000': 100_000 };

interface RunContext {
  run: RunRow;
  campaign: CampaignRow;
  at: number;
}

/**
 * Sends one chunk of a run, batch by batch: reserve the batch's rate-limit slots (shared by every worker
 * through Redis), claim that many due recipients in Postgres (queued → sending, only while the run is
 * running, only in zones whose window is open, only within the messaging tier), send each on its slot, record
 * the outcomes (accepted / retry later / failed / in doubt). What is left for later (outside the window,
 * backing off, over the tier) makes the job wait in the delayed set; nothing about who is left lives in Redis.
 */
@Injectable()
export class ChunkSender {
  private readonly logger = new Logger(ChunkSender.name);
  private readonly contexts = new Map<string, RunContext>();
  private stopping = false;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly recipients: RecipientRepository,
    private readonly channels: ChannelsService,
    private readonly limiter: SendRateLimiter,
    private readonly policy: ProviderPolicy,
    private readonly config: WorkerConfig,
    @Inject(CHANNEL_PROVIDER) private readonly provider: ChannelProvider<WhatsAppCredentials>,
  ) {}

  /** The process is stopping: finish the batch in hand, then hand the chunk back. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * `delay(until)`: gives the job back to the queue until then (the processor moves it to the delayed set).
   */
  async send(runId: string, chunk: number): Promise<ChunkResult> {
    for (;;) {
      if (this.stopping) return { state: 'deferred', until: new Date() };
      const ctx = await this.context(runId);
      if (!ctx || ctx.run.status !== 'running') return { state: 'stopped' };
      const channel = await this.channels.forSending(ctx.campaign.channel_id);
      if (!channel || channel.status === 'paused') {
        const reason = channel
          ? `The channel is paused: ${channel.statusReason ?? 'see the channel'}.`
          : 'The channel was deleted.';
        await this.campaigns.transition(runId, ['running'], channel ? 'paused' : 'failed', {
          failureReason: reason,
          completedAt: !channel,
        });
        this.contexts.delete(runId);
        this.logger.warn(`run ${runId} stopped: ${reason}`);
        return { state: 'stopped' };
      }
      // Slots only for recipients that are there: a reserved slot nobody uses is channel capacity lost (else one
      // batch at the end of every chunk, and a whole batch for a chunk job that finds nothing left).
      const due = await this.recipients.dueCount(runId, chunk, MAX_BATCH);
      if (due === 0) {
        const next = await this.whatNext(runId, chunk, channel);
        if (next === 'continue') continue;
        return next;
      }
      const perSecond = channel.messagesPerSecond;
      const size = Math.max(1, Math.min(MAX_BATCH, Math.floor(perSecond * BATCH_SECONDS), due));
      const slots = await this.limiter.reserve(channel.phoneNumberId, perSecond, size, { leadMs: CLAIM_LEAD_MS });
      if (slots === null) {
        await sleep(500);
        continue;
      }
      // Claim a little before the first slot, so the claim's own time does not make the first sends late (a
      // late send loses its slot); not earlier, so a pause still stops what has not been claimed.
      await untilSlot(slots.firstAt - CLAIM_LEAD_MS);
      // Windows are judged right before the claim: the batch goes out within BATCH_SECONDS.
      const zones = await this.openZones(ctx.campaign, runId, chunk);
      const claimed = await this.claim(runId, chunk, size, zones, channel);
      if (claimed.length === 0) {
        const next = await this.whatNext(runId, chunk, channel);
        if (next === 'continue') continue;
        return next;
      }
      const outcome = await this.sendBatch(ctx.campaign, channel, claimed, slots);
      await this.recipients.record(outcome);
    }
  }

  /** Nothing claimable now: finished, stopped, or waiting for a time (window, backoff, tier). */
  private async whatNext(runId: string, chunk: number, channel: SendingChannel): Promise<ChunkResult | 'continue'> {
    this.contexts.delete(runId);
    const ctx = await this.context(runId);
    if (!ctx || ctx.run.status !== 'running') return { state: 'stopped' };
    const left = await this.recipients.chunkLeft(runId, chunk);
    if (left.queued === 0) {
      // In-flight ones of other workers settle themselves; the last one out completes the run.
      if (left.sending === 0) await this.campaigns.completeFinished([runId]);
      return { state: 'done' };
    }
    let until = left.nextDue ?? new Date();
    if (until.getTime() <= Date.now() && TIERS[channel.messagingTier] !== undefined) {
      // Due but not claimed: the tier allows no new recipient now. Wait until the oldest one leaves the 24 h.
      const usage = await this.recipients.transaction((m) => this.recipients.tierUsage(m, channel.id));
      if (usage.used >= TIERS[channel.messagingTier]!) {
        until = usage.freesAt ?? new Date(Date.now() + 3_600_000);
        await this.recipients.deferChunk(runId, chunk, until);
      }
    }
    const wait = until.getTime() - Date.now();
    if (wait <= 0) {
      await sleep(50);
      return 'continue';
    }
    if (wait <= MAX_INLINE_WAIT_MS) {
      await sleep(wait);
      return 'continue';
    }
    return { state: 'deferred', until };
  }

  /** The zones of this chunk's due recipients whose window is open now; closed ones wait for their opening. */
  private async openZones(campaign: CampaignRow, runId: string, chunk: number): Promise<string[] | null> {
    const window = campaign.send_window;
    if (window === null) return null;
    const now = new Date();
    const open: string[] = [];
    const closed: Array<{ zone: string; until: Date }> = [];
    for (const zone of await this.recipients.dueZones(runId, chunk)) {
      const local = windowZone(window, zone);
      const state = windowState(window, local, now);
      if (!state.open) closed.push({ zone, until: state.opensAt });
      // Closing within the second: a batch claimed now could still be on the wire after it. Wait for the next.
      else if (state.closesAt.getTime() - now.getTime() < WINDOW_MARGIN_MS) {
        const next = windowState(window, local, state.closesAt);
        closed.push({ zone, until: next.open ? state.closesAt : next.opensAt });
      } else open.push(zone);
    }
    await this.recipients.defer(runId, chunk, closed);
    return open;
  }

  private async claim(
    runId: string,
    chunk: number,
    size: number,
    zones: string[] | null,
    channel: SendingChannel,
  ): Promise<ClaimedRecipient[]> {
    if (zones !== null && zones.length === 0) return [];
    const tier = TIERS[channel.messagingTier];
    if (tier === undefined) return this.recipients.claim(runId, chunk, size, zones, null);
    return this.recipients.transaction(async (manager) => {
      await this.recipients.lockChannel(manager, channel.id);
      const { used } = await this.recipients.tierUsage(manager, channel.id);
      return this.recipients.claim(
        runId,
        chunk,
        size,
        zones,
        { channelId: channel.id, allowance: Math.max(0, tier - used) },
        manager,
      );
    });
  }

  /** Sends the claimed recipients on their rate-limit slots and sorts out what became of each. */
  private async sendBatch(
    campaign: CampaignRow,
    channel: SendingChannel,
    claimed: ClaimedRecipient[],
    slots: ReservedSlots,
  ): Promise<BatchOutcome> {
    const credentials = credentialsOf(channel);
    await this.provider.prepare?.(credentials);
    const template = {
      name: campaign.template_name,
      languageCode: campaign.language_code,
      imgUrl: campaign.img_url,
      buttons: campaign.buttons,
    };
    const outcome: BatchOutcome = { accepted: [], retry: [], failed: [], inDoubt: [], released: [] };
    // What an error means beyond one send (mark numbers, opt contacts out, pause the channel): once per kind.
    const policies = new Map<string, { error: ProviderError; contactIds: string[] }>();
    const sendOne = async (r: ClaimedRecipient): Promise<void> => {
      const sent = await this.provider.send(credentials, {
        to: r.to_number,
        message: toTemplateMessage(template, r.params),
        callbackData: `r:${r.id}`,
      });
      if (sent.ok) {
        outcome.accepted.push({ id: r.id, providerMessageId: sent.providerMessageId });
        return;
      }
      const error = sent.error;
      const recorded = toMessageError(error);
      const same = policies.get(error.category);
      if (same) same.contactIds.push(r.contact_id);
      else policies.set(error.category, { error, contactIds: [r.contact_id] });
      if (!error.retriable) {
        outcome.failed.push({ id: r.id, error: recorded });
        return;
      }
      if (error.category === 'throttled')
        await this.limiter.pause(channel.phoneNumberId, error.retryAfterMs ?? THROTTLE_PAUSE_MS);
      if (maybeSent(error)) {
        outcome.inDoubt.push({ id: r.id, error: recorded });
        return;
      }
      if (r.attempts >= this.config.sendMaxAttempts) outcome.failed.push({ id: r.id, error: recorded });
      else
        outcome.retry.push({
          id: r.id,
          error: recorded,
          delayMs: error.retryAfterMs ?? Math.min(60_000, 1_000 * 2 ** (r.attempts - 1)),
          attempts: r.attempts,
        });
    };
    // Each recipient goes on its own slot. One that would leave late (the claim or the event loop took longer
    // than the slack) takes a fresh slot instead, as long as that slot is soon; else it goes back to the queue.
    let pending = claimed;
    let current = slots;
    for (let round = 1; ; round += 1) {
      const { late } = await sendOnSlots(pending, current, sendOne);
      if (late.length === 0) break;
      // Only slots due soon: reserving further ahead and then handing the recipients back would leave those
      // slots unused too (each late send would cost two).
      const next =
        round < MAX_SLOT_ROUNDS
          ? await this.limiter.reserve(channel.phoneNumberId, channel.messagesPerSecond, late.length, {
              horizonMs: MAX_RESLOT_WAIT_MS,
            })
          : null;
      if (next === null) {
        outcome.released.push(...late.map((r) => ({ id: r.id, attempts: r.attempts })));
        break;
      }
      pending = late;
      current = next;
    }
    for (const { error, contactIds } of policies.values()) await this.policy.apply(error, channel.id, contactIds);
    return outcome;
  }

  private async context(runId: string): Promise<RunContext | undefined> {
    const cached = this.contexts.get(runId);
    if (cached && Date.now() - cached.at < CONTEXT_TTL_MS) return cached;
    const run = await this.campaigns.runById(runId);
    const campaign = run ? await this.campaigns.campaignById(run.campaign_id) : undefined;
    if (!run || !campaign) return undefined;
    const ctx = { run, campaign, at: Date.now() };
    this.contexts.set(runId, ctx);
    if (this.contexts.size > 1_000) this.contexts.delete(this.contexts.keys().next().value!);
    return ctx;
  }
}
