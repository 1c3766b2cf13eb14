import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { CoreConfig } from '@herald/config';
import { ALL_QUEUES, JobName, JobPayloads, QUEUE_OF_JOB, QueueName } from './queue.constants';

/**
 * A job id of its own for work handed out again (the first job's id may still be held by a completed or failed
 * job). Not `<id>:<stamp>`: BullMQ refuses custom ids with a colon (other than its own three-part ones).
 */
export function requeuedJobId(firstJobId: string, stamp: number): string {
  return `${firstJobId}-again-${stamp}`;
}

/**
 * A job id for work named by a row whose id a database hands out again (a bigint identity, after a restore or a
 * database made anew while Redis kept its jobs): stamped with the time, so a finished job Redis still holds under the
 * same name does not swallow the new one (BullMQ ignores an add under an id it holds).
 */
export function stampedJobId(base: string, stamp: number): string {
  return `${base}-at-${stamp}`;
}

/** The one typed way to put work on a queue, and to reach the queues themselves. */
@Injectable()
export class JobQueue implements OnModuleInit {
  private readonly logger = new Logger(JobQueue.name);
  private lastErrorLoggedAt = 0;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly config: CoreConfig,
  ) {}

  /** Connection errors (Redis away) go to the log, at most one line every 10 s, not to stderr per retry. */
  onModuleInit(): void {
    for (const queue of this.all()) {
      queue.on('error', (error: Error) => {
        const now = Date.now();
        if (now - this.lastErrorLoggedAt < 10_000) return;
        this.lastErrorLoggedAt = now;
        this.logger.warn(`queue ${queue.name}: ${error.message}`);
      });
    }
  }

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  all(): Queue[] {
    return ALL_QUEUES.map((name) => this.queue(name));
  }

  add<J extends JobName>(name: J, data: JobPayloads[J], options?: JobsOptions): Promise<unknown> {
    return this.queue(QUEUE_OF_JOB[name]).add(name, data, { ...this.defaultsFor(name), ...options });
  }

  /** Many jobs of one name in one round trip (e.g. work rebuilt from Postgres after Redis lost it). */
  addBulk<J extends JobName>(name: J, jobs: ReadonlyArray<{ data: JobPayloads[J]; jobId: string; delay?: number }>): Promise<unknown> {
    if (jobs.length === 0) return Promise.resolve([]);
    const defaults = this.defaultsFor(name);
    return this.queue(QUEUE_OF_JOB[name]).addBulk(
      jobs.map((j) => ({ name, data: j.data, opts: { ...defaults, jobId: j.jobId, ...(j.delay ? { delay: j.delay } : {}) } })),
    );
  }

  /** Per-job settings from configuration: sends retry transient failures with exponential backoff. */
  private defaultsFor(name: JobName): JobsOptions {
    // A send job only fails when Postgres or Redis is unreachable (provider errors are the pipeline's to retry, with
    // a delayed job of their own): tried again every 2 s for a minute; the maintenance sweep covers longer outages.
    if (name === JobName.SendMessage) return { attempts: 30, backoff: { type: 'fixed', delay: 2_000 }, removeOnComplete: 1_000, removeOnFail: 1_000 };
    // Campaign jobs are rebuilt from Postgres by the reconciler under the same ids: a finished or failed one
    // must not stay in Redis holding its id, or the rebuild would be ignored.
    // Chunks and starts fail when Postgres or Redis is unreachable: tried every 2 s for a minute, not 3 times in
    // 3 s (after which the run waits for the reconciler's next full pass, up to 6 intervals later).
    if (name === JobName.StartRun || name === JobName.SendChunk) {
      return { removeOnComplete: true, removeOnFail: true, attempts: 30, backoff: { type: 'fixed', delay: 2_000 } };
    }
    if (name === JobName.RegisterTemplate) {
      return { removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: 'exponential', delay: 1_000 } };
    }
    // Delivery jobs have fixed ids and carry no state (Postgres has the deliveries): gone as soon as they end, so the
    // next enqueue under the same id is not ignored; a failed one is not retried by BullMQ, the sweeper enqueues again.
    if (name === JobName.DeliverCallbacks) return { removeOnComplete: true, removeOnFail: true, attempts: 1 };
    return {};
  }
}
