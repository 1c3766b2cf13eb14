import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CampaignReconciler, CampaignsService, ChunkSender, RecipientRepository, RunStarter, chunkJobId } from '@herald/campaigns';
import { MessageRecovery, MessageSender, MessagesService } from '@herald/messaging';
import { JobName, JobQueue, QUEUE_OF_JOB } from '@herald/queues';
import { WebhookApplier } from '@herald/provider-events';
import { SendWorkers, StatusReceivers, emptyOutcomes } from '@herald/sending';
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
  const campaignOf = async (name: string, size: number, channel?: { messagesPerSecond?: number }) => {
    const ws = await h.workspace(name, channel);
    const numbers = Array.from({ length: size }, () => fresh());
    const campaignId = await h.approvedCampaign(ws.workspaceId, name, numbers, 'all-of-them');
    return { ...ws, campaignId, numbers };
  };
  const runStatus = async (runId: string): Promise<string> =>
    ((await h.db.query('SELECT status FROM campaign_runs WHERE id = $1', [runId])) as Array<{ status: string }>)[0]!.status;
  /** Sessions of this database waiting for a lock in a statement naming `table` (the other side of the race, blocked). */
  const waitingOnLock = async (table: string): Promise<number> =>
    Number(
      (
        (await h.db.query(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
          [`%${table}%`],
        )) as Array<{ n: string }>
      )[0]!.n,
    );
  const waitingOnRunLock = () => waitingOnLock('campaign_runs');
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

  it('refuses a run asked for while the campaign is being deleted, instead of leaving it on the deleted campaign', async () => {
    const c = await campaignOf('Deleted while starting', 2);
    // A delete that has locked the campaign and found no active run, not yet committed.
    const deleting = h.db.createQueryRunner();
    await deleting.connect();
    await deleting.startTransaction();
    try {
      await deleting.query('SELECT id FROM campaigns WHERE id = $1 FOR UPDATE', [c.campaignId]);
      const start = campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'] }).then(
        (run) => ({ run }),
        (error: unknown) => ({ error }),
      );
      let settled = false;
      void start.then(() => (settled = true));
      // It waits for the delete (or, as before holdLive, does not wait at all).
      await until(async () => settled || (await waitingOnLock('')) > 0, 'the start to wait for the delete');
      await deleting.query('UPDATE campaigns SET deleted_at = now() WHERE id = $1', [c.campaignId]);
      await deleting.commitTransaction();
      expect(await start).toMatchObject({ error: { kind: 'not_found' } });
    } finally {
      if (deleting.isTransactionActive) await deleting.rollbackTransaction();
      await deleting.release();
    }
    expect(await h.db.query('SELECT id FROM campaign_runs WHERE campaign_id = $1', [c.campaignId])).toEqual([]);
  });

  describe('a send in doubt (a worker killed mid-request, no status since)', () => {
    /** A worker that claimed sends and was last seen `seenAgo` seconds ago (gone SEND_WORKER_GONE_SECONDS later); its id. */
    const goneWorker = async (seenAgo: number): Promise<string> => {
      const [row] = (await h.db.query(
        `INSERT INTO send_workers (id, started_at, seen_at) VALUES (gen_random_uuid(), now() - interval '1 hour', now() - make_interval(secs => $1)) RETURNING id`,
        [seenAgo],
      )) as Array<{ id: string }>;
      return row!.id;
    };
    /** `seconds` pass for everything the in-doubt rule weighs (Postgres' now() cannot be set): its times move back. */
    const timePasses = async (seconds: number) => {
      const back = `- make_interval(secs => ${seconds})`;
      await h.db.query(
        `UPDATE campaign_recipients SET updated_at = updated_at ${back}, sending_at = sending_at ${back}, accepted_at = accepted_at ${back} WHERE status IN ('sending', 'accepted', 'sent', 'delivered', 'read')`,
      );
      await h.db.query(`UPDATE messages SET updated_at = updated_at ${back}, sending_at = sending_at ${back}, accepted_at = accepted_at ${back} WHERE status IN ('sending', 'accepted', 'sent', 'delivered', 'read')`);
      await h.db.query(`UPDATE status_receipts SET from_at = from_at ${back}, to_at = to_at ${back}`);
      await h.db.query(`UPDATE status_receivers SET started_at = started_at ${back}, seen_at = seen_at ${back}`);
      await h.db.query(`UPDATE send_workers SET started_at = started_at ${back}, seen_at = seen_at ${back}`);
    };
    /**
     * A run of five sent (the fake provider sends no statuses: all `accepted`), the third then put in doubt: claimed
     * `doubtAgo` seconds ago by a worker that died with the request out a second later; the others taken
     * `othersAgo` seconds ago.
     */
    const inDoubtRun = async (name: string, validity?: number, { doubtAgo = 200, othersAgo = 199 } = {}) => {
      const c = await campaignOf(name, 5);
      const { runId } = await campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'], ...(validity ? { validity } : {}) });
      expect(await h.get(RunStarter).start(runId)).toBe('running');
      expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
      const rows = (await h.db.query('SELECT id, to_number, provider_message_id FROM campaign_recipients WHERE run_id = $1 ORDER BY id', [runId])) as Array<{
        id: string;
        to_number: string;
        provider_message_id: string;
      }>;
      const doubt = rows[2]!;
      await h.db.query(`UPDATE campaign_runs SET status = 'running', completed_at = NULL WHERE id = $1`, [runId]);
      await h.db.query(
        `UPDATE campaign_recipients SET status = 'sending', provider_message_id = NULL, accepted_at = NULL, claimed_by = $3,
                sending_at = now() - make_interval(secs => $2), updated_at = now() - make_interval(secs => $2) WHERE id = $1`,
        [doubt.id, doubtAgo, await goneWorker(doubtAgo - 1)],
      );
      await h.db.query(
        `UPDATE campaign_recipients SET sending_at = now() - make_interval(secs => $3), accepted_at = now() - make_interval(secs => $3)
          WHERE run_id = $1 AND id <> $2`,
        [runId, doubt.id, othersAgo],
      );
      const statusOf = async () => ((await h.db.query('SELECT status, error FROM campaign_recipients WHERE id = $1', [doubt.id])) as Array<{ status: string; error: { code: string } | null }>)[0]!;
      const [{ claimed_by: worker }] = (await h.db.query('SELECT claimed_by FROM campaign_recipients WHERE id = $1', [doubt.id])) as [{ claimed_by: string }];
      return { ...c, runId, rows, doubt, statusOf, worker };
    };
    /** Herald's API was up to receive statuses from `fromAgo` to `toAgo` seconds ago (StatusReceivers). */
    const receiverUp = async (fromAgo: number, toAgo: number) => {
      await h.db.query(
        `INSERT INTO status_receivers (id, started_at, seen_at) VALUES (gen_random_uuid(), now() - make_interval(secs => $1), now() - make_interval(secs => $2))`,
        [fromAgo, toAgo],
      );
    };
    const ANOTHER_CHANNEL = '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10';
    /** A template message to a new number, queued (not sent); returns its id. */
    const queuedMessage = async (workspaceId: string): Promise<string> => {
      const answer = await h.get(MessagesService).send(workspaceId, {
        to: { number: fresh() },
        type: 'template',
        template: { name: 'receipt', language: 'en_US', params: ['A'] },
      });
      if (!('one' in answer)) throw new Error('expected one message');
      return answer.one.id;
    };
    /** Webhooks of the channel (of `platform`) were received from `fromAgo` to `toAgo` seconds ago (StatusReceivers). */
    const statusesApplied = async (channelId: string, fromAgo: number, toAgo: number, platform = 'whatsapp') => {
      await h.db.query(
        `INSERT INTO status_receipts (channel_id, from_at, to_at, platform) VALUES ($1, now() - make_interval(secs => $2), now() - make_interval(secs => $3), $4)`,
        [channelId, fromAgo, toAgo, platform],
      );
    };
    afterEach(async () => {
      await h.db.query('DELETE FROM status_receivers');
      await h.db.query('DELETE FROM status_receipts');
      await h.db.query(`DELETE FROM send_workers WHERE started_at < now() - interval '10 minutes'`);
    });

    it('is not sent again while the statuses of the sends around it have not come either, and is once they have', async () => {
      const run = await inDoubtRun('In doubt, webhooks missing');
      await receiverUp(3_600, 0); // Herald's API was up: the webhooks were lost on their way (a proxy, a certificate)
      await h.get(CampaignReconciler).reconcile();
      // Herald was not getting webhooks then (its neighbours are still only `accepted`): its own may yet come.
      expect((await run.statusOf()).status).toBe('sending');
      // The run says so, instead of sitting at 80 % with no reason.
      expect((await campaigns.getRun(run.workspaceId, run.campaignId, run.runId)).waiting).toEqual({ reason: 'unconfirmed', until: null });
      // Meta's retries arrive: the neighbours' statuses, none for it.
      const others = run.rows.filter((r) => r.id !== run.doubt.id);
      await h.applyStatuses(
        run.channelId,
        others.map((r) => ({ id: r.provider_message_id, status: 'sent' as const, at: Math.floor(Date.now() / 1000) - 190, to: r.to_number })),
      );
      await h.get(StatusReceivers).flush();
      // The worker applying them recorded when the API received them (now).
      expect(await h.db.query(`SELECT count(*)::int AS n FROM status_receipts WHERE channel_id = $1 AND to_at > now() - interval '30 seconds'`, [run.channelId])).toEqual([{ n: 1 }]);
      // Webhooks were away for over three minutes: its own status may be in a later round of the provider's retries.
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('sending');
      // As long again as they were away, and half the wait, with Herald up: none came for it, so it never reached the provider.
      await timePasses(200 + 60);
      expect(await h.get(CampaignReconciler).reconcile()).toMatchObject({ inDoubtReleased: 0 }); // Herald was down meanwhile
      await receiverUp(270, 0);
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('queued');
      expect(await h.get(ChunkSender).send(run.runId, 0)).toEqual({ state: 'done' });
      expect(h.provider.sentTo(run.doubt.to_number)).toHaveLength(2); // its first request never reached the provider
      expect(await runStatus(run.runId)).toBe('completed');
    });

    it('is not sent again while Herald\'s API was down in the minute after its claim, though the statuses of the sends around it came before', async () => {
      // Everything restarting: the worker and the API died together, just after the run's first statuses came.
      const run = await inDoubtRun('In doubt, everything restarting');
      const others = run.rows.filter((r) => r.id !== run.doubt.id);
      await h.applyStatuses(
        run.channelId,
        others.map((r) => ({ id: r.provider_message_id, status: 'sent' as const, at: Math.floor(Date.now() / 1000) - 198, to: r.to_number })),
      );
      await receiverUp(3_600, 190); // down 10 s after the claim…
      await receiverUp(100, 0); // …and back 100 s later: its own status may be in the provider's retries
      await statusesApplied(run.channelId, 199, 198);
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('sending');
      expect(h.provider.sentTo(run.doubt.to_number)).toHaveLength(1);
    });

    it('fails `unconfirmed` when its validity runs out before any status came, never sent again, and the run completes', async () => {
      const run = await inDoubtRun('In doubt past validity', 60);
      await h.db.query(`UPDATE campaign_runs SET started_at = now() - interval '300 seconds' WHERE id = $1`, [run.runId]);
      await h.get(CampaignReconciler).reconcile();
      expect(await run.statusOf()).toMatchObject({ status: 'failed', error: { code: 'unconfirmed' } });
      expect(h.provider.sentTo(run.doubt.to_number)).toHaveLength(1);
      expect(await runStatus(run.runId)).toBe('completed');
      // Not one retry-failed puts back: it may have reached the recipient.
      expect((await campaigns.retryFailed(run.workspaceId, run.campaignId, run.runId)).requeued).toBe(0);
      // It had: its status comes late (Meta's retries), and the guess goes.
      await h.applyStatuses(run.channelId, [
        { id: 'wamid.late-unconfirmed', status: 'delivered', at: Math.floor(Date.now() / 1000), to: run.doubt.to_number, callback: `r:${run.doubt.id}` },
      ]);
      expect(await run.statusOf()).toMatchObject({ status: 'delivered', error: null });
    });

    it('holds a single message the same way: released once its channel\'s sends around it have their statuses', async () => {
      const ws = await h.workspace('Messages in doubt');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(await queuedMessage(ws.workspaceId));
        expect(await h.get(MessageSender).send(ids[i]!)).toBe('accepted');
      }
      const [doubt, ...others] = ids as [string, ...string[]];
      await h.db.query(
        `UPDATE messages SET status = 'sending', provider_message_id = NULL, accepted_at = NULL, claimed_by = $2, updated_at = now() - interval '200 seconds' WHERE id = $1`,
        [doubt, await goneWorker(199)],
      );
      await h.db.query(`UPDATE messages SET sending_at = now() - interval '199 seconds', accepted_at = now() - interval '199 seconds' WHERE id = ANY($1::uuid[])`, [others]);
      const status = async () => ((await h.db.query('SELECT status, error FROM messages WHERE id = $1', [doubt])) as Array<{ status: string; error: { code: string } | null }>)[0]!;
      await receiverUp(3_600, 0);
      await h.get(MessageRecovery).requeueMessages(120);
      expect((await status()).status).toBe('sending');
      // Their statuses came, received 50 s after its worker was gone: its own would have too.
      await h.db.query(`UPDATE messages SET status = 'sent' WHERE id = ANY($1::uuid[])`, [others]);
      await statusesApplied(ws.channelId, 146, 140);
      await h.get(MessageRecovery).requeueMessages(120);
      expect((await status()).status).toBe('queued');
      // Held again, and past its validity: failed `unconfirmed`, never sent again.
      await h.db.query(`UPDATE messages SET status = 'accepted' WHERE id = ANY($1::uuid[])`, [others]);
      await h.db.query(`UPDATE messages SET status = 'sending', updated_at = now() - interval '200 seconds', expires_at = now() - interval '1 second' WHERE id = $1`, [doubt]);
      await h.get(MessageRecovery).requeueMessages(120);
      expect(await status()).toMatchObject({ status: 'failed', error: { code: 'unconfirmed' } });
    });

    it('is held by the sends the run made after it too, though their statuses are younger than its own wait (the first sends of a run)', async () => {
      // The worker died with the run's first sends out; the run went on 30 s later, and no status has come since.
      const run = await inDoubtRun('In doubt, first of its run', undefined, { doubtAgo: 130, othersAgo: 100 });
      await receiverUp(3_600, 0); // the API was up: the webhooks were lost outside Herald (a proxy, a certificate)
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('sending');
      expect(h.provider.sentTo(run.doubt.to_number)).toHaveLength(1);
    });

    it('with no send the provider took around it, is sent again only if Herald was up and receiving the channel\'s statuses in the minute after its claim (a run wholly in flight when its worker died)', async () => {
      const run = await inDoubtRun('In doubt, the whole run', undefined, { doubtAgo: 200, othersAgo: 200 });
      // The other four are in doubt too: nothing of the run got a status or an answer.
      await h.db.query(
        `UPDATE campaign_recipients SET status = 'sending', provider_message_id = NULL, accepted_at = NULL, claimed_by = $2, updated_at = sending_at WHERE run_id = $1`,
        [run.runId, run.worker],
      );
      const statuses = async () =>
        ((await h.db.query('SELECT status FROM campaign_recipients WHERE run_id = $1 ORDER BY id', [run.runId])) as Array<{ status: string }>).map((r) => r.status);
      // Herald's API went down 30 s after the claims (everything restarting): their statuses may still come.
      await receiverUp(3_600, 170);
      await receiverUp(100, 0);
      await statusesApplied(run.channelId, 199, 185);
      await h.get(CampaignReconciler).reconcile();
      expect(await statuses()).toEqual(Array(5).fill('sending'));
      // It was up the whole minute after them, but no status of the channel was applied in it: the webhooks may have
      // been lost on their way (a proxy, a certificate), so nothing says the provider did not take them.
      await h.db.query('DELETE FROM status_receipts');
      await receiverUp(250, 100);
      await statusesApplied(ANOTHER_CHANNEL, 185, 150); // another channel's do not speak for a run's: it was not alone
      await h.get(CampaignReconciler).reconcile();
      expect(await statuses()).toEqual(Array(5).fill('sending'));
      // Statuses of the channel were applied then (only the worker died): had the provider taken them, theirs would have come.
      await statusesApplied(run.channelId, 185, 150);
      await h.get(CampaignReconciler).reconcile();
      expect(await statuses()).toEqual(Array(5).fill('queued'));
    });

    it('weighs only the webhooks received after the worker that claimed it was gone: those that came while it still had requests out say nothing of the statuses its death cut off', async () => {
      // A run wholly claimed, nothing answered yet, the run's first statuses in (the provider posts `sent` before it
      // answers, or the run is one batch); then the worker dies and the webhook path breaks with it, the API up.
      const run = await inDoubtRun('In doubt, webhooks cut off at the death', undefined, { doubtAgo: 200, othersAgo: 200 });
      await h.db.query(
        `UPDATE campaign_recipients SET status = 'sending', provider_message_id = NULL, accepted_at = NULL, claimed_by = $2, updated_at = sending_at WHERE run_id = $1`,
        [run.runId, run.worker],
      );
      const statuses = async () =>
        ((await h.db.query('SELECT status FROM campaign_recipients WHERE run_id = $1 ORDER BY id', [run.runId])) as Array<{ status: string }>).map((r) => r.status);
      await receiverUp(3_600, 0);
      await statusesApplied(run.channelId, 199, 197); // received after the claims, while the worker was alive
      await h.get(CampaignReconciler).reconcile();
      expect(await statuses()).toEqual(Array(5).fill('sending'));
      // Webhooks received 46 s after it was gone (its last beat 199 s ago): had the provider taken them, their
      // statuses would have come by now, retries included.
      await statusesApplied(run.channelId, 150, 140);
      await h.get(CampaignReconciler).reconcile();
      expect(await statuses()).toEqual(Array(5).fill('queued'));
    });

    it('holds a send whose worker is alive: its request may still be out', async () => {
      const run = await inDoubtRun('In doubt, worker alive');
      await h.db.query(`UPDATE send_workers SET seen_at = now() WHERE id = $1`, [run.worker]);
      await receiverUp(3_600, 0);
      await statusesApplied(run.channelId, 150, 140);
      await h.db.query(`UPDATE campaign_recipients SET status = 'sent' WHERE run_id = $1 AND id <> $2`, [run.runId, run.doubt.id]);
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('sending');
      // Its request is over (the worker recorded no answer: a timeout), and webhooks came after: sent again.
      await h.db.query(`UPDATE campaign_recipients SET claimed_by = NULL WHERE id = $1`, [run.doubt.id]);
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('queued');
    });

    it('weighs a single message the same way: webhooks received before its worker was gone do not count', async () => {
      const ws = await h.workspace('A message in doubt, webhooks cut off at the death');
      const id = await queuedMessage(ws.workspaceId);
      await h.db.query(
        `UPDATE messages SET status = 'sending', sending_at = now() - interval '200 seconds', updated_at = now() - interval '200 seconds', claimed_by = $2 WHERE id = $1`,
        [id, await goneWorker(199)],
      );
      const status = async () => ((await h.db.query('SELECT status FROM messages WHERE id = $1', [id])) as Array<{ status: string }>)[0]!.status;
      await receiverUp(3_600, 0);
      await statusesApplied(ws.channelId, 199, 197);
      await h.get(MessageRecovery).requeueMessages(120);
      expect(await status()).toBe('sending');
      await statusesApplied(ws.channelId, 150, 140);
      await h.get(MessageRecovery).requeueMessages(120);
      expect(await status()).toBe('queued');
    });

    it('holds a send whose worker never beat, and one claimed after its worker\'s last beat, on webhooks that came after the claim', async () => {
      const run = await inDoubtRun('In doubt, claims after the beats stopped');
      await h.db.query(`UPDATE campaign_recipients SET status = 'delivered' WHERE run_id = $1 AND id <> $2`, [run.runId, run.doubt.id]);
      await receiverUp(3_600, 0);
      await statusesApplied(run.channelId, 150, 140);
      // Its worker beat last 50 s before the claim (alive but unable to beat, it sends nothing: SendWorkers.fresh).
      await h.db.query(`UPDATE campaign_recipients SET claimed_by = $2 WHERE id = $1`, [run.doubt.id, await goneWorker(250)]);
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('sending');
      // A worker Herald has no beat of.
      await h.db.query(`UPDATE campaign_recipients SET claimed_by = gen_random_uuid() WHERE id = $1`, [run.doubt.id]);
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('sending');
      // The same send, its worker gone after the claim: released on those webhooks (what the two above lacked).
      await h.db.query(`UPDATE campaign_recipients SET claimed_by = $2 WHERE id = $1`, [run.doubt.id, run.worker]);
      await h.get(CampaignReconciler).reconcile();
      expect((await run.statusOf()).status).toBe('queued');
    });

    it('counts a webhook as received when the API stored it, not when a worker applied it, and not one a person put back', async () => {
      const ws = await h.workspace('Receipts by arrival');
      const status = { id: 'wamid.receipt-by-arrival', status: 'delivered' as const, at: Math.floor(Date.now() / 1000) - 100, to: fresh() };
      const stored = await h.storeStatuses(ws.channelId, [status]);
      await h.db.query(`UPDATE webhook_events SET received_at = now() - interval '100 seconds' WHERE id = $1`, [stored]);
      await h.get(WebhookApplier).apply(stored, []);
      await h.get(StatusReceivers).flush();
      const receipts = async () =>
        (await h.db.query(
          `SELECT round(extract(epoch FROM now() - from_at))::int AS from_ago, round(extract(epoch FROM now() - to_at))::int AS to_ago FROM status_receipts WHERE channel_id = $1`,
          [ws.channelId],
        )) as Array<{ from_ago: number; to_ago: number }>;
      expect(await receipts()).toEqual([{ from_ago: 100, to_ago: 100 }]);
      const replayed = await h.storeStatuses(ws.channelId, [{ ...status, status: 'read' }]);
      await h.db.query(`UPDATE webhook_events SET replayed = true WHERE id = $1`, [replayed]);
      await h.get(WebhookApplier).apply(replayed, []);
      await h.get(StatusReceivers).flush();
      expect(await receipts()).toEqual([{ from_ago: 100, to_ago: 100 }]);
    });

    it('names the worker in each claim, clears it when the request is over without an answer, and sends nothing while that worker cannot beat', async () => {
      const ws = await h.workspace('Claims and the fence');
      const workers = h.get(SendWorkers);
      const row = async (id: string) =>
        ((await h.db.query('SELECT status, claimed_by, to_number FROM messages WHERE id = $1', [id])) as Array<{ status: string; claimed_by: string | null; to_number: string }>)[0]!;
      const fenced = jest.spyOn(workers, 'fresh').mockReturnValue(false);
      const id = await queuedMessage(ws.workspaceId);
      try {
        await h.get(MessageSender).send(id);
      } finally {
        fenced.mockRestore();
      }
      const held = await row(id);
      expect(held.status).toBe('queued'); // handed back unsent
      expect(h.provider.sentTo(held.to_number)).toHaveLength(0);
      // Fenced after its slot was booked (the beats stopped while it waited): checked again right before the request.
      await h.db.query(`UPDATE messages SET not_before = NULL WHERE id = $1`, [id]);
      const fencedLate = jest.spyOn(workers, 'fresh').mockReturnValueOnce(true).mockReturnValue(false);
      try {
        expect(await h.get(MessageSender).send(id)).toBe('waiting');
      } finally {
        fencedLate.mockRestore();
      }
      expect((await row(id)).status).toBe('queued');
      expect(h.provider.sentTo(held.to_number)).toHaveLength(0);
      await h.db.query(`UPDATE messages SET not_before = NULL WHERE id = $1`, [id]);
      expect(await h.get(MessageSender).send(id)).toBe('accepted');
      expect(await row(id)).toMatchObject({ status: 'accepted', claimed_by: workers.id });
      expect(h.provider.sentTo(held.to_number)).toHaveLength(1);
      const timedOut = await queuedMessage(ws.workspaceId);
      h.provider.answer((await row(timedOut)).to_number, 'timeout');
      expect(await h.get(MessageSender).send(timedOut)).toBe('unconfirmed');
      expect(await row(timedOut)).toMatchObject({ status: 'sending', claimed_by: null });
    });

    it('looks past the sends a long outage leaves held: older ones without evidence do not fill the batch', async () => {
      // The older run's send: its worker alive (its outcome could not be recorded), not to be released yet.
      const held = await inDoubtRun('In doubt, held and older', undefined, { doubtAgo: 300, othersAgo: 299 });
      await h.db.query(`UPDATE send_workers SET seen_at = now() + interval '1 hour' WHERE id = $1`, [held.worker]);
      const run = await inDoubtRun('In doubt, released behind it');
      for (const r of [held, run]) await h.db.query(`UPDATE campaign_recipients SET status = 'delivered' WHERE run_id = $1 AND id <> $2`, [r.runId, r.doubt.id]);
      await receiverUp(3_600, 0);
      await statusesApplied(run.channelId, 150, 140);
      const receipts = await h.get(StatusReceivers).receipts(new Date(Date.now() - 400_000));
      // A batch of one: the held send, older, would take it if it were picked before its evidence was weighed (its
      // worker lives and its requests may not have timed out: over 400 s after its claim).
      expect(await h.get(RecipientRepository).releaseInDoubt(120, 400, receipts, 1)).toEqual([{ runId: run.runId, chunk: 0 }]);
      expect((await held.statusOf()).status).toBe('sending');
    });

    it('holds a message whose API died before its wait was over, though a neighbour\'s status had come before its claim', async () => {
      const ws = await h.workspace('In doubt, API died late');
      const before = await queuedMessage(ws.workspaceId);
      const doubt = await queuedMessage(ws.workspaceId);
      // Its neighbour was taken 5 s before its claim and delivered 3 s before; it was claimed 200 s ago…
      await h.db.query(
        `UPDATE messages SET status = 'delivered', sending_at = now() - interval '206 seconds', accepted_at = now() - interval '205 seconds',
                updated_at = now() - interval '203 seconds' WHERE id = $1`,
        [before],
      );
      await h.db.query(`UPDATE messages SET status = 'sending', sending_at = now() - interval '200 seconds', updated_at = now() - interval '200 seconds' WHERE id = $1`, [doubt]);
      // …and the API beat for the last time 15 s before its 120 s wait was over, then died with everything else.
      await receiverUp(3_600, 95);
      await h.get(MessageRecovery).requeueMessages(120);
      const [row] = (await h.db.query('SELECT status FROM messages WHERE id = $1', [doubt])) as Array<{ status: string }>;
      expect(row!.status).toBe('sending');
    });

    it('holds a lone single message unless Herald was up and receiving statuses in the time its own would have come', async () => {
      const ws = await h.workspace('A lone message in doubt');
      const id = await queuedMessage(ws.workspaceId);
      await h.db.query(
        `UPDATE messages SET status = 'sending', sending_at = now() - interval '200 seconds', updated_at = now() - interval '200 seconds' WHERE id = $1`,
        [id],
      );
      const status = async () => ((await h.db.query('SELECT status FROM messages WHERE id = $1', [id])) as Array<{ status: string }>)[0]!.status;
      await receiverUp(3_600, 190); // down 10 s after the claim, for good
      await statusesApplied(ws.channelId, 215, 205); // before its claim only
      await h.get(MessageRecovery).requeueMessages(120);
      expect(await status()).toBe('sending');
      await receiverUp(195, 0); // a second API process was up all along…
      await h.get(MessageRecovery).requeueMessages(120);
      expect(await status()).toBe('sending'); // …but no status was applied after the claim: the webhooks may be lost on their way
      // Statuses of another channel were (its own had nothing else to bring): they were arriving.
      await statusesApplied(ANOTHER_CHANNEL, 180, 170);
      await h.get(MessageRecovery).requeueMessages(120);
      expect(await status()).toBe('queued');
    });

    it('weighs for a lone send only webhooks of its own platform: another platform\'s say nothing of its path', async () => {
      const ws = await h.workspace('A lone message, other platforms busy');
      const id = await queuedMessage(ws.workspaceId);
      await h.db.query(`UPDATE messages SET status = 'sending', sending_at = now() - interval '200 seconds', updated_at = now() - interval '200 seconds' WHERE id = $1`, [id]);
      const status = async () => ((await h.db.query('SELECT status FROM messages WHERE id = $1', [id])) as Array<{ status: string }>)[0]!.status;
      await receiverUp(3_600, 0);
      // A Telegram bot's updates and Messenger's webhooks kept coming after its claim; nothing of WhatsApp's.
      await statusesApplied(ANOTHER_CHANNEL, 180, 170, 'telegram');
      await statusesApplied(ANOTHER_CHANNEL, 180, 170, 'messenger');
      await h.get(MessageRecovery).requeueMessages(120);
      expect(await status()).toBe('sending');
      // Another WhatsApp number's statuses did come: WhatsApp's webhooks were reaching Herald.
      await statusesApplied(ANOTHER_CHANNEL, 180, 170, 'whatsapp');
      await h.get(MessageRecovery).requeueMessages(120);
      expect(await status()).toBe('queued');
    });

    it('records each channel\'s platform with the webhooks it received', async () => {
      const ws = await h.workspace('Receipts by platform');
      const telegram = await h.platformChannel(ws.workspaceId, 'telegram');
      const receivers = h.get(StatusReceivers);
      await receivers.received([
        { channelId: ws.channelId, platform: 'whatsapp', at: new Date() },
        { channelId: telegram, platform: 'telegram', at: new Date() },
      ]);
      await receivers.flush();
      const rows = (await h.db.query('SELECT channel_id, platform FROM status_receipts WHERE channel_id = ANY($1::uuid[])', [[ws.channelId, telegram]])) as Array<{
        channel_id: string;
        platform: string;
      }>;
      expect(Object.fromEntries(rows.map((r) => [r.channel_id, r.platform]))).toEqual({ [ws.channelId]: 'whatsapp', [telegram]: 'telegram' });
      const receipts = await receivers.receipts(new Date(Date.now() - 60_000), [{ id: telegram, platform: 'telegram' }]);
      expect(receipts.platforms).toEqual(expect.arrayContaining(['telegram', 'whatsapp']));
      expect(receipts.sendChannelPlatforms).toEqual(['telegram']);
    });

    describe('claimed by a worker that died before the request left it (departures, rule 5)', () => {
      /** A worker last seen `seenAgo` seconds ago whose departure record is `departed` (an int8multirange); its id. */
      const workerWithRecord = async (seenAgo: number, departed: string): Promise<string> => {
        const [row] = (await h.db.query(
          `INSERT INTO send_workers (id, started_at, seen_at, departed) VALUES (gen_random_uuid(), now() - interval '1 hour', now() - make_interval(secs => $1), $2)
           RETURNING id`,
          [seenAgo, departed],
        )) as Array<{ id: string }>;
        return row!.id;
      };

      it('records each send as leaving before its request does, a few slots at a time', async () => {
        const c = await campaignOf('Departures recorded', 10, { messagesPerSecond: 20 }); // batches of 4
        const { runId } = await campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'] });
        expect(await h.get(RunStarter).start(runId)).toBe('running');
        // At each request: was its number in its worker's record, and how many of the run's were.
        const seen: Array<{ mine: boolean; recorded: number }> = [];
        h.provider.beforeAccept = async (request) => {
          if (!request.callbackData?.startsWith('r:')) return;
          const [row] = (await h.db.query(
            `SELECT bool_or(r.id = $2 AND w.departed @> r.claim_seq) AS mine, count(*) FILTER (WHERE w.departed @> r.claim_seq)::int AS recorded
               FROM campaign_recipients r JOIN send_workers w ON w.id = r.claimed_by WHERE r.run_id = $1`,
            [runId, request.callbackData.slice(2)],
          )) as Array<{ mine: boolean; recorded: number }>;
          seen.push(row!);
        };
        try {
          expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
        } finally {
          h.provider.beforeAccept = null;
        }
        expect(seen).toHaveLength(10);
        expect(seen.every((s) => s.mine)).toBe(true);
        // The first request left with the first slots recorded, not the whole chunk: the later ones were still held back.
        expect(seen[0]!.recorded).toBeGreaterThanOrEqual(1);
        expect(seen[0]!.recorded).toBeLessThan(10);
      });

      it('queues again at once, on no evidence, what it had claimed but never let leave; holds what may have left, and what a live worker holds', async () => {
        const c = await campaignOf('Never left the worker', 5);
        const { runId } = await campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'] });
        expect(await h.get(RunStarter).start(runId)).toBe('running');
        expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
        await h.db.query(`UPDATE campaign_runs SET status = 'running', completed_at = NULL WHERE id = $1`, [runId]);
        // Claimed 10 s ago (far from any in-doubt wait), numbers 1–4 by a worker gone 2 s ago that had recorded 1 and 2
        // as leaving; the fifth by a live worker that recorded nothing yet. No webhook, no API heartbeat at all.
        const dead = await workerWithRecord(5, '{[1,3)}');
        const alive = await workerWithRecord(0, '{}');
        await h.db.query(
          `UPDATE campaign_recipients r SET status = 'sending', provider_message_id = NULL, accepted_at = NULL, attempts = 1,
                  claimed_by = CASE WHEN n.k < 5 THEN $2 ELSE $3 END::uuid, claim_seq = n.k, updated_at = now() - interval '10 seconds'
             FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM campaign_recipients WHERE run_id = $1) n
            WHERE r.id = n.id`,
          [runId, dead, alive],
        );
        const queue = h.get(JobQueue).queue(QUEUE_OF_JOB[JobName.SendChunk]);
        await queue.remove(chunkJobId(runId, 0)); // the job its start queued (no worker takes jobs here)
        await h.get(CampaignReconciler).reconcile();
        const rows = (await h.db.query('SELECT status, attempts, claimed_by FROM campaign_recipients WHERE run_id = $1 ORDER BY id', [runId])) as Array<{
          status: string;
          attempts: number;
          claimed_by: string | null;
        }>;
        expect(rows.map((r) => r.status)).toEqual(['sending', 'sending', 'queued', 'queued', 'sending']);
        // Attempts as claimed: the next claim raises them, so a late outcome of the buried worker's claim matches nothing.
        expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1, 1, 1]);
        const workers = (await h.db.query('SELECT id, buried_at IS NOT NULL AS buried FROM send_workers WHERE id = ANY($1::uuid[])', [[dead, alive]])) as Array<{
          id: string;
          buried: boolean;
        }>;
        expect(Object.fromEntries(workers.map((w) => [w.id, w.buried]))).toEqual({ [dead]: true, [alive]: false });
        // Another worker claims one of them; the buried worker, alive after all, then records its own claim's outcome
        // (handed back unsent): it must not touch the new claim, or a third worker would send it while the second does.
        const ids = ((await h.db.query('SELECT id FROM campaign_recipients WHERE run_id = $1 ORDER BY id', [runId])) as Array<{ id: string }>).map((r) => r.id);
        await h.db.query(`UPDATE campaign_recipients SET status = 'sending', attempts = attempts + 1, claimed_by = $2 WHERE id = $1`, [ids[2], alive]);
        await h.get(RecipientRepository).record({ ...emptyOutcomes(), released: [{ id: ids[2]!, attempts: 1 }] });
        expect(((await h.db.query('SELECT status, claimed_by FROM campaign_recipients WHERE id = $1', [ids[2]])) as Array<{ status: string; claimed_by: string }>)[0]).toEqual({
          status: 'sending',
          claimed_by: alive,
        });
        // Nor any other outcome it decided for its claim: a check's skip or expiry, a failure, a request that got no
        // answer (which would erase the new claim's worker, and with it what holds the new send while it is out).
        const late = { code: 'late', title: 'Late', details: 'decided for the buried claim' };
        await h.get(RecipientRepository).record({
          ...emptyOutcomes(),
          failed: [{ id: ids[2]!, error: late, attempts: 1 }],
          inDoubt: [{ id: ids[2]!, error: late, attempts: 1 }],
          skipped: [{ id: ids[2]!, attempts: 1, reason: 'opted_out', error: late }],
        });
        await h.get(RecipientRepository).record({ ...emptyOutcomes(), expired: [{ id: ids[2]!, attempts: 1 }] });
        expect(((await h.db.query('SELECT status, claimed_by, error FROM campaign_recipients WHERE id = $1', [ids[2]])) as Array<{ status: string; claimed_by: string }>)[0]).toEqual({
          status: 'sending',
          claimed_by: alive,
          error: null,
        });
        await h.db.query(`UPDATE campaign_recipients SET status = 'queued', claimed_by = NULL WHERE id = $1`, [ids[2]]);
        // Their chunk is handed to a worker again, and they go out.
        expect(await queue.getJob(chunkJobId(runId, 0))).toBeDefined();
        await h.db.query(`UPDATE campaign_recipients SET status = 'accepted' WHERE run_id = $1 AND status = 'sending'`, [runId]);
        expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
        expect(((await h.db.query(`SELECT count(*)::int AS n FROM campaign_recipients WHERE run_id = $1 AND status = 'accepted'`, [runId])) as Array<{ n: number }>)[0]!.n).toBe(5);
      });

      it('does the same for single messages', async () => {
        const ws = await h.workspace('Messages that never left');
        const [unsent, left] = [await queuedMessage(ws.workspaceId), await queuedMessage(ws.workspaceId)];
        const dead = await workerWithRecord(5, '{[1,8)}');
        await h.db.query(
          `UPDATE messages SET status = 'sending', attempts = 1, claimed_by = $3, claim_seq = CASE WHEN id = $1 THEN 8 ELSE 7 END, updated_at = now() - interval '10 seconds'
            WHERE id IN ($1, $2)`,
          [unsent, left, dead],
        );
        // The pass also hands out other specs' lost queued messages (the lane's database is shared): count this one's.
        const queue = h.get(JobQueue).queue(QUEUE_OF_JOB[JobName.SendMessage]);
        const jobsOf = async (id: string) =>
          (await queue.getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => (j.data as { messageId?: string }).messageId === id).length;
        const [unsentJobs, leftJobs] = [await jobsOf(unsent), await jobsOf(left)];
        expect((await h.get(MessageRecovery).requeueMessages(120)).requeued).toBeGreaterThanOrEqual(1);
        const status = async (id: string) => ((await h.db.query('SELECT status, attempts FROM messages WHERE id = $1', [id])) as Array<{ status: string; attempts: number }>)[0]!;
        expect(await status(unsent)).toEqual({ status: 'queued', attempts: 1 });
        expect(await status(left)).toEqual({ status: 'sending', attempts: 1 });
        // Handed to a worker at once, and only it.
        expect([(await jobsOf(unsent)) - unsentJobs, (await jobsOf(left)) - leftJobs]).toEqual([1, 0]);
        // Claimed again; the buried worker, alive after all, then records what it had decided for its own claim: none of
        // it lands on the new claim.
        const alive = await workerWithRecord(0, '{}');
        await h.db.query(`UPDATE messages SET status = 'sending', attempts = 2, claimed_by = $2 WHERE id = $1`, [unsent, alive]);
        const messages = (h.get(MessageSender) as unknown as { messages: { record: (o: ReturnType<typeof emptyOutcomes>) => Promise<unknown> } }).messages;
        const late = { code: 'late', title: 'Late', details: 'decided for the buried claim' };
        await messages.record({ ...emptyOutcomes(), released: [{ id: unsent, attempts: 1 }] });
        await messages.record({ ...emptyOutcomes(), failed: [{ id: unsent, error: late, attempts: 1 }] });
        await messages.record({ ...emptyOutcomes(), inDoubt: [{ id: unsent, error: late, attempts: 1 }] });
        await messages.record({ ...emptyOutcomes(), skipped: [{ id: unsent, attempts: 1, reason: 'opted_out', error: late }] });
        await messages.record({ ...emptyOutcomes(), expired: [{ id: unsent, attempts: 1 }] });
        expect(((await h.db.query('SELECT status, attempts, claimed_by, error FROM messages WHERE id = $1', [unsent])) as unknown[])[0]).toEqual({
          status: 'sending',
          attempts: 2,
          claimed_by: alive,
          error: null,
        });
        // The outcome decided for the new claim lands.
        await messages.record({ ...emptyOutcomes(), failed: [{ id: unsent, error: late, attempts: 2 }] });
        expect(await status(unsent)).toEqual({ status: 'failed', attempts: 2 });
      });

      it('buries a worker counted gone: it records nothing more, sends nothing it had claimed, and goes on as a new worker', async () => {
        const ws = await h.workspace('Buried alive');
        const workers = h.get(SendWorkers);
        const before = workers.id;
        // Its number is recorded when it leaves, and only then.
        const seqs = workers.allocate(2);
        expect(await workers.departing([{ claimedBy: before, seq: seqs.base }])).toBe(true);
        const contains = async (seq: number) =>
          ((await h.db.query('SELECT departed @> $2::bigint AS yes FROM send_workers WHERE id = $1', [before, seq])) as Array<{ yes: boolean }>)[0]!.yes;
        expect([await contains(seqs.base), await contains(seqs.base + 1)]).toEqual([true, false]);
        workers.close(seqs);
        // Its beats stop for longer than SEND_WORKER_GONE_SECONDS (a stalled process) and a reconciler buries it.
        const beat = jest.spyOn(workers as unknown as { beat: () => Promise<void> }, 'beat').mockResolvedValue(undefined);
        const fresh = jest.spyOn(workers, 'fresh').mockReturnValue(true); // as if it had not noticed yet
        try {
          await h.db.query(`UPDATE send_workers SET seen_at = now() - interval '10 seconds' WHERE id = $1`, [before]);
          expect((await workers.bury([before])).map((w) => w.id)).toEqual([before]);
          // A message it claims now is handed back unsent: its departure cannot be recorded any more.
          const id = await queuedMessage(ws.workspaceId);
          expect(await h.get(MessageSender).send(id)).toBe('waiting');
          const [row] = (await h.db.query('SELECT status, to_number FROM messages WHERE id = $1', [id])) as Array<{ status: string; to_number: string }>;
          expect(row!.status).toBe('queued');
          expect(h.provider.sentTo(row!.to_number)).toHaveLength(0);
          // Its next beat finds it buried: it goes on under a new identity, and nothing claimed under the old one may leave.
          fresh.mockRestore();
          beat.mockRestore();
          await until(async () => workers.id !== before, 'the beat to find it buried');
          expect(workers.mayLeave({ claimedBy: before, seq: seqs.base })).toBe(false);
          // The new identity beats, then sends.
          await until(async () => workers.fresh(), 'the new identity\'s first beat');
          await h.db.query(`UPDATE messages SET not_before = NULL WHERE id = $1`, [id]);
          expect(await h.get(MessageSender).send(id)).toBe('accepted');
          expect(h.provider.sentTo(row!.to_number)).toHaveLength(1);
          expect(((await h.db.query('SELECT claimed_by FROM messages WHERE id = $1', [id])) as Array<{ claimed_by: string }>)[0]!.claimed_by).toBe(workers.id);
          // The buried identity's beat changes nothing: it stays gone.
          expect(((await h.db.query('SELECT seen_at < now() - interval \'5 seconds\' AS old FROM send_workers WHERE id = $1', [before])) as Array<{ old: boolean }>)[0]!.old).toBe(true);
        } finally {
          fresh.mockRestore();
          beat.mockRestore();
        }
      });
    });

    it('leaves in doubt only the requests still on the wire when a worker dies: what the provider answered is recorded as it comes, and holds the rest while webhooks are lost', async () => {
      // One batch of ten: the provider answers five at once and is still working on the other five when the worker dies.
      const c = await campaignOf('In doubt, answers half in', 10);
      const { runId } = await campaigns.createRun(c.workspaceId, c.campaignId, { audiences: ['all-of-them'] });
      expect(await h.get(RunStarter).start(runId)).toBe('running');
      const slow = new Set(c.numbers.slice(5));
      const wire = gate();
      h.provider.beforeAccept = async (request) => {
        if (slow.has(request.to)) await wire.opened;
      };
      const sending = h.get(ChunkSender).send(runId, 0);
      try {
        const statuses = async () =>
          (await h.db.query('SELECT to_number, status FROM campaign_recipients WHERE run_id = $1', [runId])) as Array<{ to_number: string; status: string }>;
        // The answers in are in Postgres while the batch's other requests are still out (it was recorded only whole).
        await until(async () => (await statuses()).filter((r) => r.status === 'accepted').length === 5, 'the five answers to be recorded');
        expect((await statuses()).filter((r) => r.status === 'sending').map((r) => r.to_number).sort()).toEqual([...slow].sort());
        // The worker is gone (its sends stay as they are), the run's statuses are lost on their way while Herald's API
        // is up and the channel's statuses came in the minute after the claim: the five answered sends, still without
        // a status, say the webhooks were not arriving, so the five on the wire are not sent again.
        await h.db.query(
          `UPDATE campaign_recipients SET sending_at = now() - interval '200 seconds', updated_at = now() - interval '200 seconds',
                  accepted_at = CASE WHEN status = 'accepted' THEN now() - interval '199 seconds' END, claimed_by = $2
            WHERE run_id = $1`,
          [runId, await goneWorker(199)],
        );
        await receiverUp(3_600, 0);
        await statusesApplied(c.channelId, 199, 150);
        await h.get(CampaignReconciler).reconcile();
        expect((await statuses()).filter((r) => r.status === 'sending')).toHaveLength(5);
      } finally {
        wire.open();
        h.provider.beforeAccept = null;
      }
      expect(await sending).toEqual({ state: 'done' });
      for (const number of c.numbers) expect(h.provider.sentTo(number)).toHaveLength(1);
    });
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
