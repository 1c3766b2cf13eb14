import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { WebhookIntake } from '@herald/provider-events';
import { JOB_RESULTS, JobQueue, readProcessedJobs, type JobResult, type ProcessedJobs } from '@herald/queues';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** A queue that does not answer within 2 s (Redis away) counts as a scrape error instead of holding the scrape. */
function within2s<T>(work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref())]);
}

type ProcessedReading = Array<{ queue: string; result: JobResult; jobs: ProcessedJobs }>;
type QueueOf<Q extends { all(): readonly unknown[] }> = ReturnType<Q['all']>[number];

/**
 * Herald's Prometheus registry: process metrics, HTTP latency, queue depth by state, the workers draining each queue
 * and jobs processed per queue.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly scrapeErrors = new Counter({
    name: 'herald_metrics_scrape_errors_total',
    help: 'Scrapes in which a queue could not be measured (Redis unreachable).',
    registers: [this.registry],
  });

  /** The processed-jobs reading in progress: the two gauges made from it share one per scrape. */
  private processing: Promise<ProcessedReading> | undefined;

  constructor(
    private readonly jobQueue: JobQueue,
    webhooks: WebhookIntake,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_' });
    // One Postgres read per scrape for both webhook gauges; Postgres away (or over 2 s) is a scrape error.
    let backlog: Promise<{ failed: number; oldestWaitingSeconds: number } | undefined> | undefined;
    const readBacklog = () =>
      (backlog ??= within2s(webhooks.backlog())
        .catch(() => {
          this.scrapeErrors.inc();
          return undefined;
        })
        .finally(() => setTimeout(() => (backlog = undefined), 0).unref()));
    new Gauge({
      name: 'herald_webhook_events_failed',
      help: 'Provider webhook events set aside because no worker could apply them, even alone (webhook_events_failed); above 0 wants a look.',
      registers: [this.registry],
      async collect() {
        const read = await readBacklog();
        if (read !== undefined) this.set(read.failed);
      },
    });
    new Gauge({
      name: 'herald_webhook_events_oldest_waiting_seconds',
      help: 'How long the oldest stored webhook event has waited to be applied (0 when none waits): statuses and replies lag by this much.',
      registers: [this.registry],
      async collect() {
        const read = await readBacklog();
        if (read !== undefined) this.set(read.oldestWaitingSeconds);
      },
    });
    const scrapeErrors = this.scrapeErrors;
    /** Reads every queue at once; one that fails or takes over 2 s (Redis away) counts as a scrape error. */
    const eachQueue = (read: (queue: QueueOf<JobQueue>) => Promise<void>) =>
      Promise.all(jobQueue.all().map((queue) => within2s(read(queue)).catch(() => scrapeErrors.inc())));
    new Gauge({
      name: 'herald_queue_jobs',
      help: 'Jobs in each queue by state.',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await eachQueue(async (queue) => {
          const counts = await queue.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        });
      },
    });
    new Gauge({
      name: 'herald_queue_workers',
      help: 'Worker processes draining each queue (BullMQ workers connected to Redis); 0 means its jobs wait for nobody.',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await eachQueue(async (queue) => this.set({ queue: queue.name }, await queue.getWorkersCount()));
      },
    });
    const processed = () => this.readProcessed();
    // A gauge, not a prom-client Counter: the running total lives in Redis (BullMQ's metrics, written by the workers),
    // and this process only reports it. It behaves as a counter for rate(): it only grows, or resets with Redis.
    new Gauge({
      name: 'herald_queue_jobs_processed_total',
      help: 'Jobs each queue finished since its metrics began, by result (completed, or failed after its last attempt).',
      labelNames: ['queue', 'result'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { queue, result, jobs } of await processed()) this.set({ queue, result }, jobs.total);
      },
    });
    new Gauge({
      name: 'herald_queue_jobs_last_minute',
      help: 'Jobs each queue finished in the last full minute, by result (BullMQ’s per-minute data point).',
      labelNames: ['queue', 'result'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { queue, result, jobs } of await processed()) this.set({ queue, result }, jobs.lastMinute);
      },
    });
  }

  private readProcessed(): Promise<ProcessedReading> {
    this.processing ??= this.readAllProcessed().finally(() => (this.processing = undefined));
    return this.processing;
  }

  private async readAllProcessed(): Promise<ProcessedReading> {
    const now = Date.now();
    const readings = await Promise.all(
      this.jobQueue.all().flatMap((queue) =>
        JOB_RESULTS.map(async (result) => {
          try {
            return [{ queue: queue.name, result, jobs: await within2s(readProcessedJobs(queue, result, now)) }];
          } catch {
            this.scrapeErrors.inc();
            return [];
          }
        }),
      ),
    );
    return readings.flat();
  }
}
