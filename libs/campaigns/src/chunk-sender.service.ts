import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { ChannelsService, type MessagingTag, type SendingChannel } from '@herald/channels';
import { Clock } from '@herald/common';
import { WorkerConfig } from '@herald/config';
import {
  SendLedgerRepository,
  SendPipeline,
  SendWorkers,
  expiresAt,
  tierLimit,
  untilSlot,
  windowState,
  windowZone,
  type ClaimedSend,
  type SendCategory,
} from '@herald/sending';
import { CampaignRepository, type CampaignRow, type RunRow } from './campaign.repository';
import { toPlatformMessage, toTemplateMessage, type MessageLayout } from './campaign-message.util';
import { messageLayout } from './recipient-params.util';
import { RecipientOutcomes } from './recipient-outcomes.service';
import { RecipientRepository, type ClaimedRecipient } from './recipient.repository';

/** How a run paused by its channel says why (the run view reads its waiting reason from it). */
export const CHANNEL_PAUSED = 'The channel is paused';

/** What became of a chunk job. `deferred`: the job was moved to the delayed set until `until`. */
export type ChunkResult = { state: 'done' | 'stopped' } | { state: 'deferred'; until: Date };

/** A batch covers about this much of the sender's rate, so a pause stops sends within it. */
const BATCH_SECONDS = 0.2;
const MAX_BATCH = 200;
/** How long before its first slot a batch is claimed (a claim takes a few ms, more on a busy database). */
const CLAIM_LEAD_MS = 250;
/** Waits shorter than this are slept through in the job; longer ones give the worker slot back (delayed job). */
const MAX_INLINE_WAIT_MS = 2_000;
const CONTEXT_TTL_MS = 1_000;
/** A window closing sooner than this is treated as closed (a batch takes up to BATCH_SECONDS to send). */
const WINDOW_MARGIN_MS = 1_000;
/**
 * Batches whose sends are still waiting for the provider's answers while the next ones are claimed and sent. A
 * provider 100–400 ms away answers a batch (0.2 s of the rate) well after its last slot: waiting for those answers
 * before claiming the next batch left the number idle for the round trip every batch (a one-chunk run at 250 ms
 * reached a third of its rate). Eight cover 1.4 s of latency.
 */
const MAX_BATCHES_IN_FLIGHT = 8;

interface RunContext {
  run: RunRow;
  campaign: CampaignRow;
  category: SendCategory;
  expiresAt: Date | null;
  /** Which of a recipient's parameters are the body's and which the buttons', and the header. */
  layout: MessageLayout;
  at: number;
}

function campaignCategory(campaign: Pick<CampaignRow, 'template_type'>): SendCategory {
  return campaign.template_type.toLowerCase() as SendCategory;
}

/**
 * Campaign recipients as a source of the one send pipeline. Sends one chunk of a run, batch by batch: reserve the
 * batch's rate-limit slots (shared by every worker through Redis), claim that many due recipients in Postgres
 * (queued → sending, only while the run is running, only in zones whose sending window is open), hand them to the
 * pipeline (checks, provider, one policy) and record what it says. What is left for later (outside the window,
 * quiet hours, backing off, over the tier) makes the job wait in the delayed set; nothing about who is left lives
 * in Redis.
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
    private readonly pipeline: SendPipeline,
    private readonly ledger: SendLedgerRepository,
    private readonly config: WorkerConfig,
    private readonly clock: Clock,
    private readonly recorder: RecipientOutcomes,
    private readonly workers: SendWorkers,
  ) {}

  /** The process is stopping: finish the batch in hand, then hand the chunk back. */
  stop(): void {
    this.stopping = true;
  }

  async send(runId: string, chunk: number): Promise<ChunkResult> {
    const inFlight = new InFlightBatches();
    try {
      return await this.sendBatches(runId, chunk, inFlight);
    } finally {
      // Every batch's outcomes are recorded before the job ends, whichever way it ends; a failure to record is the
      // job's failure (its recipients stay `sending`, settled by their status webhooks or the in-doubt timeout).
      await inFlight.drain();
    }
  }

  private async sendBatches(runId: string, chunk: number, inFlight: InFlightBatches): Promise<ChunkResult> {
    // Recipients are claimed in id order: later claims start after the last one (the batches in flight are not
    // walked over again); a pass that finds nothing more starts again from the beginning (retries come back there).
    let after = '0';
    // A batch handed some recipients back to the queue (sends that lost their slot and found no fresh one soon):
    // the next claim starts again from the beginning, so they go out with the next batch instead of after the
    // chunk's last one (where they made a run's tail; docs/BENCHMARKS.md, provider latency).
    let rewind = false;
    for (;;) {
      if (this.stopping) return { state: 'deferred', until: new Date() };
      if (rewind) {
        rewind = false;
        after = '0';
      }
      const ctx = await this.context(runId);
      if (!ctx || ctx.run.status !== 'running') return { state: 'stopped' };
      const channel = await this.channels.forSending(ctx.campaign.channel_id);
      if (!channel || channel.status === 'paused') {
        const reason = channel ? `${CHANNEL_PAUSED}: ${channel.statusReason ?? 'see the channel'}.` : 'The channel was deleted.';
        await this.campaigns.transition(runId, ['running'], channel ? 'paused' : 'failed', { failureReason: reason, completedAt: !channel });
        this.contexts.delete(runId);
        this.logger.warn(`run ${runId} stopped: ${reason}`);
        return { state: 'stopped' };
      }
      // Slots only for recipients that are there: a reserved slot nobody uses is channel capacity lost (else one
      // batch at the end of every chunk, and a whole batch for a chunk job that finds nothing left).
      const due = await this.recipients.dueCount(runId, chunk, MAX_BATCH, after);
      if (due === 0 && after !== '0') {
        after = '0';
        continue;
      }
      if (due === 0) {
        // What is left is only known once the batches in flight are recorded (a retry puts a recipient back).
        if (inFlight.size > 0) {
          await inFlight.drain();
          continue;
        }
        const next = await this.whatNext(runId, chunk, channel);
        if (next === 'continue') continue;
        return next;
      }
      const perSecond = channel.messagesPerSecond;
      const size = Math.max(1, Math.min(MAX_BATCH, Math.floor(perSecond * BATCH_SECONDS), due));
      const slots = await this.pipeline.reserve(channel, size, { leadMs: CLAIM_LEAD_MS });
      if (slots === null) {
        await sleep(500);
        continue;
      }
      // Claim a little before the first slot, so the claim's own time does not make the first sends late (a
      // late send loses its slot); not earlier, so a pause still stops what has not been claimed.
      await untilSlot(slots.firstAt - CLAIM_LEAD_MS);
      // Windows are judged right before the claim: the batch goes out within BATCH_SECONDS.
      const zones = await this.openZones(ctx.campaign, runId, chunk);
      // Numbered for the departure record (SendWorkers.claiming); closed below once the batch's outcomes are recorded.
      const { seqs, claimed } = await this.workers.claiming(size, async (s) =>
        zones !== null && zones.length === 0 ? [] : this.recipients.claim(runId, chunk, s, zones, after),
      );
      if (claimed.length === 0 && after !== '0') {
        after = '0';
        continue;
      }
      if (claimed.length === 0) {
        if (inFlight.size > 0) {
          await inFlight.drain();
          continue;
        }
        const next = await this.whatNext(runId, chunk, channel);
        if (next === 'continue') continue;
        return next;
      }
      after = claimed[claimed.length - 1]!.id;
      const { sendable, outcomes } = await this.pipeline.check(channel, claimed.map((r) => this.toSend(ctx, r, channel, seqs.by)));
      // Sent on its slots, its answers recorded as they come in (RecipientOutcomes); meanwhile the next batch is
      // claimed for the slots after these. At most MAX_BATCHES_IN_FLIGHT at once; a failed one stops the chunk.
      const batch = this.recorder.track(ctx.campaign.workspace_id, outcomes);
      inFlight.add(
        this.pipeline
          .send(channel, sendable, slots, this.config.sendMaxAttempts, batch.outcomes, {
            // A stopping worker hands them back: another one sends them, sooner than a far slot would.
            stillWanted: async () => !this.stopping && (await this.stillRunning(runId)),
          })
          .then(
            () => batch.finished(),
            (error: unknown) =>
              batch.finished().then(() => {
                throw error;
              }),
          )
          .then((released) => {
            this.workers.close(seqs);
            if (released) rewind = true;
          }),
      );
      await inFlight.room(MAX_BATCHES_IN_FLIGHT);
    }
  }

  /** Whether the run is still running, read now (not the cached context): late sends are asked about before a far slot. */
  private async stillRunning(runId: string): Promise<boolean> {
    return (await this.campaigns.runById(runId))?.status === 'running';
  }

  /**
   * A claimed recipient as the pipeline takes it: the template message Herald built from the validated campaign, or
   * on a channel without templates its text or buttons (checked by the adapter: a recipient's own values may make it
   * longer than the platform takes, and that one fails alone).
   */
  private toSend(ctx: RunContext, r: ClaimedRecipient, channel: SendingChannel, claimedBy: string): ClaimedSend {
    const c = ctx.campaign;
    const platform = channel.type !== 'whatsapp';
    return {
      id: r.id,
      callbackData: `r:${r.id}`,
      workspaceId: ctx.run.workspace_id,
      contactId: r.contact_id,
      to: r.to_number,
      message: platform
        ? toPlatformMessage({ body: c.body, buttons: c.buttons, tag: c.messaging_tag as MessagingTag | null }, r.params, ctx.layout)
        : toTemplateMessage({ name: c.template_name, languageCode: c.language_code, imgUrl: c.img_url, buttons: c.buttons }, r.params, ctx.layout),
      attempts: r.attempts,
      category: ctx.category,
      expiresAt: ctx.expiresAt,
      timezone: r.timezone,
      ignoreQuietHours: ctx.run.ignore_quiet_hours,
      frequencyCapped: true,
      prevalidated: !platform,
      claimedBy,
      seq: r.claim_seq,
    };
  }

  /** Nothing claimable now: finished, stopped, or waiting for a time (window, quiet hours, backoff, tier). */
  private async whatNext(runId: string, chunk: number, channel: SendingChannel): Promise<ChunkResult | 'continue'> {
    this.contexts.delete(runId);
    const ctx = await this.context(runId);
    if (!ctx || ctx.run.status !== 'running') return { state: 'stopped' };
    const left = await this.recipients.chunkLeft(runId, chunk);
    const now = this.clock.now().toMillis();
    if (left.queued === 0) {
      // In-flight ones of other workers settle themselves; the last one out completes the run.
      if (left.sending === 0) await this.campaigns.completeFinished([runId]);
      return { state: 'done' };
    }
    let until = left.nextDue ?? new Date(now);
    const limit = tierLimit(channel);
    if (until.getTime() <= now && limit !== undefined) {
      // Due but not claimed: the tier allows no new recipient now. Wait until the oldest one leaves the 24 h.
      const usage = await this.ledger.tierUsage(channel);
      if (usage.used >= limit) {
        until = usage.freesAt ?? new Date(now + 3_600_000);
        await this.recipients.deferChunk(runId, chunk, until);
      }
    }
    const wait = until.getTime() - now;
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
    const now = this.clock.now().toJSDate();
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

  private async context(runId: string): Promise<RunContext | undefined> {
    const cached = this.contexts.get(runId);
    if (cached && Date.now() - cached.at < CONTEXT_TTL_MS) return cached;
    const run = await this.campaigns.runById(runId);
    const campaign = run ? await this.campaigns.campaignById(run.campaign_id) : undefined;
    if (!run || !campaign) return undefined;
    const category = campaignCategory(campaign);
    const ctx = {
      run,
      campaign,
      category,
      expiresAt: expiresAt(run.started_at ?? run.time_to_run, run.validity_seconds, category),
      layout: messageLayout({ variables: campaign.variables, templateParams: campaign.template_params }),
      at: Date.now(),
    };
    this.contexts.set(runId, ctx);
    if (this.contexts.size > 1_000) this.contexts.delete(this.contexts.keys().next().value!);
    return ctx;
  }
}

/** Batches being sent and recorded while the chunk goes on; the first failure is thrown at the next wait. */
class InFlightBatches {
  private readonly pending = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  get size(): number {
    return this.pending.size;
  }

  add(batch: Promise<unknown>): void {
    const tracked: Promise<void> = batch.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Waits until fewer than `max` are in flight. */
  async room(max: number): Promise<void> {
    while (this.pending.size >= max) await Promise.race(this.pending);
    this.throwIfFailed();
  }

  /** Waits for every batch in flight. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

