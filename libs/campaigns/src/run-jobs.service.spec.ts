import { describe, expect, it, jest } from '@jest/globals';
import { JobName, type JobQueue } from '@herald/queues';
import { RunJobs, chunkJobId } from './run-jobs.service';

/** A queue holding one chunk job in `state` (or none), recording what is added and promoted. */
function queueWith(state: string | undefined) {
  const promote = jest.fn(async () => undefined);
  const added: Array<{ jobId: string | undefined }> = [];
  const jobs = {
    queue: () => ({
      getJob: async () => (state === undefined ? undefined : { getState: async () => state, promote }),
    }),
    addBulk: async (_name: JobName, list: Array<{ jobId: string }>) => added.push(...list.map((j) => ({ jobId: j.jobId }))),
    add: async (_name: JobName, _data: unknown, options: { jobId: string }) => added.push({ jobId: options.jobId }),
  };
  return { runJobs: new RunJobs(jobs as unknown as JobQueue), promote, added };
}

describe('RunJobs.chunksNow (recipients put back by a resume or a retry-failed)', () => {
  const chunk = { runId: '7e0f4f3c-8f4e-4a53-9b1a-1c1d1e1f2a2b', chunk: 3 };
  const id = chunkJobId(chunk.runId, chunk.chunk);

  it('moves up the chunk job already waiting in the delayed set, instead of leaving them to its delay', async () => {
    const q = queueWith('delayed');
    await q.runJobs.chunksNow([chunk]);
    expect(q.promote).toHaveBeenCalledTimes(1);
    expect(q.added.map((a) => a.jobId)).toEqual([id]);
  });

  it('adds a second job beside one that is running (it may be ending) or gone, under an id of its own', async () => {
    for (const state of ['active', undefined]) {
      const q = queueWith(state);
      await q.runJobs.chunksNow([chunk]);
      expect(q.promote).not.toHaveBeenCalled();
      expect(q.added.map((a) => a.jobId)).toEqual([id, expect.stringMatching(new RegExp(`^${id}-again-\\d+$`))]);
    }
  });

  it('leaves alone a job waiting to run, and chunks whose recipients are due later', async () => {
    const waiting = queueWith('waiting');
    await waiting.runJobs.chunksNow([chunk]);
    expect([waiting.promote.mock.calls.length, waiting.added.length]).toEqual([0, 1]);
    const later = queueWith('delayed');
    await later.runJobs.chunksNow([{ ...chunk, due: new Date(Date.now() + 60_000) }]);
    expect([later.promote.mock.calls.length, later.added.length]).toEqual([0, 1]);
  });
});
