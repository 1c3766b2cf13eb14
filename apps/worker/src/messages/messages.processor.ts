import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { PinoLogger } from '@herald/logging';
import { MessageSender } from '@herald/messaging';
import { JobName, QueueName, WORKER_OPTIONS, type JobNameOf, type JobPayloads } from '@herald/queues';

/** Sends messages. Thin: the sender claims the job's message with other due ones of its channel, sends them through the pipeline as one batch and records; what must wait gets a delayed job. */
@Processor(QueueName.Messages, WORKER_OPTIONS)
export class MessagesProcessor extends WorkerHost {
  constructor(
    private readonly sender: MessageSender,
    private readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(MessagesProcessor.name);
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobNameOf<QueueName.Messages>;
    switch (name) {
      case JobName.SendMessage: {
        const { messageId, with: others } = job.data as JobPayloads[JobName.SendMessage];
        return { result: await this.sender.sendDue(messageId, others) };
      }
      default: {
        const unknown: never = name;
        throw new Error(`messages queue has no handler for job "${String(unknown)}"`);
      }
    }
  }
}
