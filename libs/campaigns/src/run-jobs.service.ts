import { Injectable } from '@nestjs/common';
import { JobName, JobQueue, QUEUE_OF_JOB, requeuedJobId } from '@herald/queues';

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

  /**
   * Chunks whose recipients were just put back (a resume, a retry-failed), due now. A job of the same id that is
   * already there would swallow the add: one delayed (waiting for a backoff, a window or the tier of other recipients
   * of the chunk) is moved up, and one running — it may be past its last look at the chunk, ending — gets a second job
   * beside it (two jobs on one chunk claim apart: nothing is sent twice). Without this, retried recipients waited for
   * that job's delay, or for the reconciler's full pass.
   */
  async chunksNow(list: ReadonlyArray<{ runId: string; chunk: number; due?: Date }>): Promise<void> {
    await this.chunks(list);
    const queue = this.jobs.queue(QUEUE_OF_JOB[JobName.SendChunk]);
    const now = Date.now();
    for (const c of list) {
      // Due later (a window, a backoff of their own): the job's delay is theirs. A second's grace for the clocks.
      if (c.due !== undefined && c.due.getTime() > now + 1_000) continue;
      const id = chunkJobId(c.runId, c.chunk);
      const job = await queue.getJob(id);
      const state = job ? await job.getState() : 'unknown';
      if (state === 'delayed') await job!.promote().catch(() => undefined); // it started meanwhile: it will see them
      else if (state === 'active' || state === 'completed' || state === 'failed' || state === 'unknown') {
        await this.jobs.add(JobName.SendChunk, { runId: c.runId, chunk: c.chunk }, { jobId: requeuedJobId(id, now) });
      }
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
