import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { ALL_QUEUES, JobName, JobPayloads, QUEUE_OF_JOB, QueueName } from './queue.constants';

/** The one typed way to put work on a queue, and to reach the queues themselves. */
@Injectable()
export class JobQueue {
  constructor(private readonly moduleRef: ModuleRef) {}

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  all(): Queue[] {
    return ALL_QUEUES.map((name) => this.queue(name));
  }

  add<J extends JobName>(name: J, data: JobPayloads[J], options?: JobsOptions): Promise<unknown> {
    return this.queue(QUEUE_OF_JOB[name]).add(name, data, options);
  }
}
