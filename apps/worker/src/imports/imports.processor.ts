import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { PinoLogger } from '@herald/logging';
import { ImportsService } from '@herald/contacts';
import { JobName, QueueName, WORKER_OPTIONS, type JobNameOf, type JobPayloads } from '@herald/queues';

/** Applies staged CSV imports. Thin: the service does the work and is safe to run again. */
@Processor(QueueName.Imports, WORKER_OPTIONS)
export class ImportsProcessor extends WorkerHost {
  constructor(
    private readonly imports: ImportsService,
    private readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(ImportsProcessor.name);
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobNameOf<QueueName.Imports>;
    switch (name) {
      case JobName.ProcessImport: {
        const { importId } = job.data as JobPayloads[JobName.ProcessImport];
        const outcome = await this.imports.process(importId).catch(async (error: unknown) => {
          const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          await this.imports.recordFailure(importId, error, final);
          this.logger.warn({ importId, err: error, final }, 'import attempt failed');
          throw error;
        });
        // Another process holds the import's lock: try again later, without counting it as a failure of the import.
        if (outcome.status === 'busy') throw new Error(`import ${importId} is being applied by another worker`);
        return outcome;
      }
      default: {
        const unknown: never = name;
        throw new Error(`imports queue has no handler for job "${String(unknown)}"`);
      }
    }
  }
}
