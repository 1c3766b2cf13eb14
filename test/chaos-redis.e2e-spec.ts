import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from './support/api-harness';
import {
  addSimulatedChannel,
  startSimulator,
  startWorker,
  waitFor,
  type ChildHarness,
  type SimulatorHarness,
} from './support/process-harness';

// Short forms of the chaos scenarios (bench/chaos/redis-flushed.mjs, bench/chaos/workers-killed.mjs).
// Its own Redis prefix: these workers take no other spec file's jobs, and "Redis loses everything" deletes
// only these keys (never FLUSHALL: the Redis is shared).
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-chaosredis`;
const PHONE_NUMBER_ID = '106540352249001';
const CREDENTIALS = { wabaId: '102290129340411', accessToken: 'EAAG-chaos-token', appSecret: 'chaos-app-secret' };
const RATE = 250;
const RECONCILE_MS = 1_000;
const WORKER_ENV = {
  REDIS_PREFIX,
  // 40 per chunk: more chunks than the 3 workers take at once (4 each), so a replacement finds work waiting.
  CAMPAIGN_CHUNK_SIZE: '40',
  CAMPAIGN_RECONCILE_INTERVAL_MS: String(RECONCILE_MS),
  // The lowest allowed: a send a killed worker claimed is released 10 s later if no status webhook settled it.
  SEND_UNCONFIRMED_AFTER_SECONDS: '10',
  WORKER_CONCURRENCY: '4',
};
/**
 * How late a scheduled run may fire after Redis lost its start job: the workers register the job schedules
 * again within one reconcile interval, the reconcile then queues the start with the delay left (so a loss
 * well before the due time costs nothing); 4 s more for the start itself and the first rate-limit slot on a
 * busy CI machine.
 */
const LATE_BOUND_MS = RECONCILE_MS + 4_000;

interface SimStats {
  accepted: { byPhoneNumberId: Record<string, number> };
  callbackData: { duplicates: number };
}

describe('chaos, short forms: Redis losing its keys, workers killed', () => {
  let api: ApiHarness;
  let db: DataSource;
  let sim: SimulatorHarness;
  let redis: Redis;
  let workers: ChildHarness[] = [];
  let key: string;
  let workspaceId: string;

  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('x-api-key', key)
      .send(body as object);
  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const runStatus = async (campaignId: string, runId: string) =>
    (await get(`/v1/campaigns/${campaignId}/runs/${runId}`)).body.status as string;
  const simStats = async () => (await sim.call<SimStats>('GET', '/_sim/stats')).body;
  const accepted = async (runId: string) =>
    Number(
      (
        (await db.query(
          'SELECT count(*) FILTER (WHERE accepted_at IS NOT NULL) AS n FROM campaign_recipients WHERE run_id = $1',
          [runId],
        )) as Array<{ n: string }>
      )[0]!.n,
    );

  /** Deletes every key of this spec's prefix: jobs, job schedules, rate-limit state, the reconciler's epoch. */
  async function loseRedis(): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  }

  /** `count` contacts from number `from` (+9199100nnnnn) in `audience`. */
  async function seed(audience: string, from: number, count: number): Promise<void> {
    const [aud] = (await db.query(
      `INSERT INTO audiences (workspace_id, id, name) VALUES ($1, $2, $2)
       ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name RETURNING pk`,
      [workspaceId, audience],
    )) as Array<{ pk: string }>;
    await db.query(
      `WITH c AS (
         INSERT INTO contacts (workspace_id, number, name, timezone)
         SELECT $1, '+9199100' || lpad(g::text, 5, '0'), 'Guest ' || g, 'Asia/Kolkata' FROM generate_series($2::int, $2::int + $3::int - 1) AS g
         ON CONFLICT (workspace_id, number) DO UPDATE SET name = EXCLUDED.name RETURNING id)
       INSERT INTO audience_members (audience_pk, contact_id) SELECT $4, id FROM c ON CONFLICT DO NOTHING`,
      [workspaceId, from, count, aud!.pk],
    );
  }

  async function campaign(title: string): Promise<string> {
    const res = await post('/v1/campaigns', { title, message: 'Hi {{name}}, this week only: 20 % off.' });
    expect(res.status).toBe(201);
    const id = res.body.campaignId as string;
    const status = await waitFor(
      async () => (await get(`/v1/campaigns/${id}`)).body.templateStatus as string,
      (s) => s !== 'PENDING',
      15_000,
    );
    expect(status).toBe('APPROVED');
    return id;
  }

  /** The verdict: the run completed, nobody queued or sending, the provider took each recipient exactly once. */
  async function expectSettled(campaignId: string, runId: string, recipients: number, acceptedBefore: number): Promise<void> {
    const status = await waitFor(
      () => runStatus(campaignId, runId),
      (s) => ['completed', 'cancelled', 'failed'].includes(s),
      45_000,
      250,
    );
    expect(status).toBe('completed');
    const rows = (await db.query(
      `SELECT count(*) FILTER (WHERE status IN ('queued', 'sending')) AS unsettled,
              count(*) FILTER (WHERE accepted_at IS NOT NULL) AS accepted FROM campaign_recipients WHERE run_id = $1`,
      [runId],
    )) as Array<{ unsettled: string; accepted: string }>;
    expect({ unsettled: Number(rows[0]!.unsettled), accepted: Number(rows[0]!.accepted) }).toEqual({
      unsettled: 0,
      accepted: recipients,
    });
    const stats = await simStats();
    expect(stats.callbackData.duplicates).toBe(0);
    expect((stats.accepted.byPhoneNumberId[PHONE_NUMBER_ID] ?? 0) - acceptedBefore).toBe(recipients);
  }

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    db = api.app.get(DataSource);
    redis = new Redis(process.env.REDIS_URL!);
    const ws = await api.createWorkspace('Chaos');
    key = ws.apiKey;
    workspaceId = ws.id;
    sim = await startSimulator({ templates: { approvalDelayMs: 100 } });
    // Status webhooks to the API, as in production: they settle the sends a killed worker never recorded.
    await addSimulatedChannel(post, sim, {
      phone: PHONE_NUMBER_ID,
      display: '+1 555 010 9001',
      rate: RATE,
      tier: 'unlimited',
      credentials: CREDENTIALS,
      apiUrl,
    });
    workers = [startWorker(WORKER_ENV), startWorker(WORKER_ENV), startWorker(WORKER_ENV)];
  }, 30_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await sim?.stop();
    if (redis) {
      await loseRedis();
      redis.disconnect();
    }
    await api?.close();
  });

  it('fires a scheduled run at its time when Redis lost its start job before it was due', async () => {
    await seed('later', 0, 200);
    const id = await campaign('Chaos later');
    const acceptedBefore = (await simStats()).accepted.byPhoneNumberId[PHONE_NUMBER_ID] ?? 0;
    const timeToRun = new Date(Date.now() + 4_000);
    const created = await post(`/v1/campaigns/${id}/runs`, { audiences: ['later'], timeToRun: timeToRun.toISOString() });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('scheduled');
    const runId = created.body.runId as string;
    const startJob = `${REDIS_PREFIX}:campaigns:${runId}`;
    expect(await redis.exists(startJob)).toBe(1);

    // Well before the due time, further ahead than the reconciler looks for missing starts (2 intervals).
    await new Promise((r) => setTimeout(r, 500));
    expect(await loseRedis()).toBeGreaterThan(0);
    expect(await redis.exists(startJob)).toBe(0);
    expect(timeToRun.getTime() - Date.now()).toBeGreaterThan(2 * RECONCILE_MS);

    await expectSettled(id, runId, 200, acceptedBefore);
    const [first] = (await db.query('SELECT min(sending_at) AS at FROM campaign_recipients WHERE run_id = $1', [
      runId,
    ])) as Array<{
      at: Date;
    }>;
    const late = first!.at.getTime() - timeToRun.getTime();
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThanOrEqual(LATE_BOUND_MS);
  }, 40_000);

  it('loses nobody and sends nobody twice when workers are killed with SIGKILL again and again mid-run', async () => {
    const recipients = 1_200;
    await seed('storm', 1_000, recipients);
    const id = await campaign('Chaos storm');
    const acceptedBefore = (await simStats()).accepted.byPhoneNumberId[PHONE_NUMBER_ID] ?? 0;
    const runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['storm'] })).body.runId as string;
    await waitFor(
      () => accepted(runId),
      (n) => n >= 100,
      15_000,
      20,
    );
    // Three kills 1.5 s apart, the oldest worker each time (no drain: chunks and claimed sends left mid-flight),
    // a fresh worker in its place.
    const atKill: number[] = [];
    for (let k = 0; k < 3; k++) {
      const victim = workers.shift()!;
      atKill.push(await accepted(runId));
      const exited = once(victim.child, 'exit');
      victim.child.kill('SIGKILL');
      await exited;
      workers.push(startWorker(WORKER_ENV));
      if (k < 2) await new Promise((r) => setTimeout(r, 1_500));
    }
    // Every kill hit the run while it was sending.
    expect(atKill.every((n) => n > 0 && n < recipients)).toBe(true);
    await expectSettled(id, runId, recipients, acceptedBefore);
  }, 60_000);
});
