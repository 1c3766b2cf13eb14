import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JobName, JobQueue, QueueName } from '@herald/queues';

const HOUR_MS = 3_600_000;

/**
 * Registers the periodic housekeeping jobs. `upsertJobScheduler` is idempotent, so every worker doing it at
 * start leaves exactly one schedule, however many workers run.
 */
@Injectable()
export class MaintenanceSchedule implements OnApplicationBootstrap {
  constructor(private readonly jobs: JobQueue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queue(QueueName.Maintenance)
      .upsertJobScheduler(JobName.PurgeRevokedApiKeys, { every: HOUR_MS }, { name: JobName.PurgeRevokedApiKeys, data: {} });
  }
}
