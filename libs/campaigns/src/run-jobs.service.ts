import { Injectable } from '@nestjs/common';
import { JobName, JobQueue, QUEUE_OF_JOB } from '@herald/queues';

/** Job ids are deterministic, so rebuilding work from Postgres never doubles a job that still exists. */
export const chunkJobId = (runId: string, chunk: number): string => `${runId}-c${chunk}`;
export const templateJobId = (campaignId: string): string => `template-${campaignId}`;

/** Puts campaign work on the queue. */
@Injectable()
export class RunJobs {
  constructor(private readonly jobs: JobQueue) {}

  /** The run's start, delayed to its timeToRun. Job id = run id. */
  async scheduleStart(runId: string, at: Date): Promise<void> {
    await this.jobs.add(JobName.StartRun, { runId }, { jobId: runId, delay: Math.max(0, at.getTime() - Date.now()) });
  }

  async startsNow(runIds: readonly string[], due?: ReadonlyMap<string, Date>): Promise<void> {
    await this.jobs.addBulk(
      JobName.StartRun,
      runIds.map((runId) => ({
        data: { runId },
        jobId: runId,
        delay: Math.max(0, (due?.get(runId)?.getTime() ?? 0) - Date.now()),
      })),
    );
  }

  async chunks(list: ReadonlyArray<{ runId: string; chunk: number; due?: Date }>): Promise<void> {
    const now = Date.now();
    for (let i = 0; i < list.length; i += 1_000) {
      await this.jobs.addBulk(
        JobName.SendChunk,
        list.slice(i, i + 1_000).map((c) => ({
          data: { runId: c.runId, chunk: c.chunk },
          jobId: chunkJobId(c.runId, c.chunk),
          delay: Math.max(0, (c.due?.getTime() ?? now) - now),
        })),
      );
    }
  }

  async registerTemplate(campaignId: string): Promise<void> {
    await this.jobs.add(JobName.RegisterTemplate, { campaignId }, { jobId: templateJobId(campaignId) });
  }

  /** Removes a run's start job (cancelled before it started); a job already running is left to see the state. */
  async dropStart(runId: string): Promise<void> {
    await this.jobs
      .queue(QUEUE_OF_JOB[JobName.StartRun])
      .remove(runId)
      .catch(() => undefined);
  }
}
