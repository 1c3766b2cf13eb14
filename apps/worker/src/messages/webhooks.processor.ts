import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { WorkerConfig } from '@herald/config';
import { WebhookApplier } from '@herald/provider-events';
import { JobName, QueueName, WORKER_OPTIONS, type JobNameOf, type JobPayloads } from '@herald/queues';

/** Applies stored webhook events in batches. Thin: the applier does it in one transaction. */
@Processor(QueueName.Webhooks, WORKER_OPTIONS)
export class WebhooksProcessor extends WorkerHost {
  constructor(
    private readonly applier: WebhookApplier,
    private readonly config: WorkerConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobNameOf<QueueName.Webhooks>;
    switch (name) {
      case JobName.ApplyWebhooks: {
        const { eventId } = job.data as JobPayloads[JobName.ApplyWebhooks];
        return this.applier.apply(eventId, this.config.optOutKeywords);
      }
      default: {
        const unknown: never = name;
        throw new Error(`webhooks queue has no handler for job "${String(unknown)}"`);
      }
    }
  }
}
