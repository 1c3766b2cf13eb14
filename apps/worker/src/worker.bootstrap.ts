import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { WorkerConfig } from '@herald/config';
import { WorkerModule } from './worker.module';
import { WorkerPool, type DrainOutcome } from './worker-pool.service';

/** Builds a worker process's application context; its BullMQ workers start taking jobs at once. */
export async function createWorkerApp(config: WorkerConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.get(WorkerPool).setConcurrency(config.workerConcurrency);
  return app;
}

/** Drains the workers within the grace period, then closes every connection. */
export async function stopWorkerApp(app: INestApplicationContext, config: WorkerConfig): Promise<DrainOutcome> {
  const outcome = await app.get(WorkerPool).drain(config.shutdownGraceMs);
  if (outcome === 'drained') await app.close();
  return outcome;
}
