import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { CoreConfig } from '@herald/config';
import { ALL_QUEUES, QueueName } from './queue.constants';

/**
 * Per-queue options. The callbacks queue runs a short job per endpoint and batch, many a second: its events stream
 * (BullMQ's log of job events, which nothing of Herald reads) is capped at 1,000 entries instead of 10,000, so Redis
 * holds ~0.1 MB of it rather than ~1 MB (docs/BENCHMARKS.md, callbacks).
 */
const QUEUE_OPTIONS: Partial<Record<QueueName, { streams: { events: { maxLen: number } } }>> = {
  [QueueName.Callbacks]: { streams: { events: { maxLen: 1_000 } } },
};
import { JobQueue } from './job-queue.service';

/**
 * Connects BullMQ to Redis (prefix from REDIS_PREFIX) and registers every queue Herald has. Finished jobs
 * are trimmed so Redis stays small: Postgres, not Redis, is the record of what happened.
 */
@Module({})
export class QueuesModule {
  static forRoot(): DynamicModule {
    const queues = BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name, ...(QUEUE_OPTIONS[name] ?? {}) })));
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [CoreConfig],
          useFactory: (config: CoreConfig) => ({
            connection: { url: config.redisUrl, maxRetriesPerRequest: null },
            prefix: config.redisPrefix,
            defaultJobOptions: {
              removeOnComplete: { count: 1_000 },
              removeOnFail: { count: 10_000 },
              attempts: 5,
              backoff: { type: 'exponential', delay: 1_000 },
            },
          }),
        }),
        queues,
      ],
      providers: [JobQueue],
      exports: [queues, JobQueue],
    };
  }
}
