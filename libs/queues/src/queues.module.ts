import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { CoreConfig } from '@herald/config';
import { ALL_QUEUES } from './queue.constants';
import { JobQueue } from './job-queue.service';

/**
 * Connects BullMQ to Redis (prefix from REDIS_PREFIX) and registers every queue Herald has. Finished jobs
 * are trimmed so Redis stays small: Postgres, not Redis, is the record of what happened.
 */
@Module({})
export class QueuesModule {
  static forRoot(): DynamicModule {
    const queues = BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name })));
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
