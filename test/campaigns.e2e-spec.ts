import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { emptyOutcomes, windowState } from '@herald/sending';
import { RecipientRepository } from '@herald/campaigns';
import { startApi, type ApiHarness } from './support/api-harness';
import {
  addSimulatedChannel,
  startSimulator,
  startWorker,
  waitFor,
  type ChildHarness,
  type SimulatorHarness,
} from './support/process-harness';

// Its own Redis prefix: these workers must not take other spec files' jobs; "losing Redis" deletes only these keys.
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-campaigns`;
const PHONE_NUMBER_ID = '106540352242933';
const CREDENTIALS = { wabaId: '102290129340411', accessToken: 'EAAG-campaigns-token', appSecret: 'campaigns-app-secret' };
const RATE = 100;
const WORKER_ENV = {
  REDIS_PREFIX,
  CAMPAIGN_CHUNK_SIZE: '40',
  CAMPAIGN_RECONCILE_INTERVAL_MS: '1000',
  SEND_UNCONFIRMED_AFTER_SECONDS: '10',
  WORKER_CONCURRENCY: '4',
};

interface RunBody {
  status: string;
  recipients: number | null;
  counts: Record<string, number>;
  skippedByReason: Record<string, number>;
  progress: number;
  eta: string | null;
  startedAt: string | null;
  completedAt: string | null;
  failureReason: string | null;
}

describe('campaign engine: campaigns, runs, fan-out, sending through the simulator', () => {
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
  const run = async (campaignId: string, runId: string) =>
    (await get(`/v1/campaigns/${campaignId}/runs/${runId}`)).body as RunBody;
  const settled = (r: RunBody) => ['completed', 'cancelled', 'failed'].includes(r.status);
  const simStats = async () =>
    (
      await sim.call<{ accepted: { byPhoneNumberId: Record<string, number> }; callbackData: { duplicates: number } }>(
        'GET',
        '/_sim/stats',
      )
    ).body;

  /** Contacts n..n+count-1 (numbers +9199000nnnnn) in `audience`, with an `orders` row unless told otherwise. */
  async function seed(audience: string, from: number, count: number, opts: { noOrder?: number[] } = {}): Promise<string[]> {
    const [aud] = await db.query(
      `INSERT INTO audiences (workspace_id, id, name) VALUES ($1, $2, $2) ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name RETURNING pk`,
      [workspaceId, audience],
    );
    const numbers = Array.from({ length: count }, (_, i) => `+9199000${String(from + i).padStart(5, '0')}`);
    const rows: Array<{ id: string; number: string }> = await db.query(
      `INSERT INTO contacts (workspace_id, number, name, timezone)
       SELECT $1, n, 'Guest ' || right(n, 4), 'Asia/Kolkata' FROM unnest($2::text[]) AS n
       ON CONFLICT (workspace_id, number) DO UPDATE SET name = EXCLUDED.name RETURNING id, number`,
      [workspaceId, numbers],
    );
    await db.query(
      `INSERT INTO audience_members (audience_pk, contact_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
      [aud.pk, rows.map((r) => r.id)],
    );
    const [group] = await db.query(`SELECT pk FROM variable_groups WHERE workspace_id = $1 AND id = 'orders'`, [workspaceId]);
    const withOrder = rows.filter((r) => !(opts.noOrder ?? []).includes(Number(r.number.slice(-5))));
    await db.query(
      `INSERT INTO variable_values (group_pk, contact_id, values)
       SELECT $1, c, jsonb_build_object('id', 'A-' || c, 'date', 'Monday') FROM unnest($2::bigint[]) AS c ON CONFLICT DO NOTHING`,
      [group.pk, withOrder.map((r) => r.id)],
    );
    return rows.map((r) => r.id);
  }

  /** A channel on the simulator's number `phone`; with `apiUrl`, the simulator posts its webhooks there. */
  const addChannel = (phone: string, display: string, tier: string, apiUrl?: string, businessId?: string): Promise<string> =>
    addSimulatedChannel(post, sim, { phone, display, rate: RATE, tier, credentials: CREDENTIALS, apiUrl, businessId });

  async function campaign(body: Record<string, unknown>): Promise<string> {
    const res = await post('/v1/campaigns', {
      title: 'Order update',
      message: 'Hi {{name}}, order {orders.id} ships {orders.date}.',
      ...body,
    });
    expect(res.status).toBe(201);
    const id = res.body.campaignId as string;
    const approved = await waitFor(
      async () => (await get(`/v1/campaigns/${id}`)).body.templateStatus,
      (s) => s !== 'PENDING',
      15_000,
    );
    expect(approved).toBe(String(body['title'] ?? '').includes('reject') ? 'REJECTED' : 'APPROVED');
    return id;
  }

  /** Every recipient of the run by status, counted in Postgres (the truth the counters must equal). */
  async function truth(runId: string): Promise<Record<string, number>> {
    const rows: Array<{ status: string; n: string }> = await db.query(
      'SELECT status, count(*) AS n FROM campaign_recipients WHERE run_id = $1 GROUP BY status',
      [runId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    db = api.app.get(DataSource);
    redis = new Redis(process.env.REDIS_URL!);
    const ws = await api.createWorkspace('Campaigns');
    key = ws.apiKey;
    workspaceId = ws.id;
    sim = await startSimulator({ templates: { approvalDelayMs: 300, rejectNamePattern: 'reject' } });
    await addChannel(PHONE_NUMBER_ID, '+1 555 010 0456', 'unlimited', apiUrl);
    expect((await post('/v1/variable-groups', { id: 'orders', name: 'Orders', fields: ['id', 'date'] })).status).toBe(201);
    workers = [startWorker(WORKER_ENV), startWorker(WORKER_ENV)];
  }, 30_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await sim?.stop();
    if (redis) {
      const keys = await redis.keys(`${REDIS_PREFIX}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await api?.close();
  });

  describe('creating campaigns and runs', () => {
    it('refuses unknown groups and fields, bad placeholders and button-rule violations, naming each', async () => {
      const res = await post('/v1/campaigns', {
        title: 'Bad',
        message: 'Hi {{nickname}}, {order.id} and {orders.total}',
        buttons: [
          { text: 'Call us', type: 'phone', phoneNumber: '+14155550123' },
          { text: 'Yes', type: 'input', input: 'answer' },
          { text: 'x'.repeat(26), type: 'url', url: 'https://example.com' },
        ],
        templateType: 'PROMO',
      });
      expect(res.status).toBe(400);
      const issues = JSON.stringify(res.body.error.details);
      expect(issues).toContain('{{nickname}}');
      expect(issues).toContain('buttons[2].text');
      expect(issues).toContain('templateType');
      expect(issues).toMatch(/phone and url|input\/journey/);
      const groups = await post('/v1/campaigns', { title: 'Bad', message: 'Hi {order.id} and {orders.total}' });
      expect(groups.status).toBe(400);
      const named = (groups.body.error.details as Array<{ field: string; issue: string }>).map((d) => d.issue).join('\n');
      expect(named).toContain('unknown variable group "order"');
      expect(named).toContain('no field "total"');
      const tooMany = await post('/v1/campaigns', {
        title: 'Too many',
        message: 'Hi',
        buttons: Array.from({ length: 3 }, (_, i) => ({ text: `Site ${i}`, type: 'url', url: `https://example.com/${i}` })),
      });
      expect(tooMany.status).toBe(400);
    });

    it('starts one run for one requestId, however many times and however concurrently it is asked (a retry, a double click)', async () => {
      await seed('once', 1, 3);
      const id = await campaign({ title: 'Once' });
      const later = new Date(Date.now() + 3_600_000).toISOString();
      const asks = await Promise.all(Array.from({ length: 20 }, () => post(`/v1/campaigns/${id}/runs`, { audiences: ['once'], timeToRun: later, requestId: 'start-once-1' })));
      expect(asks.map((a) => a.status)).toEqual(Array(20).fill(202));
      expect(new Set(asks.map((a) => a.body.runId as string)).size).toBe(1);
      const runs = await db.query('SELECT id FROM campaign_runs WHERE campaign_id = $1', [id]);
      expect(runs).toHaveLength(1);
      // Another key is another run; no key, as before, a run per ask.
      const other = await post(`/v1/campaigns/${id}/runs`, { audiences: ['once'], timeToRun: later, requestId: 'start-once-2' });
      expect([other.status, other.body.runId === asks[0]!.body.runId]).toEqual([202, false]);
      const bad = await post(`/v1/campaigns/${id}/runs`, { audiences: ['once'], requestId: 'x'.repeat(129) });
      expect([bad.status, bad.body.error.details]).toEqual([400, [{ field: 'requestId', issue: 'must be 1-128 characters' }]]);
      for (const run of [asks[0]!.body.runId as string, other.body.runId as string]) expect((await post(`/v1/campaigns/${id}/runs/${run}/cancel`, {})).status).toBe(200);
    });

    it('makes one campaign and one run for one requestId of a create that runs it, however concurrently it is asked', async () => {
      await seed('create-once', 1, 2);
      const later = new Date(Date.now() + 3_600_000).toISOString();
      const body = { title: 'Create once', message: 'Hi {{name}}.', options: { runImmediately: true, audiences: ['create-once'], timeToRun: later }, requestId: 'create-once-1' };
      const asks = await Promise.all(Array.from({ length: 12 }, () => post('/v1/campaigns', body)));
      expect(asks.map((a) => a.status)).toEqual(Array(12).fill(201));
      expect(new Set(asks.map((a) => a.body.campaignId as string)).size).toBe(1);
      expect(new Set(asks.map((a) => a.body.run?.runId as string)).size).toBe(1);
      const made = (await db.query('SELECT id FROM campaigns WHERE request_id = $1', ['create-once-1'])) as Array<{ id: string }>;
      expect(made).toHaveLength(1);
      expect(await db.query('SELECT id FROM campaign_runs WHERE campaign_id = $1', [made[0]!.id])).toHaveLength(1);
      // Asked again later, the answer is the same campaign and run, as they are now.
      const again = await post('/v1/campaigns', body);
      expect([again.status, again.body.campaignId, again.body.run.runId]).toEqual([201, made[0]!.id, asks[0]!.body.run.runId]);
      // The key of a campaign is not a blast's; nor is a bad key taken.
      const blast = await post('/v1/blasts', { message: 'x', searchSpec: {}, requestId: 'create-once-1' });
      expect([blast.status, blast.body.error.code, blast.body.error.details]).toEqual([409, 'request_id_used', [{ field: 'requestId', issue: 'is already used in this workspace' }]]);
      const bad = await post('/v1/campaigns', { ...body, requestId: '' });
      expect([bad.status, bad.body.error.details]).toEqual([400, [{ field: 'requestId', issue: 'must be 1-128 characters' }]]);
      expect((await post(`/v1/campaigns/${made[0]!.id}/runs/${asks[0]!.body.run.runId}/cancel`, {})).status).toBe(200);
      // A create that started no run answers none when repeated, though a run was started for the campaign since.
      const plain = await post('/v1/campaigns', { title: 'Create once, no run', message: 'Hi {{name}}.', requestId: 'create-once-2' });
      expect([plain.status, plain.body.run]).toEqual([201, undefined]);
      const started = await post(`/v1/campaigns/${plain.body.campaignId}/runs`, { audiences: ['create-once'], timeToRun: later });
      expect(started.status).toBe(202);
      const repeat = await post('/v1/campaigns', { title: 'Create once, no run', message: 'Hi {{name}}.', requestId: 'create-once-2' });
      expect([repeat.status, repeat.body.campaignId, repeat.body.run]).toEqual([201, plain.body.campaignId, undefined]);
      expect((await post(`/v1/campaigns/${plain.body.campaignId}/runs/${started.body.runId}/cancel`, {})).status).toBe(200);
    });

    it('registers the template, refuses runs more than 35 days ahead and unknown audiences, and deleting while active', async () => {
      await seed('lobby', 1, 3);
      const id = await campaign({ title: 'Later' });
      const far = await post(`/v1/campaigns/${id}/runs`, {
        audiences: ['lobby'],
        timeToRun: Math.floor(Date.now() / 1000) + 36 * 86_400,
      });
      expect(far.status).toBe(400);
      expect(far.body.error.details[0].field).toBe('timeToRun');
      const unknown = await post(`/v1/campaigns/${id}/runs`, { audiences: ['lobby', 'nobody'] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain('nobody');
      const later = await post(`/v1/campaigns/${id}/runs`, {
        audiences: ['lobby'],
        timeToRun: new Date(Date.now() + 3_600_000).toISOString(),
      });
      expect(later.status).toBe(202);
      expect(later.body.status).toBe('scheduled');
      expect((await get('/v1/campaigns?active=true')).body.data.map((c: { id: string }) => c.id)).toContain(id);
      const immediate = await post('/v1/campaigns', {
        title: 'Right away',
        message: 'Hello {{name}}',
        options: { runImmediately: true, audiences: ['lobby'], timeToRun: Math.floor(Date.now() / 1000) + 3_600 },
      });
      expect(immediate.status).toBe(201);
      expect(immediate.body).toMatchObject({ templateStatus: 'PENDING', run: { status: 'scheduled' } });
      const immediateRun = `/v1/campaigns/${immediate.body.campaignId}/runs/${immediate.body.run.runId}`;
      expect((await get(immediateRun)).body.status).toBe('scheduled');
      expect((await post(`${immediateRun}/cancel`, {})).body.status).toBe('cancelled');
      expect((await api.http.delete(`/v1/campaigns/${id}`).set('x-api-key', key)).status).toBe(409);
      expect((await post(`/v1/campaigns/${id}/runs/${later.body.runId}/cancel`, {})).body.status).toBe('cancelled');
      expect((await get('/v1/campaigns?active=false')).body.data.map((c: { id: string }) => c.id)).toContain(id);
      expect((await api.http.delete(`/v1/campaigns/${id}`).set('x-api-key', key)).status).toBe(204);
      expect((await get(`/v1/campaigns/${id}`)).status).toBe(404);
    });

    it('fails the runs of a campaign whose template was rejected, with the reason', async () => {
      const id = await campaign({ title: 'please reject this' });
      const res = await post(`/v1/campaigns/${id}/runs`, { audiences: ['lobby'] });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('template_not_usable');
    });
  });

  describe('a run', () => {
    it('fixes recipients with exclusions and reasons, waits for timeToRun, sends everyone once, and counts the truth', async () => {
      // 60 in "north", 60 in "south", 20 in both: 100 distinct. Some cannot be sent, each for its reason.
      const north = await seed('north', 100, 60, { noOrder: [101, 102] });
      await seed('south', 140, 60);
      await db.query('UPDATE contacts SET opted_out = true WHERE id = ANY($1::bigint[])', [north.slice(10, 13)]);
      await db.query('UPDATE contacts SET not_on_whatsapp_at = now() WHERE id = ANY($1::bigint[])', [north.slice(20, 22)]);
      // A frequency cap of 1 marketing message per 7 days; two contacts got one yesterday.
      expect(
        (
          await api.http
            .patch('/v1/settings')
            .set('x-api-key', key)
            .send({ frequencyCap: { messages: 1, days: 7 } })
        ).status,
      ).toBe(200);
      // (The cap's ledger, as a marketing send claimed yesterday leaves it; the cap is checked when each is sent.)
      await db.query(
        `INSERT INTO marketing_send_log (send_key, workspace_id, contact_id, sent_at)
         SELECT 'earlier:' || id, $1, id, now() - interval '1 day' FROM contacts WHERE id = ANY($2::bigint[])`,
        [workspaceId, north.slice(30, 32)],
      );
      const id = await campaign({
        buttons: [
          { text: 'Yes please', type: 'input', input: 'answer' },
          { text: 'Track', type: 'journey', journeyId: 'track' },
        ],
      });
      const timeToRun = new Date(Date.now() + 3_000);
      const created = await post(`/v1/campaigns/${id}/runs`, {
        audiences: ['north', 'south'],
        timeToRun: timeToRun.toISOString(),
      });
      expect(created.status).toBe(202);
      const runId = created.body.runId as string;
      const before = await run(id, runId);
      expect(before.status).toBe('scheduled');

      const done = await waitFor(() => run(id, runId), settled, 30_000, 200);
      expect(done.status).toBe('completed');
      expect(done.recipients).toBe(100);
      expect(done.skippedByReason).toEqual({ opted_out: 3, not_on_whatsapp: 2, frequency_cap: 2, missing_variable: 2 });
      const [{ first }] = await db.query('SELECT min(sending_at) AS first FROM campaign_recipients WHERE run_id = $1', [runId]);
      expect((first as Date).getTime()).toBeGreaterThanOrEqual(timeToRun.getTime());
      expect(new Date(done.startedAt!).getTime()).toBeGreaterThanOrEqual(timeToRun.getTime());

      // Every sendable recipient reaches read (the simulator delivers and reads all); counters equal the truth.
      await waitFor(
        () => truth(runId),
        (t) => t['read'] === 91,
        15_000,
        200,
      );
      const counted = (await run(id, runId)).counts;
      const real = await truth(runId);
      for (const status of ['queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled']) {
        expect([status, counted[status]]).toEqual([status, real[status] ?? 0]);
      }
      const results = (await get(`/v1/campaigns/${id}/results?runId=${runId}`)).body;
      expect(results).toMatchObject({
        sent: 91,
        delivered: 91,
        read: 91,
        sendErrors: 0,
        deliveryErrors: 0,
        numbersNotOnWhatsApp: 2,
        skipped: 9,
        deliveryRate: 1,
        readRate: 1,
      });
      const [{ params }] = await db.query(
        `SELECT params FROM campaign_recipients WHERE run_id = $1 AND status = 'read' ORDER BY id LIMIT 1`,
        [runId],
      );
      expect(params).toEqual([expect.stringMatching(/^Guest \d{4}$/), expect.stringMatching(/^A-\d+$/), 'Monday']);
      expect((await simStats()).callbackData.duplicates).toBe(0);

      // A button reply is the recipient's action, and an input button's reply lands in the campaign's input group.
      const [replied] = await db.query(
        `SELECT id, contact_id, provider_message_id, to_number FROM campaign_recipients WHERE run_id = $1 AND status = 'read' ORDER BY id LIMIT 1`,
        [runId],
      );
      const inbound = await sim.call('POST', '/_sim/inbound', {
        phoneNumberId: PHONE_NUMBER_ID,
        from: replied.to_number.slice(1),
        contextMessageId: replied.provider_message_id,
        button: { payload: 'input:answer', text: 'Yes please' },
      });
      expect(inbound.status).toBe(202);
      const group = (await get(`/v1/campaigns/${id}`)).body.inputGroup as string;
      const values = await waitFor(
        async () => (await get(`/v1/variable-groups/${group}/values?number=${encodeURIComponent(replied.to_number)}`)).body,
        (v) => JSON.stringify(v).includes('Yes please'),
        10_000,
        200,
      );
      expect(JSON.stringify(values)).toContain('Yes please');

      const csv = await get(`/v1/campaigns/${id}/recipients?runId=${runId}&format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.text.trim().split('\n');
      expect(lines[0]).toBe('number,name,status,errorCode,errorTitle,errorDetails,sentAt,deliveredAt,readAt,clickedAt,action,runId');
      expect(lines).toHaveLength(101);
      expect(lines.some((l) => l.includes(',Yes please,'))).toBe(true);
      const skipped = (await get(`/v1/campaigns/${id}/recipients?runId=${runId}&status=skipped`)).body as Array<{
        errorCode: string;
      }>;
      expect(skipped.map((r) => r.errorCode).sort()).toEqual([
        'frequency_cap',
        'frequency_cap',
        'missing_variable',
        'missing_variable',
        'not_on_whatsapp',
        'not_on_whatsapp',
        'opted_out',
        'opted_out',
        'opted_out',
      ]);
      const listed = (await get(`/v1/campaigns/${id}`)).body;
      expect(listed).toMatchObject({ templateStatus: 'APPROVED', totalSent: 91, totalDelivered: 91, totalRead: 91 });
      expect(listed.runs).toHaveLength(1);
      await api.http.patch('/v1/settings').set('x-api-key', key).send({ frequencyCap: null });
    }, 60_000);

    it('pauses within a second, resumes where it stopped, and a cancelled run sends nothing more', async () => {
      await seed('crowd', 1000, 400);
      const id = await campaign({ title: 'Pause me' });
      const runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['crowd'] })).body.runId as string;
      await waitFor(
        () => truth(runId),
        (t) => (t['accepted'] ?? 0) + (t['sent'] ?? 0) + (t['delivered'] ?? 0) + (t['read'] ?? 0) >= 60,
        15_000,
        50,
      );
      const paused = await post(`/v1/campaigns/${id}/runs/${runId}/pause`, {});
      expect(paused.status).toBe(200);
      expect(paused.body.status).toBe('paused');
      await new Promise((r) => setTimeout(r, 1_000));
      const sentAtOneSecond = (await simStats()).accepted.byPhoneNumberId[PHONE_NUMBER_ID]!;
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await simStats()).accepted.byPhoneNumberId[PHONE_NUMBER_ID]).toBe(sentAtOneSecond);
      const left = (await truth(runId))['queued'] ?? 0;
      expect(left).toBeGreaterThan(0);

      expect((await post(`/v1/campaigns/${id}/runs/${runId}/resume`, {})).body.status).toBe('running');
      const done = await waitFor(() => run(id, runId), settled, 30_000, 200);
      expect(done.status).toBe('completed');
      expect(done.progress).toBe(1);
      expect((await truth(runId))['queued']).toBeUndefined();

      // Cancel mid-run: whatever was still queued is cancelled and never sent.
      const again = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['crowd'] })).body.runId as string;
      await waitFor(
        () => truth(again),
        (t) => (t['accepted'] ?? 0) + (t['sent'] ?? 0) + (t['delivered'] ?? 0) + (t['read'] ?? 0) >= 40,
        15_000,
        50,
      );
      const cancelled = await post(`/v1/campaigns/${id}/runs/${again}/cancel`, {});
      expect([cancelled.status, cancelled.body.status ?? cancelled.body]).toEqual([200, 'cancelled']);
      await new Promise((r) => setTimeout(r, 1_500));
      const after = await simStats();
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await simStats()).accepted.byPhoneNumberId[PHONE_NUMBER_ID]).toBe(after.accepted.byPhoneNumberId[PHONE_NUMBER_ID]);
      const t = await truth(again);
      expect(t['cancelled']).toBeGreaterThan(0);
      expect(t['queued']).toBeUndefined();
      expect((await post(`/v1/campaigns/${id}/runs/${again}/resume`, {})).status).toBe(409);
      expect((await simStats()).callbackData.duplicates).toBe(0);
    }, 60_000);

    it('defers recipients outside the sending window to its next opening and sends none of them', async () => {
      await seed('night', 2000, 10);
      // A one-hour window in Asia/Kolkata that is closed now.
      const nowIst = new Date(Date.now() + 5.5 * 3_600_000);
      const startHour = (nowIst.getUTCHours() + 3) % 24;
      const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
      const window = {
        start: hh(startHour),
        end: hh((startHour + 1) % 24 || 24),
        days: [1, 2, 3, 4, 5, 6, 7],
        timezone: 'Asia/Kolkata',
      };
      const id = await campaign({ title: 'Night owls', sendWindow: window });
      const runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['night'] })).body.runId as string;
      const rows = await waitFor(
        () =>
          db.query(`SELECT status, not_before FROM campaign_recipients WHERE run_id = $1`, [runId]) as Promise<
            Array<{ status: string; not_before: Date | null }>
          >,
        (r) => r.length === 10 && r.every((x) => x.not_before !== null),
        15_000,
        200,
      );
      const expected = windowState({ ...window, days: [1, 2, 3, 4, 5, 6, 7] }, 'Asia/Kolkata', new Date());
      expect(expected.open).toBe(false);
      for (const r of rows) {
        expect(r.status).toBe('queued');
        expect(r.not_before!.toISOString()).toBe((expected as { opensAt: Date }).opensAt.toISOString());
      }
      expect((await run(id, runId)).status).toBe('running');
      expect((await post(`/v1/campaigns/${id}/runs/${runId}/cancel`, {})).body.status).toBe('cancelled');
    }, 30_000);
  });

  describe('the messaging tier', () => {
    it('never starts conversations with more unique numbers per 24 h than the channel tier allows', async () => {
      // This number has no webhook URL: accepted is as far as its messages get. Its business portfolio (its own here)
      // may reach 250 users a day: the provider says so, and workers read it.
      const tierChannel = await addChannel('106540352242944', '+1 555 010 0789', '250', undefined, 'tiered-business');
      const read = await waitFor(async () => (await get(`/v1/channels/${tierChannel}`)).body, (c) => c.limitsReadAt !== null);
      expect(read.messagingTier).toBe('250');
      // Herald's ledger is the portfolio's (owner_business_info of the WABA; the simulator names its first number's).
      const ledgerKey = (read.businessPortfolioId as string | null) ?? CREDENTIALS.wabaId;
      // 245 numbers already messaged in the last 24 h (the oldest 23 h ago), one of them in the audience.
      const members = await seed('tier', 4000, 20);
      const [known] = await db.query('SELECT number FROM contacts WHERE id = $1', [members[0]]);
      await db.query(
        `INSERT INTO messaging_limit_log (portfolio_key, to_number, last_sent_at)
         SELECT $1, '+1555' || lpad(i::text, 7, '0'), now() - make_interval(hours => 23) + make_interval(secs => i) FROM generate_series(1, 244) AS i
         UNION ALL SELECT $1, $2, now() - interval '1 hour'`,
        [ledgerKey, known.number],
      );
      const id = await campaign({ title: 'Tiered', channelId: tierChannel });
      const runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['tier'] })).body.runId as string;
      // The known number plus 5 new ones fit (250 − 245); the other 14 wait until the oldest entry is 24 h old.
      const t = await waitFor(
        () => truth(runId),
        (x) => (x['accepted'] ?? 0) === 6 && (x['queued'] ?? 0) === 14,
        15_000,
        200,
      );
      expect(t).toEqual({ accepted: 6, queued: 14 });
      const [{ used }] = await db.query(
        `SELECT count(*)::int AS used FROM messaging_limit_log WHERE portfolio_key = $1 AND last_sent_at > now() - interval '24 hours'`,
        [ledgerKey],
      );
      expect(used).toBe(250);
      // They wait (in the delayed set) until the oldest ledger entry is 24 h old: in about an hour.
      const waits = await waitFor(
        async () =>
          (await db.query(
            `SELECT min(not_before) - now() > interval '50 minutes' AS wait FROM campaign_recipients WHERE run_id = $1 AND status = 'queued'`,
            [runId],
          )) as Array<{ wait: boolean | null }>,
        (rows) => rows[0]!.wait === true,
        10_000,
        100,
      );
      expect(waits[0]!.wait).toBe(true);
      expect((await run(id, runId)).status).toBe('running');
      expect((await post(`/v1/campaigns/${id}/runs/${runId}/cancel`, {})).body.status).toBe('cancelled');
    }, 30_000);
  });

  describe('nothing lost, nothing sent twice', () => {
    it('survives a worker killed with SIGKILL mid-run and Redis losing every job mid-run', async () => {
      await seed('storm', 3000, 600);
      const id = await campaign({ title: 'Storm' });
      const acceptedBefore = (await simStats()).accepted.byPhoneNumberId[PHONE_NUMBER_ID] ?? 0;
      const runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['storm'] })).body.runId as string;
      workers.push(startWorker(WORKER_ENV));
      await waitFor(
        () => truth(runId),
        (t) => (t['read'] ?? 0) + (t['delivered'] ?? 0) + (t['sent'] ?? 0) + (t['accepted'] ?? 0) >= 100,
        15_000,
        20,
      );
      // A worker dies mid-send; a fresh one takes its place.
      workers[0]!.child.kill('SIGKILL');
      workers[0] = startWorker(WORKER_ENV);
      await waitFor(
        () => truth(runId),
        (t) => (t['read'] ?? 0) + (t['delivered'] ?? 0) + (t['sent'] ?? 0) + (t['accepted'] ?? 0) >= 250,
        20_000,
        20,
      );
      // Redis loses everything of ours: jobs, schedules, rate-limit state.
      const keys = await redis.keys(`${REDIS_PREFIX}:*`);
      if (keys.length > 0) await redis.del(...keys);

      const done = await waitFor(() => run(id, runId), settled, 60_000, 250);
      expect(done.status).toBe('completed');
      const t = await truth(runId);
      expect(t['queued']).toBeUndefined();
      expect(t['sending']).toBeUndefined();
      expect(t['failed']).toBeUndefined();
      const stats = await simStats();
      expect(stats.callbackData.duplicates).toBe(0);
      // Every recipient was accepted exactly once by the provider.
      expect(stats.accepted.byPhoneNumberId[PHONE_NUMBER_ID]! - acceptedBefore).toBe(600);
    }, 120_000);

    it('records outcomes locking recipients in id order whatever order they come in, as status webhooks do', async () => {
      // Two statements taking the same rows in opposite orders deadlock (an outcome and a status batch once did).
      await seed('locks', 9000, 3);
      const id = await campaign({ title: 'Locks' });
      const runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['locks'] })).body.runId as string;
      expect((await waitFor(() => run(id, runId), settled, 30_000, 100)).status).toBe('completed');
      const sent: Array<{ id: string; provider_message_id: string }> = await db.query(
        'SELECT id, provider_message_id FROM campaign_recipients WHERE run_id = $1 ORDER BY id',
        [runId],
      );
      expect(sent).toHaveLength(3);
      const [low, mid, high] = sent as [(typeof sent)[0], (typeof sent)[0], (typeof sent)[0]];
      const holder = db.createQueryRunner();
      await holder.startTransaction();
      await holder.query('SELECT 1 FROM campaign_recipients WHERE id = $1 FOR UPDATE', [mid.id]);
      const recording = api.app.get(RecipientRepository, { strict: false }).record({
        ...emptyOutcomes(),
        accepted: [high, mid, low].map((r) => ({ id: r.id, providerMessageId: r.provider_message_id, held: false })),
        retry: [],
        failed: [],
        inDoubt: [],
        released: [],
      });
      const waiting = await waitFor(
        async () =>
          (
            await db.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%campaign_recipients r SET provider_message_id%'`,
            )
          )[0].n as number,
        (n) => n === 1,
        5_000,
        20,
      );
      // While it waits for the middle one, it holds the lowest and has not touched the highest.
      const probe = db.createQueryRunner();
      await probe.startTransaction();
      const free: Array<{ id: string }> = await probe.query(
        'SELECT id FROM campaign_recipients WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE SKIP LOCKED',
        [[low.id, high.id]],
      );
      await probe.rollbackTransaction();
      await probe.release();
      await holder.rollbackTransaction();
      await holder.release();
      await recording;
      expect(waiting).toBe(1);
      expect(free.map((r) => r.id)).toEqual([high.id]);
    }, 60_000);
  });
});
