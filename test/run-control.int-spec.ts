import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CampaignsService, ChunkSender, RunStarter, chunkJobId } from '@herald/campaigns';
import { AudiencesService } from '@herald/contacts';
import { JobName, JobQueue, QUEUE_OF_JOB } from '@herald/queues';
import { startPipeline, type PipelineHarness } from './support/pipeline-harness';

/**
 * Run control racing the workers, in process against real Postgres and Redis: each test holds one side at the
 * point where the race bites (a gate inside the real code path) while the other side runs, and checks what a user
 * would see — a run completed over recipients still waiting, or a run sent twice.
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-run-control`;

/** A promise and its resolve, to hold one side of a race where it bites. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('run control racing the workers', () => {
  let h: PipelineHarness;
  let campaigns: CampaignsService;
  let seq = 0;
  const fresh = () => `+4474019${String(++seq).padStart(5, '0')}`;

  /** A workspace with an approved campaign and an audience of `size` (chunks of 10). */
  const campaignOf = async (name: string, size: number) => {
    const ws = await h.workspace(name);
    const numbers = Array.from({ length: size }, () => fresh());
    await h.get(AudiencesService).create(ws.workspaceId, { id: 'all-of-them', name, contacts: numbers.map((number) => ({ number, name: 'Friend' })) });
    const { campaignId } = await campaigns.create(ws.workspaceId, { title: name, message: 'Hello {{name}}!' });
    await h.db.query(`UPDATE campaigns SET template_status = 'APPROVED' WHERE id = $1`, [campaignId]);
    return { ...ws, campaignId, numbers };
  };
  const runStatus = async (runId: string): Promise<string> =>
    ((await h.db.query('SELECT status FROM campaign_runs WHERE id = $1', [runId])) as Array<{ status: string }>)[0]!.status;
  /** Sessions of this database waiting for a row lock on campaign_runs (the other side of the race, blocked). */
  const waitingOnRunLock = async (): Promise<number> =>
    Number(
      (
        (await h.db.query(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%campaign_runs%'`,
        )) as Array<{ n: string }>
      )[0]!.n,
    );
  const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    const end = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    // One attempt per send: a transient failure is final at once (what retry-failed takes back).
    h = await startPipeline(PREFIX, { CAMPAIGN_CHUNK_SIZE: '10', SEND_MAX_ATTEMPTS: '1' });
    campaigns = h.get(CampaignsService);
  }, 30_000);

  afterAll(async () => {
    await h?.close();
  });

  it('does not complete a run over the recipients a retry-failed puts back while its last chunk finishes', async () => {
    const c = await campaignOf('Retry while finishing', 11); // two chunks: 10 and 1
    h.provider.answer(c.numbers[0]!, { code: 131000 }); // transient, and out of tries at once
    const { runId } = await campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'] });
    expect(await h.get(RunStarter).start(runId)).toBe('running');
    expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
    expect((await campaigns.getRun(c.workspaceId, c.campaignId, runId)).counts).toMatchObject({ failed: 1, queued: 1 });

    // Retry-failed puts the failed one back, and is held before its commit (the run locked, as it holds it)...
    const repository = (campaigns as unknown as { recipients: { requeueTransientFailures: (...args: never[]) => Promise<number> } }).recipients;
    const requeue = repository.requeueTransientFailures.bind(repository);
    const held = gate();
    const entered = gate();
    const spy = jest.spyOn(repository, 'requeueTransientFailures').mockImplementation(async (...args) => {
      const n = await requeue(...args);
      entered.open();
      await held.opened;
      return n;
    });
    try {
      const retry = campaigns.retryFailed(c.workspaceId, c.campaignId, runId);
      await entered.opened;
      // ...while a worker sends the last chunk, and as the last one out completes the run: it waits for the lock.
      const last = h.get(ChunkSender).send(runId, 1);
      await until(async () => (await waitingOnRunLock()) > 0 || h.provider.sentTo(c.numbers[10]!).length > 0, 'the last chunk');
      await until(async () => (await waitingOnRunLock()) > 0, 'the completion to wait for the retry');
      held.open();
      expect(await last).toEqual({ state: 'done' });
      expect((await retry).requeued).toBe(1);
    } finally {
      held.open();
      spy.mockRestore();
    }
    // Still running: the recipient put back is sent, and then the run completes.
    expect(await runStatus(runId)).toBe('running');
    expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
    expect(await runStatus(runId)).toBe('completed');
    expect(h.provider.sentTo(c.numbers[0]!)).toHaveLength(2);
    expect((await campaigns.getRun(c.workspaceId, c.campaignId, runId)).counts).toMatchObject({ failed: 0, queued: 0, sending: 0 });
  });

  it('sends what a retry-failed puts back now, not when the chunk\'s job waiting for other recipients comes due', async () => {
    const c = await campaignOf('Retry beside a backoff', 2);
    h.provider.answer(c.numbers[0]!, { code: 131000 });
    const { runId } = await campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'] });
    expect(await h.get(RunStarter).start(runId)).toBe('running');
    expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
    // The chunk's job is in the delayed set for ten minutes, as when others of its recipients back off (131056).
    const queue = h.get(JobQueue).queue(QUEUE_OF_JOB[JobName.SendChunk]);
    await queue.remove(chunkJobId(runId, 0)); // the job its start queued (no worker takes jobs here)
    await queue.add(JobName.SendChunk, { runId, chunk: 0 }, { jobId: chunkJobId(runId, 0), delay: 600_000 });
    expect(await (await queue.getJob(chunkJobId(runId, 0)))!.getState()).toBe('delayed');
    expect((await campaigns.retryFailed(c.workspaceId, c.campaignId, runId)).requeued).toBe(1);
    // The add under its id was swallowed by the waiting job; that job now runs at once instead.
    expect(await (await queue.getJob(chunkJobId(runId, 0)))!.getState()).toBe('waiting');
  });

  it('resumes a run that started while the resume was on its way as running, and never fans it out twice', async () => {
    const c = await campaignOf('Resume racing a start', 12);
    const { runId } = await campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'] });
    await campaigns.pause(c.workspaceId, c.campaignId, runId); // paused before it started
    const recipients = async (): Promise<number> =>
      Number(((await h.db.query('SELECT count(*) AS n FROM campaign_recipients WHERE run_id = $1', [runId])) as Array<{ n: string }>)[0]!.n);

    // A first resume has read the run (paused, not started) when, before it moves it, a second resume goes through,
    // the run starts (its recipients fixed) and is paused again.
    const repository = (campaigns as unknown as { campaigns: { findCampaign: (...args: never[]) => Promise<unknown> } }).campaigns;
    const find = repository.findCampaign.bind(repository);
    let raced = false;
    const spy = jest.spyOn(repository, 'findCampaign').mockImplementation(async (...args) => {
      if (!raced) {
        raced = true;
        await campaigns.resume(c.workspaceId, c.campaignId, runId);
        expect(await h.get(RunStarter).start(runId)).toBe('running');
        await campaigns.pause(c.workspaceId, c.campaignId, runId);
      }
      return find(...args);
    });
    try {
      expect((await campaigns.resume(c.workspaceId, c.campaignId, runId)).status).toBe('running');
    } finally {
      spy.mockRestore();
    }
    expect(raced).toBe(true);
    expect(await recipients()).toBe(12);
    // Its start job, still queued from the first resume, runs: nothing is fixed twice.
    await h.get(RunStarter).start(runId);
    expect(await recipients()).toBe(12);
    for (const chunk of [0, 1]) await h.get(ChunkSender).send(runId, chunk);
    expect(c.numbers.map((n) => h.provider.sentTo(n).length)).toEqual(c.numbers.map(() => 1));
    expect(await runStatus(runId)).toBe('completed');
  });

  it('never fans out a run again that was put back to scheduled after it had started: it runs on', async () => {
    const c = await campaignOf('Started, then scheduled', 3);
    const { runId } = await campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'] });
    expect(await h.get(RunStarter).start(runId)).toBe('running');
    // What a resume deciding from an old read left behind (before resumes were decided by their UPDATE).
    await h.db.query(`UPDATE campaign_runs SET status = 'scheduled' WHERE id = $1`, [runId]);
    expect(await h.get(RunStarter).start(runId)).toBe('running');
    expect(await runStatus(runId)).toBe('running');
    expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
    expect(c.numbers.map((n) => h.provider.sentTo(n).length)).toEqual([1, 1, 1]);
    expect(await runStatus(runId)).toBe('completed');
  });
});
