import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { JobName, QueueName } from '@herald/queues';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * The controls every send has, end to end: the API, worker processes and the Cloud API simulator. Schedule and
 * cancel, validity (expiry while the channel is paused), quiet hours in the recipient's own zone, the frequency cap
 * across two runs started together, an opt-out that arrives mid-run, why a send waits, `to` as a list, `from`, and
 * retrying a run's failed recipients.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-controls`;
const PHONE_NUMBER_ID = '106540352242955';
const PAUSED_NUMBER_ID = '106540352242966';
const CREDENTIALS = { wabaId: '102290129340455', accessToken: 'EAAG-controls-token', appSecret: 'controls-app-secret' };
const WORKER_ENV = {
  REDIS_PREFIX,
  CAMPAIGN_CHUNK_SIZE: '50',
  CAMPAIGN_RECONCILE_INTERVAL_MS: '1000',
  SEND_UNCONFIRMED_AFTER_SECONDS: '10',
  SEND_MAX_ATTEMPTS: '2',
  WORKER_CONCURRENCY: '8',
};

interface Message {
  id: string;
  contactId: string;
  status: string;
  category: string | null;
  scheduledFor: string | null;
  waiting: { reason: string; until: string | null } | null;
  skipReason: string | null;
  channelId: string;
  error: { code: string } | null;
}

describe('controls for every send, end to end', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let workers: ChildHarness[] = [];
  let key: string;
  let apiUrl: string;
  let channelId: string;

  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('x-api-key', key)
      .send(body as object);
  const patch = (path: string, body: unknown) =>
    api.http
      .patch(path)
      .set('x-api-key', key)
      .send(body as object);
  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const message = async (id: string) => (await get(`/v1/messages/${id}`)).body as Message;
  const template = (name: string) => ({ type: 'template', template: { name, language: 'en_US', params: ['Asha'] } });

  async function campaign(title: string, audience: string[]): Promise<string> {
    const created = await post('/v1/campaigns', { title, message: 'Hi {{name}}, our offer is back.' });
    expect(created.status).toBe(201);
    const id = created.body.campaignId as string;
    await waitFor(async () => (await get(`/v1/campaigns/${id}`)).body.templateStatus, (s) => s === 'APPROVED', 15_000);
    await post('/v1/audiences', { id: audience[0], name: audience[0], contacts: audience.slice(1).map((number) => ({ number, name: 'Guest' })) });
    return id;
  }

  interface Run {
    status: string;
    counts: Record<string, number>;
    skippedByReason: Record<string, number>;
    waiting: { reason: string; until: string | null } | null;
  }
  const run = async (campaignId: string, runId: string) => (await get(`/v1/campaigns/${campaignId}/runs/${runId}`)).body as Run;
  const done = (r: Run) => ['completed', 'cancelled', 'failed'].includes(r.status);
  const numbers = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Controls')).apiKey;
    sim = await startSimulator({ templates: { approvalDelayMs: 200 } });
    channelId = await addSimulatedChannel(post, sim, {
      phone: PHONE_NUMBER_ID,
      display: '+1 555 010 0955',
      rate: 40,
      tier: 'unlimited',
      credentials: CREDENTIALS,
      apiUrl,
    });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, your order shipped.' }] },
      { wabaId: CREDENTIALS.wabaId, name: 'spring_offer', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi {{1}}, spring is here.' }] },
    ]);
    workers = [startWorker(WORKER_ENV), startWorker(WORKER_ENV)];
  }, 30_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await sim?.stop();
    await api?.close();
  });

  it('schedules a message, lets it be cancelled before its time, sends one due within 10 minutes now, refuses > 35 days', async () => {
    const later = DateTime.utc().plus({ hours: 2 }).toISO()!;
    const scheduled = await post('/v1/messages', { to: { number: '+447400500001' }, ...template('order_update'), scheduledFor: later });
    expect(scheduled.status).toBe(202);
    expect(scheduled.body).toMatchObject({ status: 'scheduled', scheduledFor: new Date(later).toISOString() });
    expect(await message(scheduled.body.id)).toMatchObject({ status: 'scheduled', waiting: null });
    expect((await post(`/v1/messages/${scheduled.body.id}/cancel`, {})).body.status).toBe('cancelled');
    expect((await post(`/v1/messages/${scheduled.body.id}/cancel`, {})).status).toBe(409);

    // WhautoChat's name for the same field, in unix seconds: 5 minutes ahead is "now".
    const soon = await post('/v1/messages', {
      to: { number: '+447400500002' },
      ...template('order_update'),
      scheduleDateTime: Math.floor(Date.now() / 1000) + 300,
    });
    expect(soon.body.status).toBe('queued');
    expect((await waitFor(() => message(soon.body.id), (m) => m.status === 'read')).status).toBe('read');
    const tooFar = await post('/v1/messages', {
      to: { number: '+447400500003' },
      ...template('order_update'),
      scheduledFor: DateTime.utc().plus({ days: 36 }).toISO(),
    });
    expect([tooFar.status, tooFar.body.error.details[0].field]).toEqual([400, 'scheduledFor']);
    expect((await message(scheduled.body.id)).status).toBe('cancelled');
  });

  it('sends to a list of recipients, one message each, naming each number it refused; `from` names the sender', async () => {
    const res = await post('/v1/messages', {
      to: ['+447400500010', { number: '+447400500011', name: 'Bo' }, 'not a number', '+44 7400 500010'],
      from: '+1 (555) 010-0955',
      ...template('order_update'),
      requestId: 'batch-1',
    });
    expect(res.status).toBe(202);
    expect(res.body.messages.map((m: { to: string; requestId: string }) => [m.to, m.requestId])).toEqual([
      ['+447400500010', 'batch-1/+447400500010'],
      ['+447400500011', 'batch-1/+447400500011'],
    ]);
    expect(res.body.refused).toEqual([
      { index: 2, number: 'not a number', reason: 'not a valid phone number' },
      { index: 3, number: '+447400500010', reason: 'repeats an earlier recipient' },
    ]);
    for (const m of res.body.messages as Array<{ id: string }>) {
      expect(await waitFor(() => message(m.id), (x) => x.status === 'read')).toMatchObject({ status: 'read', channelId });
    }
    const unknown = await post('/v1/messages', { to: { number: '+447400500012' }, from: '+1 555 999 9999', ...template('order_update') });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'channel_not_found']);
  });

  it('refuses by name a recipient of a list whose key a single message to someone else already has, and sends the rest', async () => {
    const single = await post('/v1/messages', { to: { number: '+447400500020' }, ...template('order_update'), requestId: 'batch-2/+447400500021' });
    expect(single.status).toBe(202);
    const res = await post('/v1/messages', { to: ['+447400500021', '+447400500022'], ...template('order_update'), requestId: 'batch-2' });
    expect(res.status).toBe(202);
    expect(res.body.messages.map((m: { to: string; requestId: string }) => [m.to, m.requestId])).toEqual([['+447400500022', 'batch-2/+447400500022']]);
    expect(res.body.refused).toEqual([
      { index: 0, number: '+447400500021', reason: `its requestId "batch-2/+447400500021" already named message ${single.body.id}, to +447400500020` },
    ]);
    // Asked again, the same answer: the list's own message is not made twice.
    const again = await post('/v1/messages', { to: ['+447400500021', '+447400500022'], ...template('order_update'), requestId: 'batch-2' });
    expect([again.body.messages[0].id, again.body.refused.length]).toEqual([res.body.messages[0].id, 1]);
  });

  it('takes every valid number of lists sent at once that name the same new contacts (none refused as invalid)', async () => {
    // Each request adds the contacts it does not find; the others add the same ones at the same moment.
    const to = numbers('+44740059', 24);
    const scheduledFor = new Date(Date.now() + 86_400_000).toISOString(); // not sent during this test
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('/v1/messages', { to, ...template('order_update'), scheduledFor })));
    for (const res of answers) {
      expect([res.status, res.body.error, res.body.refused]).toEqual([202, undefined, []]);
      expect((res.body.messages as Array<{ to: string; status: string }>).map((m) => [m.to, m.status])).toEqual(to.map((n) => [n, 'scheduled']));
    }
    // One contact per number, whichever request added it.
    const first = (res: (typeof answers)[number]) => message((res.body.messages as Array<{ id: string }>)[0]!.id);
    expect(new Set((await Promise.all(answers.map(first))).map((m) => m.contactId)).size).toBe(1);
  });

  it('holds marketing through quiet hours in each recipient\'s own zone, says why and until when', async () => {
    // Quiet now in Kolkata (UTC+5:30), not in London (UTC+0 in December): an hour either side of Kolkata's time.
    const kolkata = DateTime.utc().setZone('Asia/Kolkata');
    const hm = (t: DateTime) => t.toFormat('HH:mm');
    const quietHours = { start: hm(kolkata.minus({ minutes: 60 })), end: hm(kolkata.plus({ minutes: 60 })), timezone: 'recipient' };
    expect((await patch('/v1/settings', { quietHours })).body.quietHours).toMatchObject(quietHours);
    // Workers read settings through a cache of a few seconds.
    await new Promise((r) => setTimeout(r, 5_500));
    try {
      const india = await post('/v1/messages', { to: { number: '+919739900001' }, ...template('spring_offer') });
      const uk = await post('/v1/messages', { to: { number: '+447400500020' }, ...template('spring_offer') });
      const utility = await post('/v1/messages', { to: { number: '+919739900002' }, ...template('order_update') });
      expect((await waitFor(() => message(uk.body.id), (m) => m.status === 'read')).category).toBe('marketing');
      expect((await waitFor(() => message(utility.body.id), (m) => m.status === 'read')).status).toBe('read');
      const held = await waitFor(() => message(india.body.id), (m) => m.waiting !== null);
      expect(held).toMatchObject({ status: 'queued', waiting: { reason: 'quiet_hours' } });
      const until = DateTime.fromISO(held.waiting!.until!).setZone('Asia/Kolkata');
      expect(hm(until)).toBe(quietHours.end);
      expect(until.diff(DateTime.utc(), 'minutes').minutes).toBeGreaterThan(55);
      // Told to ignore quiet hours, it goes out.
      const urgent = await post('/v1/messages', { to: { number: '+919739900003' }, ...template('spring_offer'), ignoreQuietHours: true });
      expect((await waitFor(() => message(urgent.body.id), (m) => m.status === 'read')).status).toBe('read');
      expect((await post(`/v1/messages/${india.body.id}/cancel`, {})).body.status).toBe('cancelled');

      // A run to Kolkata says why it is not sending, and its ETA counts the wait.
      const id = await campaign('Evening offer', ['kolkata', '+919739900011', '+919739900012', '+919739900013']);
      const runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['kolkata'] })).body.runId as string;
      const waiting = await waitFor(() => run(id, runId), (r) => r.waiting !== null, 15_000, 100);
      expect(waiting).toMatchObject({ status: 'running', waiting: { reason: 'quiet_hours', until: held.waiting!.until } });
      expect((await post(`/v1/campaigns/${id}/runs/${runId}/cancel`, {})).body.status).toBe('cancelled');
    } finally {
      await patch('/v1/settings', { quietHours: null });
    }
  }, 40_000);

  it('sends again the recipients whose failure was transient when asked (retry-failed)', async () => {
    const crowd = numbers('+44740053', 12);
    const id = await campaign('Flaky provider', ['flaky', ...crowd]);
    await sim.call('PUT', '/_sim/config', { faults: { serverErrorShare: 1 } });
    let runId: string;
    try {
      runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['flaky'] })).body.runId as string;
      // SEND_MAX_ATTEMPTS is 2 here: the second 5xx is final.
      const failed = await waitFor(() => run(id, runId), done, 20_000, 200);
      expect([failed.status, failed.counts['failed']]).toEqual(['completed', 12]);
    } finally {
      await sim.call('PUT', '/_sim/config', { faults: { serverErrorShare: 0 } });
    }
    const retried = await post(`/v1/campaigns/${id}/runs/${runId}/retry-failed`, {});
    expect([retried.status, retried.body.requeued]).toEqual([200, 12]);
    const recovered = await waitFor(() => run(id, runId), (r) => done(r) && (r.counts['read'] ?? 0) === 12, 20_000, 200);
    expect(recovered).toMatchObject({ status: 'completed', counts: { read: 12, failed: 0 } });
  }, 40_000);

  it('keeps the frequency cap across two runs started together: nobody gets both', async () => {
    const crowd = numbers('+44740051', 30);
    const first = await campaign('Spring sale', ['spring', ...crowd]);
    const second = await campaign('Spring sale again', ['spring', ...crowd]);
    expect((await patch('/v1/settings', { frequencyCap: { messages: 1, days: 7 } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5_500)); // the workers' settings cache
    try {
      const [a, b] = await Promise.all([
        post(`/v1/campaigns/${first}/runs`, { audiences: ['spring'] }),
        post(`/v1/campaigns/${second}/runs`, { audiences: ['spring'] }),
      ]);
      const [ra, rb] = await Promise.all([
        waitFor(() => run(first, a.body.runId), done, 20_000, 200),
        waitFor(() => run(second, b.body.runId), done, 20_000, 200),
      ]);
      const sent = (r: Run) => r.counts['accepted']! + r.counts['sent']! + r.counts['delivered']! + r.counts['read']!;
      expect(sent(ra) + sent(rb)).toBe(30);
      expect((ra.skippedByReason['frequency_cap'] ?? 0) + (rb.skippedByReason['frequency_cap'] ?? 0)).toBe(30);
    } finally {
      await patch('/v1/settings', { frequencyCap: null });
    }
  }, 40_000);

  it('stops a run for a contact who answers STOP while it is sending', async () => {
    const crowd = numbers('+44740052', 150); // 150 at 40/s: about 4 s of sending
    const id = await campaign('Long run', ['long', ...crowd]);
    const last = crowd[crowd.length - 1]!;
    const runId = (await post(`/v1/campaigns/${id}/runs`, { audiences: ['long'] })).body.runId as string;
    await waitFor(() => run(id, runId), (r) => r.status === 'running' && (r.counts['read'] ?? 0) > 5, 15_000, 50);
    await sim.call('POST', '/_sim/inbound', { phoneNumberId: PHONE_NUMBER_ID, from: last.slice(1), text: 'STOP' });
    const finished = await waitFor(() => run(id, runId), done, 20_000, 200);
    expect(finished.skippedByReason).toEqual({ opted_out: 1 });
    const rows = (await get(`/v1/campaigns/${id}/recipients?runId=${runId}&status=skipped`)).body as Array<{ number: string; errorCode: string }>;
    expect(rows).toEqual([expect.objectContaining({ number: last, errorCode: 'opted_out' })]);
  }, 40_000);

  it('lets messages wait while their channel is paused, and expires the ones whose validity runs out meanwhile', async () => {
    // The provider knows this number under another token: the first send gets 190 and pauses the channel.
    expect((await sim.call('PUT', `/_sim/phone-numbers/${PAUSED_NUMBER_ID}`, { ...CREDENTIALS, accessToken: 'the-real-token', displayPhoneNumber: '15550100966' })).status).toBe(201);
    const paused = await post('/v1/channels', {
      type: 'whatsapp',
      name: 'Soon paused',
      phoneNumberId: PAUSED_NUMBER_ID,
      displayPhoneNumber: '+1 555 010 0966',
      ...CREDENTIALS,
      accessToken: 'an-old-token',
      verifyToken: 'controls-verify-token',
      graphBaseUrl: `${sim.url}/v26.0`,
      messagesPerSecond: 20,
    });
    expect([paused.status, paused.body.error]).toEqual([201, undefined]);
    const pausedId = paused.body.id as string;
    const first = await post('/v1/messages', { to: { number: '+447400500030' }, channelId: pausedId, ...template('order_update') });
    expect((await waitFor(() => message(first.body.id), (m) => m.status === 'failed')).error?.code).toBe('190');
    expect((await waitFor(async () => (await get(`/v1/channels/${pausedId}`)).body, (c) => c.status === 'paused')).status).toBe('paused');

    const brief = await post('/v1/messages', { to: { number: '+447400500031' }, channelId: pausedId, ...template('order_update'), validity: 3 });
    const lasting = await post('/v1/messages', { to: { number: '+447400500032' }, channelId: pausedId, ...template('order_update') });
    expect([brief.status, lasting.status, brief.body.error?.code]).toEqual([202, 202, undefined]);
    expect((await waitFor(() => message(brief.body.id), (m) => m.waiting !== null)).waiting?.reason).toBe('channel_paused');
    await new Promise((r) => setTimeout(r, 3_200));
    // The sweep (every 30 s) finds what ran out; ask for a round now.
    const maintenance = new Queue(QueueName.Maintenance, { connection: { url: process.env.REDIS_URL! }, prefix: REDIS_PREFIX });
    try {
      await maintenance.add(JobName.RequeueMessages, {});
      expect((await waitFor(() => message(brief.body.id), (m) => m.status === 'expired')).status).toBe('expired');
    } finally {
      await maintenance.close();
    }
    // The one still valid waits on, neither failed nor expired, for the channel to be fixed.
    expect(await message(lasting.body.id)).toMatchObject({ status: 'queued', waiting: { reason: 'channel_paused' } });
    expect((await patch(`/v1/channels/${pausedId}`, { accessToken: 'the-real-token' })).body.status).toBe('active');
    // Fixed: it goes out at once, not at its next look a minute later.
    const sent = await waitFor(() => message(lasting.body.id), (m) => !['queued', 'sending'].includes(m.status), 5_000);
    expect(['accepted', 'sent', 'delivered', 'read']).toContain(sent.status);
  }, 30_000);
});
