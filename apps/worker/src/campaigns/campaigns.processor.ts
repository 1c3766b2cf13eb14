import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { PinoLogger } from '@herald/logging';
import { ChunkSender, RunStarter, TemplateRegistrar } from '@herald/campaigns';
import { JobName, QueueName, WORKER_OPTIONS, type JobNameOf, type JobPayloads } from '@herald/queues';

/**
 * Campaign jobs. A chunk job runs as long as its chunk has recipients it may send now; when the rest must
 * wait (sending window, backoff, tier) the job moves itself to the delayed set until then. A killed worker's
 * chunk is taken over as stalled after the lock expires (10 s here, not BullMQ's 30 s): Postgres says who is
 * left, so doing a chunk twice sends nobody twice.
 */
@Processor(QueueName.Campaigns, { ...WORKER_OPTIONS, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 1_000 })
export class CampaignsProcessor extends WorkerHost {
  constructor(
    private readonly templates: TemplateRegistrar,
    private readonly starter: RunStarter,
    private readonly chunks: ChunkSender,
    private readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(CampaignsProcessor.name);
  }

  async process(job: Job, token?: string): Promise<unknown> {
    const name = job.name as JobNameOf<QueueName.Campaigns>;
    switch (name) {
      case JobName.RegisterTemplate: {
        const { campaignId } = job.data as JobPayloads[JobName.RegisterTemplate];
        return { template: await this.templates.register(campaignId) };
      }
      case JobName.StartRun: {
        const { runId } = job.data as JobPayloads[JobName.StartRun];
        return { run: await this.starter.start(runId) };
      }
      case JobName.SendChunk: {
        const { runId, chunk } = job.data as JobPayloads[JobName.SendChunk];
        const result = await this.chunks.send(runId, chunk);
        if (result.state === 'deferred') {
          await job.moveToDelayed(Math.max(result.until.getTime(), Date.now()), token);
          throw new DelayedError(`chunk ${chunk} of run ${runId} waits until ${result.until.toISOString()}`);
        }
        return result;
      }
      default: {
        const unknown: never = name;
        throw new Error(`campaigns queue has no handler for job "${String(unknown)}"`);
      }
    }
  }
}
