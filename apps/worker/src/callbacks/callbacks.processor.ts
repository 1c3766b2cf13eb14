import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { CallbackDeliverer } from '@herald/callbacks';
import { JobName, QueueName, WORKER_OPTIONS, type JobNameOf, type JobPayloads } from '@herald/queues';

/** Delivers callbacks, one target's due deliveries per job. Thin: the deliverer claims, posts and records. */
@Processor(QueueName.Callbacks, WORKER_OPTIONS)
export class CallbacksProcessor extends WorkerHost {
  constructor(private readonly deliverer: CallbackDeliverer) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobNameOf<QueueName.Callbacks>;
    switch (name) {
      case JobName.DeliverCallbacks:
        return this.deliverer.deliver(job.data as JobPayloads[JobName.DeliverCallbacks]);
      default: {
        const unknown: never = name;
        throw new Error(`callbacks queue has no handler for job "${String(unknown)}"`);
      }
    }
  }

  /** Stopping: jobs finish the batch in hand and take no further one (the sweeper of another worker goes on). */
  @OnWorkerEvent('closing')
  onClosing(): void {
    this.deliverer.stop();
  }
}
