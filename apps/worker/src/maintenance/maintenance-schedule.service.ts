import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JobName, JobQueue, QueueName } from '@herald/queues';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Registers the periodic housekeeping jobs. `upsertJobScheduler` is idempotent, so every worker doing it at
 * start leaves exactly one schedule, however many workers run.
 */
@Injectable()
export class MaintenanceSchedule implements OnApplicationBootstrap {
  constructor(private readonly jobs: JobQueue) {}

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.jobs.queue(QueueName.Maintenance);
    await queue.upsertJobScheduler(JobName.PurgeRevokedApiKeys, { every: HOUR_MS }, { name: JobName.PurgeRevokedApiKeys, data: {} });
    await queue.upsertJobScheduler(JobName.RequeueImports, { every: MINUTE_MS }, { name: JobName.RequeueImports, data: {} });
    await queue.upsertJobScheduler(JobName.RequeueMessages, { every: MINUTE_MS / 2 }, { name: JobName.RequeueMessages, data: {} });
    await queue.upsertJobScheduler(JobName.RequeueWebhooks, { every: MINUTE_MS / 2 }, { name: JobName.RequeueWebhooks, data: {} });
  }
}
