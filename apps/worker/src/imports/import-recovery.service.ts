import { Injectable } from '@nestjs/common';
import { PinoLogger } from '@herald/logging';
import { ImportsService } from '@herald/contacts';
import { JobName, JobQueue, QueueName } from '@herald/queues';

/** Imports unfinished for this long are checked against the queue. */
const STALE_AFTER_SECONDS = 60;

/**
 * Postgres is the record of imports; Redis only carries their jobs. Every minute, an import that is still
 * queued or running without a live job (Redis flushed, the enqueue after the upload failed) gets its job
 * back; one whose job failed for good is marked failed.
 */
@Injectable()
export class ImportRecovery {
  constructor(
    private readonly imports: ImportsService,
    private readonly jobs: JobQueue,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(ImportRecovery.name);
  }

  async requeue(): Promise<{ requeued: number; failed: number }> {
    const queue = this.jobs.queue(QueueName.Imports);
    let requeued = 0;
    let failed = 0;
    for (const importId of await this.imports.unfinished(STALE_AFTER_SECONDS)) {
      const job = await queue.getJob(importId);
      if (!job) {
        await this.jobs.add(JobName.ProcessImport, { importId }, { jobId: importId });
        requeued += 1;
      } else if (await job.isFailed()) {
        await this.imports.recordFailure(importId, job.failedReason || 'the import job failed', true);
        failed += 1;
      }
    }
    if (requeued + failed > 0) this.logger.info({ requeued, failed }, 'recovered unfinished imports');
    return { requeued, failed };
  }
}
