import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { PinoLogger } from '@herald/logging';
import { WorkerConfig } from '@herald/config';
import { QUEUE_CONCURRENCY, type QueueName } from '@herald/queues';
import { ChunkSender } from '@herald/campaigns';

export type DrainOutcome = 'drained' | 'grace_expired';

/**
 * The BullMQ workers of this process. Draining takes no new jobs at once and gives active jobs up to the grace
 * period to finish. Jobs still running after it keep their lock until it expires, when another worker picks
 * them up as stalled, so stopping never loses a job.
 */
@Injectable()
export class WorkerPool implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly logger: PinoLogger,
    private readonly chunks: ChunkSender,
    private readonly config: WorkerConfig,
  ) {
    logger.setContext(WorkerPool.name);
  }

  /** Once every module is initialised (the BullMQ workers exist, none running): this process's queues start. */
  onApplicationBootstrap(): void {
    this.setConcurrency(this.config.workerConcurrency);
    this.start(this.config.workerQueues);
  }

  private hosts(): WorkerHost[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost);
  }

  /**
   * Starts taking jobs from `queues` (WORKER_QUEUES) and from no other: every processor is built with
   * `autorun: false`, so a queue this process does not drain is never polled here, and its BullMQ worker is closed
   * (its Redis connections too: Redis then lists only the processes that drain a queue, which /metrics counts as
   * `herald_queue_workers`). Returns the queues started.
   */
  start(queues: readonly string[]): string[] {
    const started: string[] = [];
    for (const host of this.hosts()) {
      const worker = host.worker;
      if (!queues.includes(worker.name)) {
        worker.close().catch((error: unknown) => worker.emit('error', error as Error));
        continue;
      }
      if (worker.isRunning()) continue;
      // run() settles when the worker closes; a failure to start is BullMQ's 'error' event, as with autorun.
      worker.run().catch((error: unknown) => worker.emit('error', error as Error));
      started.push(worker.name);
    }
    this.logger.info({ queues: started }, `draining ${started.length === 0 ? 'no queue' : started.join(', ')}`);
    return started;
  }

  /** WORKER_CONCURRENCY for every queue, except the heavy ones that set their own lower figure. */
  setConcurrency(concurrency: number): void {
    for (const host of this.hosts()) {
      const own = QUEUE_CONCURRENCY[host.worker.name as QueueName];
      host.worker.concurrency = own === undefined ? concurrency : Math.min(own, concurrency);
    }
  }

  async drain(graceMs: number): Promise<DrainOutcome> {
    const workers = this.hosts().map((host) => host.worker);
    this.logger.info({ workers: workers.length, graceMs }, 'stopping: taking no new jobs, letting active ones finish');
    // Campaign chunks can take minutes: they finish the batch in hand and go back to the queue for another worker.
    this.chunks.stop();
    // A worker's close() resolves once its active jobs are done: the queues left here at the end are the cut-short ones.
    const busy = new Set(workers.map((w) => w.name));
    const closed = Promise.all(workers.map((w) => w.close().then(() => busy.delete(w.name)))).then((): DrainOutcome => 'drained');
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<DrainOutcome>((resolve) => {
      timer = setTimeout(() => resolve('grace_expired'), Math.max(0, graceMs));
    });
    const outcome = await Promise.race([closed, expired]);
    clearTimeout(timer);
    if (outcome === 'grace_expired') {
      this.logger.warn(
        { graceMs, queues: [...busy] },
        'grace period over with jobs still active; they will be retried by another worker',
      );
    } else {
      // (BullMQ counts no active jobs for us: what is known is that every queue's worker closed.)
      this.logger.info({ queues: workers.length }, 'all active jobs finished');
    }
    return outcome;
  }
}
