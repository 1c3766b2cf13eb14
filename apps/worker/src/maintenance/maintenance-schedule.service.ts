import { Injectable, Logger, OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WorkerConfig } from '@herald/config';
import { JobName, JobQueue, QueueName } from '@herald/queues';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Schedules live in Redis: they are registered again at least this often, so a flushed Redis gets them back. */
const REGISTER_AGAIN_MS = 30_000;

/**
 * Registers the periodic housekeeping jobs. `upsertJobScheduler` is idempotent, so every worker doing it at
 * start (and again every 30 s, in case Redis lost them) leaves exactly one schedule, however many workers run.
 */
@Injectable()
export class MaintenanceSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceSchedule.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: JobQueue,
    private readonly config: WorkerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    this.timer = setInterval(() => {
      this.register().catch((error: Error) => this.logger.warn(`could not register job schedules: ${error.message}`));
    }, Math.min(REGISTER_AGAIN_MS, this.config.campaignReconcileIntervalMs));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async register(): Promise<void> {
    const queue = this.jobs.queue(QueueName.Maintenance);
    await queue.upsertJobScheduler(JobName.PurgeRevokedApiKeys, { every: HOUR_MS }, { name: JobName.PurgeRevokedApiKeys, data: {} });
    // Callback retention: finished deliveries older than CALLBACK_RETENTION_DAYS, and events with none left.
    await queue.upsertJobScheduler(JobName.PurgeCallbacks, { every: HOUR_MS }, { name: JobName.PurgeCallbacks, data: {} });
    await queue.upsertJobScheduler(JobName.PurgeFailedWebhooks, { every: HOUR_MS }, { name: JobName.PurgeFailedWebhooks, data: {} });
    await queue.upsertJobScheduler(JobName.RequeueImports, { every: MINUTE_MS }, { name: JobName.RequeueImports, data: {} });
    // Single messages' lost work as often as campaigns' (at most every 30 s): a worker that dies holds whole batches of
    // claimed messages, which go out again only once this job has found it gone (rule 5 of ADR 0009).
    await queue.upsertJobScheduler(
      JobName.RequeueMessages,
      { every: Math.min(MINUTE_MS / 2, this.config.campaignReconcileIntervalMs) },
      { name: JobName.RequeueMessages, data: {} },
    );
    await queue.upsertJobScheduler(JobName.RequeueWebhooks, { every: MINUTE_MS / 2 }, { name: JobName.RequeueWebhooks, data: {} });
    await queue.upsertJobScheduler(JobName.ReadChannelLimits, { every: 5 * MINUTE_MS }, { name: JobName.ReadChannelLimits, data: {} });
    // Each account's templates are read whole once an hour (TEMPLATE_SYNC_EVERY_SECONDS); webhooks keep them current between.
    await queue.upsertJobScheduler(JobName.SyncTemplates, { every: 15 * MINUTE_MS }, { name: JobName.SyncTemplates, data: {} });
    await queue.upsertJobScheduler(
      JobName.ReconcileCampaigns,
      { every: this.config.campaignReconcileIntervalMs },
      { name: JobName.ReconcileCampaigns, data: {} },
    );
  }
}
