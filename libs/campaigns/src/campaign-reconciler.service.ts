import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { ChannelsService } from '@herald/channels';
import { WorkerConfig } from '@herald/config';
import { JobQueue, QueueName } from '@herald/queues';
import { AUTHENTICATION_VALIDITY_SECONDS, DEFAULT_VALIDITY_SECONDS, liveClaimOverSeconds, SendLedgerRepository, SendWorkers, StatusReceivers } from '@herald/sending';
import { CampaignRepository, TEMPLATE_PAUSED } from './campaign.repository';
import { RecipientRepository } from './recipient.repository';
import { RunJobs } from './run-jobs.service';
import { TemplateRegistrar } from './template-registrar.service';

/** A run's validity when it gives none, by its category (seconds). */
const VALIDITY_DEFAULTS = { default: DEFAULT_VALIDITY_SECONDS, authentication: AUTHENTICATION_VALIDITY_SECONDS };
/** Every this many passes, chunks of running runs are queued again even without a sign of loss (a failed job). */
const FULL_PASS_EVERY = 6;
/** A pending template is asked about when nothing was heard of it for this long. */
const TEMPLATE_POLL_SECONDS = 30;

export interface ReconcileReport {
  redisLost: boolean;
  inDoubtReleased: number;
  startsQueued: number;
  chunksQueued: number;
  completed: number;
}

/**
 * Rebuilds campaign work from Postgres, on a BullMQ job scheduler. Jobs have deterministic ids, so queueing
 * one that still exists does nothing: the reconciler can always queue what Postgres says should exist.
 * - Redis lost its data (the epoch key is gone): every scheduled start and every chunk with recipients left.
 * - Starts due soon whose job is missing; runs waiting for a template that was decided meanwhile.
 * - Sends claimed by a worker now gone that never left it: back to queued at once, their chunks queued.
 * - Sends in doubt for longer than SEND_UNCONFIRMED_AFTER_SECONDS: back to queued, their chunks queued.
 * - Running runs with nothing left: completed. Pending templates: asked about. The tier ledger: trimmed.
 */
@Injectable()
export class CampaignReconciler implements OnModuleDestroy {
  private readonly logger = new Logger(CampaignReconciler.name);
  private passes = 0;
  private redis: Redis | undefined;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly recipients: RecipientRepository,
    private readonly jobs: RunJobs,
    private readonly queue: JobQueue,
    private readonly templates: TemplateRegistrar,
    private readonly config: WorkerConfig,
    private readonly ledger: SendLedgerRepository,
    private readonly receivers: StatusReceivers,
    private readonly workers: SendWorkers,
    private readonly channels: ChannelsService,
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    this.passes += 1;
    const redisLost = await this.redisLost();
    const report: ReconcileReport = { redisLost, inDoubtReleased: 0, startsQueued: 0, chunksQueued: 0, completed: 0 };

    const unconfirmedAfter = this.config.sendUnconfirmedAfterSeconds;
    const inDoubt = await this.recipients.inDoubt(unconfirmedAfter);
    const liveClaimOver = liveClaimOverSeconds(unconfirmedAfter, this.config.providerTimeoutMs);
    // Claimed by a worker now gone and never let leave it: queued again at once (SendWorkers.bury, rule 5).
    const unsent = await this.recipients.releaseNeverSent(await this.workers.bury(await this.recipients.claimants()));
    await this.jobs.chunks(unsent); // at once: if a later step of this pass fails, they do not wait for a full pass
    const released = [
      ...unsent,
      ...(inDoubt.since === null
        ? []
        : await this.recipients.releaseInDoubt(unconfirmedAfter, liveClaimOver, await this.receivers.receipts(inDoubt.since, await this.channels.platformsOf(inDoubt.channelIds)))),
    ];
    report.inDoubtReleased = released.length;

    const horizon = Date.now() + 2 * this.config.campaignReconcileIntervalMs;
    const scheduled = await this.campaigns.runsIn(['scheduled']);
    const starts = redisLost
      ? scheduled.map((r) => r.id)
      : await this.missingStarts(scheduled.filter((r) => r.time_to_run.getTime() <= horizon).map((r) => r.id));
    // Queued with their own delay: a rebuilt start still fires at its timeToRun, not now.
    await this.jobs.startsNow(starts, new Map(scheduled.map((r) => [r.id, r.time_to_run])));
    report.startsQueued = starts.length;

    // Runs waiting for a template, and runs a paused template holds (its approval webhook may have been missed).
    const held = (await this.campaigns.runsIn(['paused'])).filter((r) => r.failure_reason?.startsWith(TEMPLATE_PAUSED));
    const waiting = new Set([...(await this.campaigns.runsIn(['waiting_for_template'])), ...held].map((r) => r.campaign_id));
    for (const campaignId of waiting) await this.templates.settleWaitingRuns(campaignId);

    await this.recipients.cancelStrays();
    await this.expireOverdue();
    // Running runs with nothing left, and paused ones whose validity ran out (what they had left just expired).
    report.completed = (await this.campaigns.completeFinished(undefined, VALIDITY_DEFAULTS)).length;
    const running = (await this.campaigns.runsIn(['running'])).map((r) => r.id);
    const chunks =
      redisLost || this.passes % FULL_PASS_EVERY === 0
        ? await this.recipients.pendingChunks(running)
        : released.filter((c) => running.includes(c.runId));
    await this.jobs.chunks(chunks);
    report.chunksQueued = chunks.length;

    for (const campaign of await this.campaigns.pendingTemplates(TEMPLATE_POLL_SECONDS)) {
      await this.templates
        .poll(campaign)
        .catch((error: Error) => this.logger.warn(`template of campaign ${campaign.id}: ${error.message}`));
    }
    await this.ledger.prune();
    if (redisLost || report.inDoubtReleased > 0 || report.startsQueued > 0)
      this.logger.log(`reconciled: ${JSON.stringify(report)}`);
    return report;
  }

  /**
   * Recipients still waiting when their run's validity ran out become `expired` — never sent late, whether a
   * paused run, a paused channel, a window or the tier held them — and sends still in doubt then fail `unconfirmed`
   * (never sent again). A running run left with nothing completes.
   */
  private async expireOverdue(): Promise<void> {
    const touched = await this.recipients.expireOverdue(VALIDITY_DEFAULTS, this.config.sendUnconfirmedAfterSeconds);
    if (touched.length > 0) this.logger.log(`expired what was left of runs ${touched.join(', ')}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }

  private async missingStarts(runIds: string[]): Promise<string[]> {
    const queue = this.queue.queue(QueueName.Campaigns);
    const missing: string[] = [];
    for (const id of runIds) if (!(await queue.getJob(id))) missing.push(id);
    return missing;
  }

  /**
   * Redis keeps an epoch key from the first pass on. Missing means Redis was flushed or replaced since: every
   * job may be gone, so everything is rebuilt (which is harmless when it was not).
   */
  private async redisLost(): Promise<boolean> {
    if (!this.redis) {
      this.redis = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 3 });
      this.redis.on('error', () => undefined); // a failed call fails the pass; the next pass tries again
    }
    const client = this.redis;
    const key = `${this.config.redisPrefix}:campaigns:epoch`;
    const set = await client.set(key, new Date().toISOString(), 'NX');
    return set === 'OK';
  }
}
