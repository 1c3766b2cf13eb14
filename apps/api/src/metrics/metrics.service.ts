import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { JobQueue } from '@herald/queues';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** Herald's Prometheus registry: process metrics, HTTP latency and queue depth by state. */
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

  constructor(jobQueue: JobQueue) {
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_' });
    const scrapeErrors = this.scrapeErrors;
    new Gauge({
      name: 'herald_queue_jobs',
      help: 'Jobs in each queue by state.',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(
          jobQueue.all().map(async (queue) => {
            try {
              const counts = await Promise.race([
                queue.getJobCounts(...QUEUE_STATES),
                new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
              ]);
              for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
            } catch {
              scrapeErrors.inc();
            }
          }),
        );
      },
    });
  }
}
