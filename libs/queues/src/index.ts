export * from './queue.constants';
export * from './queues.module';
export * from './job-queue.service';
export * from './processed-jobs.util';
