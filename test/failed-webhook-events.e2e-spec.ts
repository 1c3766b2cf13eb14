import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from './support/api-harness';
import { whatsappInboundText } from './support/meta-webhooks';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * The webhook events a worker set aside (it could not apply them, even alone), as an operator works through them: the
 * channel's list with why and the body as received, paged; a replay once the cause is fixed, which a worker then
 * applies (here an inbound message that appears among the inbound messages); a discard. The events are put in the
 * set-aside table as the worker puts them there (the bodies that made it do so are fixed as they are found).
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-failed-webhooks`;
const CREDENTIALS = { wabaId: '102290129348700', accessToken: 'EAAG-failed-webhooks', appSecret: 'failed-webhooks-secret' };
const PHONE = '106540352248701';

describe('webhook events set aside: listed with why, replayed, discarded', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let db: DataSource;
  let key: string;
  let otherKey: string;
  let channelId: string;

  const as = (k: string) => ({
    get: (path: string) => api.http.get(path).set('x-api-key', k),
    post: (path: string) => api.http.post(path).set('x-api-key', k).send({}),
    delete: (path: string) => api.http.delete(path).set('x-api-key', k),
  });
  /** An inbound text from `from` as Meta posts it, set aside by a worker with `error`. */
  const setAside = async (wamid: string, from: string, text: string, error: string): Promise<string> => {
    const body = whatsappInboundText({ wabaId: CREDENTIALS.wabaId, phoneNumberId: PHONE, from, id: wamid, text, name: 'Ada' });
    const [{ id }] = (await db.query(
      `INSERT INTO webhook_events_failed (id, channel_id, body, received_at, error)
       VALUES (nextval(pg_get_serial_sequence('webhook_events', 'id')), $1, $2::json, now() - interval '5 seconds', $3) RETURNING id::text AS id`,
      [channelId, JSON.stringify(body), error],
    )) as Array<{ id: string }>;
    return id;
  };

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    db = api.app.get(DataSource);
    key = (await api.createWorkspace('Set aside')).apiKey;
    otherKey = (await api.createWorkspace('Set aside: another workspace')).apiKey;
    sim = await startSimulator();
    const post = (path: string, body: unknown) => api.http.post(path).set('x-api-key', key).send(body as object);
    channelId = await addSimulatedChannel(post, sim, { phone: PHONE, display: '+1 555 010 8701', rate: 20, tier: 'unlimited', credentials: CREDENTIALS });
    worker = startWorker({ REDIS_PREFIX });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('lists them newest first with why and the body as received, in pages; to the channel’s workspace only', async () => {
    const first = await setAside('wamid.setaside-1', '447400870001', 'first', "TypeError: Cannot read properties of undefined (reading 'entry')");
    const second = await setAside('wamid.setaside-2', '447400870002', 'second', 'RangeError: Invalid time value');
    const third = await setAside('wamid.setaside-3', '447400870003', 'third', 'RangeError: Invalid time value');

    const page1 = await as(key).get(`/v1/channels/${channelId}/failed-webhook-events?limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((e: { id: string }) => e.id)).toEqual([third, second]);
    expect(page1.body.data[0]).toEqual({
      id: third,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      error: 'RangeError: Invalid time value',
      body: expect.objectContaining({ object: 'whatsapp_business_account' }),
    });
    const page2 = await as(key).get(`/v1/channels/${channelId}/failed-webhook-events?limit=2&cursor=${page1.body.nextCursor as string}`);
    expect([page2.status, page2.body.data.map((e: { id: string }) => e.id), page2.body.nextCursor]).toEqual([200, [first], null]);

    const bad = await as(key).get(`/v1/channels/${channelId}/failed-webhook-events?cursor=not-ours`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_cursor']);
    const elsewhere = await as(otherKey).get(`/v1/channels/${channelId}/failed-webhook-events`);
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([404, 'channel_not_found']);
    expect((await as(otherKey).post(`/v1/channels/${channelId}/failed-webhook-events/${first}/replay`)).status).toBe(404);
    expect((await as(otherKey).delete(`/v1/channels/${channelId}/failed-webhook-events/${first}`)).status).toBe(404);
  });

  it('replays one: a worker applies it (the inbound message is stored) and it leaves the list', async () => {
    const id = await setAside('wamid.setaside-replayed', '447400870009', 'replay me', 'TypeError: x is not a function');
    const replayed = await as(key).post(`/v1/channels/${channelId}/failed-webhook-events/${id}/replay`);
    expect(replayed.status).toBe(202);
    const stored = await waitFor(
      async () => ((await as(key).get('/v1/inbound-messages?limit=100')).body.data as Array<{ providerMessageId: string; text: string | null; from: string }>).find((m) => m.providerMessageId === 'wamid.setaside-replayed'),
      (m) => m !== undefined,
      15_000,
    );
    expect(stored).toMatchObject({ text: 'replay me', from: '+447400870009' });
    const list = (await as(key).get(`/v1/channels/${channelId}/failed-webhook-events?limit=200`)).body.data as Array<{ id: string }>;
    expect(list.map((e) => e.id)).not.toContain(id);
    const again = await as(key).post(`/v1/channels/${channelId}/failed-webhook-events/${id}/replay`);
    expect([again.status, again.body.error.code]).toEqual([404, 'webhook_event_not_found']);
  });

  it('discards one: it is never applied, and a second discard or an id that is no event says so', async () => {
    const id = await setAside('wamid.setaside-discarded', '447400870010', 'discard me', 'TypeError: y');
    expect((await as(key).delete(`/v1/channels/${channelId}/failed-webhook-events/${id}`)).status).toBe(204);
    const twice = await as(key).delete(`/v1/channels/${channelId}/failed-webhook-events/${id}`);
    expect([twice.status, twice.body.error.code]).toEqual([404, 'webhook_event_not_found']);
    expect(twice.body.error.message).toContain('WEBHOOK_FAILED_RETENTION_DAYS');
    for (const notAnId of ['abc', '1e3', '-1', '99999999999999999999']) {
      const res = await as(key).delete(`/v1/channels/${channelId}/failed-webhook-events/${notAnId}`);
      expect([notAnId, res.status]).toEqual([notAnId, 404]);
    }
    expect(await db.query('SELECT 1 FROM webhook_events WHERE id = $1', [id])).toEqual([]);
    const inbound = (await as(key).get('/v1/inbound-messages?limit=100')).body.data as Array<{ providerMessageId: string }>;
    expect(inbound.map((m) => m.providerMessageId)).not.toContain('wamid.setaside-discarded');
  });
});
