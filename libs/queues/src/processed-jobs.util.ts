import { MetricsTime, type Queue, type WorkerOptions } from 'bullmq';

/**
 * Worker options every Herald worker of every queue uses. `metrics` makes BullMQ count each job a worker finishes
 * (completed, or failed for good after its attempts) in a running total and in per-minute data points: completed jobs
 * are removed from Redis, so nothing else can say how fast a queue is worked. All workers of a queue must agree on
 * `maxDataPoints` (each one trims the list to its own figure). Two weeks of minutes is ≤ 20,160 small integers per
 * queue and result, ~40 KB of Redis each (MEMORY USAGE of such a list), ~0.5 MB for all queues. `autorun: false`: a
 * worker process starts only the queues it drains (WORKER_QUEUES), once it is up (the worker app's WorkerPool).
 */
export const WORKER_OPTIONS = { metrics: { maxDataPoints: MetricsTime.TWO_WEEKS }, autorun: false } as const satisfies Partial<WorkerOptions>;

/** How a finished job ended, as BullMQ's metrics count it. */
export const JOB_RESULTS = ['completed', 'failed'] as const;
export type JobResult = (typeof JOB_RESULTS)[number];

/** BullMQ's metrics of one queue and result: the running total and the newest data point (jobs in one minute). */
export interface JobMetrics {
  readonly meta: { readonly count: number; readonly prevTS: number; readonly prevCount: number };
  readonly data: readonly number[];
}

export interface ProcessedJobs {
  /** Jobs finished with this result since metrics began (a counter: it only resets when Redis loses the queue). */
  readonly total: number;
  /** Jobs finished with this result in the last full minute before `now`. */
  readonly lastMinute: number;
}

const MINUTE = 60_000;

/**
 * The jobs of the last full minute before `now`, from BullMQ's metrics. BullMQ closes a minute only when a job
 * finishes in a later one: then `prevTS` moves to that job's time, `prevCount` to the total before it, and the closed
 * minute's figure becomes `data[0]` (minutes without any job are pushed as 0). So the last full minute is
 * `data[0]` if the latest closing happened this minute, the jobs since `prevCount` if it happened in the minute
 * before (nothing has closed that one yet), and 0 if the queue finished nothing in either.
 */
export function lastFullMinute(metrics: JobMetrics, now: number): number {
  if (!metrics.meta.prevTS) return 0;
  const current = Math.floor(now / MINUTE);
  const opened = Math.floor(metrics.meta.prevTS / MINUTE);
  if (opened >= current) return metrics.data[0] ?? 0;
  if (opened === current - 1) return Math.max(0, metrics.meta.count - metrics.meta.prevCount);
  return 0;
}

/**
 * One queue's finished jobs of one result. Reads only the newest data point (`getMetrics(type, 0, 0)`: HMGET, LRANGE
 * of one element, LLEN), never the whole list of up to 20,160 points, so a scrape costs a few Redis calls per queue.
 */
export async function readProcessedJobs(queue: Queue, result: JobResult, now: number): Promise<ProcessedJobs> {
  const metrics = await queue.getMetrics(result, 0, 0);
  return { total: metrics.meta.count, lastMinute: lastFullMinute(metrics, now) };
}
