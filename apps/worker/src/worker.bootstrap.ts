import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger as NestLogger, type INestApplicationContext } from '@nestjs/common';
import { Logger } from '@herald/logging';
import type { WorkerConfig } from '@herald/config';
import { WorkerModule } from './worker.module';
import { WorkerPool, type DrainOutcome } from './worker-pool.service';

/**
 * Builds a worker process's application context. The BullMQ workers of its queues (WORKER_QUEUES) start taking jobs
 * at the application's bootstrap (WorkerPool), while the rest of the start may still be settling.
 */
export async function createWorkerApp(config: WorkerConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  return app;
}

/**
 * Drains the workers, then closes every connection, both within the grace period counted from `since` (when the
 * stop was asked for). Nothing in the app's shutdown hooks can hold the exit past it: a close still running at
 * the end of the grace period is left behind (the process is about to exit; finished jobs are already
 * acknowledged and their outcomes committed), and the outcome is then `grace_expired`.
 */
export async function stopWorkerApp(
  app: INestApplicationContext,
  config: WorkerConfig,
  since: number = Date.now(),
): Promise<DrainOutcome> {
  const deadline = since + config.shutdownGraceMs;
  const outcome = await app.get(WorkerPool).drain(deadline - Date.now());
  if (outcome !== 'drained') return outcome;
  const closing = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const cutShort = new Promise<'cut_short'>((resolve) => {
    timer = setTimeout(() => resolve('cut_short'), Math.max(0, deadline - closing));
  });
  const closed = await Promise.race([app.close().then(() => 'closed' as const), cutShort]);
  clearTimeout(timer);
  if (closed === 'closed') return 'drained';
  new NestLogger('WorkerShutdown').warn(
    `grace period (${config.shutdownGraceMs} ms) over while closing connections (${Date.now() - closing} ms so far): exiting without waiting for them`,
  );
  return 'grace_expired';
}
