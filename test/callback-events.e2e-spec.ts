import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickRecorder } from '@herald/links';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Every event type Herald calls back with, produced by the real processes (API, worker, simulator) and received by
 * a receiver that checks each signature as docs/CALLBACKS.md says: message.status (single messages with their
 * requestId, customArgs and tags, their own callbackUrl, and campaign sends with their blast and run),
 * message.inbound, message.clicked, run.status, template.status, import.status and contact.opted_out.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-cbevents`;
const PUBLIC_URL = 'https://go.herald.test';
const PHONE_NUMBER_ID = '106540352243099';
const CREDENTIALS = { wabaId: '102290129343099', accessToken: 'EAAG-cbevents-token', appSecret: 'cbevents-app-secret' };
const ALL_EVENTS = ['message.status', 'message.inbound', 'message.clicked', 'run.status', 'template.status', 'import.status', 'contact.opted_out'];

interface Received {
  path: string;
  verified: boolean;
  event: { id: string; type: string; createdAt: string; workspaceId: string; data: Record<string, unknown> };
}

/** The check of docs/CALLBACKS.md: HMAC-SHA256 of "<t>.<raw body>" with the secret, one of the v1 values, t within 5 minutes. */
function verify(raw: string, header: string | undefined, secret: string): boolean {
  if (header === undefined) return false;
  const parts = header.split(',').map((p) => p.split('=') as [string, string]);
  const t = parts.find(([k]) => k === 't')?.[1];
  if (t === undefined || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
  return parts.some(([k, v]) => k === 'v1' && v.length === expected.length * 2 && timingSafeEqual(Buffer.from(v, 'hex'), expected));
}

describe('callback events', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let receiver: Server;
  let receiverUrl: string;
  let key: string;
  const secrets: Record<string, string> = {};
  const received: Received[] = [];

  const post = (path: string, body: unknown) => api.as(key).post(path, body);
  const get = (path: string) => api.as(key).get(path);
  const events = (type: string, where: (data: Record<string, unknown>) => boolean = () => true, path = '/endpoint') =>
    received.filter((r) => r.path === path && r.event.type === type && where(r.event.data));
  const eventually = (type: string, where: (data: Record<string, unknown>) => boolean, count: number, path = '/endpoint') =>
    waitFor(
      async () => events(type, where, path),
      (list) => list.length >= count,
      20_000,
    );

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        const secret = path === '/direct' ? secrets['callback'] : secrets['endpoint'];
        received.push({ path, verified: secret !== undefined && verify(raw, req.headers['herald-signature'] as string | undefined, secret), event: JSON.parse(raw) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    api = await startApi({ REDIS_PREFIX, PUBLIC_URL });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Callback events')).apiKey;
    sim = await startSimulator({});
    await addSimulatedChannel(post, sim, { phone: PHONE_NUMBER_ID, display: '+1 555 010 3099', rate: 40, tier: 'unlimited', credentials: CREDENTIALS, apiUrl });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'shipped', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, track it: {{2}}' }] },
    ]);
    const endpoint = await post('/v1/webhook-endpoints', { url: `${receiverUrl}/endpoint`, events: ALL_EVENTS, description: 'every event' });
    expect(endpoint.status).toBe(201);
    secrets['endpoint'] = endpoint.body.secret as string;
    const callback = await post('/v1/callback-secret', {});
    expect([200, 201]).toContain(callback.status);
    secrets['callback'] = callback.body.secret as string;
    worker = startWorker({ REDIS_PREFIX, PUBLIC_URL });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('tells a message\'s every status, with its requestId, customArgs and tags, to the endpoint and to its own callbackUrl; then its click', async () => {
    const res = await post('/v1/messages', {
      to: { number: '+447400800001' },
      type: 'template',
      template: { name: 'shipped', language: 'en_US', params: ['Asha', 'https://shop.example.com/t/1'] },
      requestId: 'order-1',
      customArgs: { orderId: 1, nested: { a: [1, 2] } },
      tags: ['orders'],
      callbackUrl: `${receiverUrl}/direct`,
      trackLinks: true,
    });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    const mine = (d: Record<string, unknown>) => d['messageId'] === id;
    const statuses = await eventually('message.status', (d) => mine(d) && d['status'] === 'read', 1);
    expect(statuses.length).toBe(1);
    const all = events('message.status', mine).map((r) => r.event.data['status']);
    expect(new Set(all)).toEqual(new Set(['queued', 'accepted', 'sent', 'delivered', 'read']));
    for (const r of events('message.status', mine)) {
      expect(r.verified).toBe(true);
      expect(r.event.data).toMatchObject({ requestId: 'order-1', customArgs: { orderId: 1, nested: { a: [1, 2] } }, tags: ['orders'], to: '+447400800001', campaignId: null, runId: null });
    }
    // The message's own callbackUrl hears the same, signed with the workspace's callback secret.
    const direct = await eventually('message.status', (d) => mine(d) && d['status'] === 'read', 1, '/direct');
    expect(direct[0]!.verified).toBe(true);
    expect(new Set(events('message.status', mine, '/direct').map((r) => r.event.data['status']))).toEqual(new Set(all));
    // Each event has its own stable id.
    const ids = events('message.status', mine).map((r) => r.event.id);
    expect(new Set(ids).size).toBe(ids.length);

    const view = (await get(`/v1/messages/${id}`)).body as { content: { template: { params: string[] } } };
    const code = /\/l\/([A-Za-z0-9_-]{12})/.exec(view.content.template.params[1]!)![1]!;
    expect((await api.http.get(`/l/${code}`).set('user-agent', 'Mozilla/5.0 (spec)')).status).toBe(302);
    await api.app.get(ClickRecorder).flush();
    const [click] = await eventually('message.clicked', mine, 1);
    expect(click!.verified).toBe(true);
    expect(click!.event.data).toMatchObject({ messageId: id, linkCode: code, url: 'https://shop.example.com/t/1' });
  });

  it('tells inbound messages, with the message they answer, and an opt-out by STOP', async () => {
    const res = await post('/v1/messages', { to: { number: '+447400800002' }, type: 'template', template: { name: 'shipped', language: 'en_US', params: ['Bo', 'x'] } });
    const sent = await waitFor(
      async () => (await get(`/v1/messages/${res.body.id}`)).body as { providerMessageId: string | null },
      (m) => m.providerMessageId !== null,
    );
    await sim.call('POST', '/_sim/inbound', {
      phoneNumberId: PHONE_NUMBER_ID,
      from: '447400800002',
      profileName: 'Bo',
      contextMessageId: sent.providerMessageId,
      button: { payload: 'track', text: 'Track order' },
    });
    const [reply] = await eventually('message.inbound', (d) => d['from'] === '+447400800002', 1);
    expect(reply!.verified).toBe(true);
    expect(JSON.stringify(reply!.event.data)).toContain(res.body.id as string);
    expect(reply!.event.data).toMatchObject({ type: 'button', text: 'Track order' });

    await sim.call('POST', '/_sim/inbound', { phoneNumberId: PHONE_NUMBER_ID, from: '447400800002', text: 'STOP' });
    const [optOut] = await eventually('contact.opted_out', (d) => d['number'] === '+447400800002', 1);
    expect(optOut!.event.data).toMatchObject({ scope: 'marketing', source: 'inbound' });
    // An opt-out by API is told too.
    await post('/v1/contacts', { number: '+447400800003' });
    expect((await post('/v1/contacts/+447400800003/opt-out', { scope: 'all' })).status).toBeLessThan(300);
    const [byApi] = await eventually('contact.opted_out', (d) => d['number'] === '+447400800003', 1);
    expect(byApi!.event.data).toMatchObject({ scope: 'all', source: 'api' });
  });

  it('refuses a free-form message outside the customer-service window with 409 naming why, and sends it once the contact writes', async () => {
    const text = { to: { number: '+447400800301' }, type: 'text', text: { body: 'Your parcel is at the door.' } };
    const refused = await post('/v1/messages', text);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'outside_service_window']);
    expect(refused.body.error.message).toContain('was never opened');
    await sim.call('POST', '/_sim/inbound', { phoneNumberId: PHONE_NUMBER_ID, from: '447400800301', text: 'Where is my parcel?' });
    await eventually('message.inbound', (d) => d['from'] === '+447400800301', 1);
    const accepted = await post('/v1/messages', text);
    expect(accepted.status).toBe(202);
    await eventually('message.status', (d) => d['messageId'] === accepted.body.id && d['status'] === 'delivered', 1);
    // Many at once: the one outside its window is refused alone, saying why.
    const many = await post('/v1/messages', { ...text, to: [{ number: '+447400800301' }, { number: '+447400800302' }] });
    expect(many.status).toBe(202);
    expect(many.body.messages).toHaveLength(1);
    expect(many.body.refused).toEqual([expect.objectContaining({ number: '+447400800302', reason: expect.stringContaining('outside the customer-service window') })]);
  });

  it('tells a blast\'s run from start to end, with counts, and each recipient\'s statuses with the blast and run', async () => {
    await post('/v1/audiences', { id: 'cb-blast', name: 'Callback blast', contacts: [{ number: '+447400800101', name: 'Ann' }, { number: '+447400800102', name: 'Ben' }] });
    const created = await post('/v1/blasts', { template: { name: 'shipped', language: 'en_US' }, audiences: ['cb-blast'], params: ['{{name}}', 'x'], tags: ['spring'] });
    expect(created.status).toBe(202);
    const { blastId, runId } = created.body as { blastId: string; runId: string };
    const [completed] = await eventually('run.status', (d) => d['runId'] === runId && d['status'] === 'completed', 1);
    expect(completed!.event.data).toMatchObject({ blastId, campaignId: null, recipients: 2 });
    // Deliveries are not ordered: each event says when its change happened.
    await eventually('run.status', (d) => d['runId'] === runId && d['status'] === 'running', 1);
    expect(events('run.status', (d) => d['runId'] === runId).map((r) => r.event.data['status']).sort()).toEqual(['completed', 'running', 'scheduled']);
    const read = await eventually('message.status', (d) => d['runId'] === runId && d['status'] === 'read', 2);
    for (const r of read) {
      expect(r.event.data).toMatchObject({ blastId, runId, campaignId: null, tags: ['spring'] });
      expect(r.event.data['messageId']).toMatch(/^r:\d+$/);
    }
    expect(new Set(events('message.status', (d) => d['runId'] === runId).map((r) => r.event.data['status']))).toEqual(new Set(['accepted', 'sent', 'delivered', 'read']));
    // A reply to a blast send names it (`r:<n>`), with its blast's run.
    const answered = read[0]!.event.data;
    await sim.call('POST', '/_sim/inbound', { phoneNumberId: PHONE_NUMBER_ID, from: (answered['to'] as string).slice(1), contextMessageId: answered['providerMessageId'], text: 'Thanks!' });
    const [reply] = await eventually('message.inbound', (d) => d['from'] === answered['to'] && d['text'] === 'Thanks!', 1);
    expect(reply!.event.data['replyTo']).toEqual({ messageId: answered['messageId'], providerMessageId: answered['providerMessageId'], campaignId: blastId, runId });
  });

  it('tells a template\'s review decision and an import\'s progress', async () => {
    const created = await post('/v1/templates', {
      name: 'autumn_note',
      language: 'en_US',
      category: 'UTILITY',
      body: { text: 'Hi {{1}}, your order is on its way.', examples: ['Asha'] },
    });
    expect(created.status).toBe(201);
    const [decided] = await eventually('template.status', (d) => d['name'] === 'autumn_note', 1);
    expect(decided!.verified).toBe(true);
    expect(decided!.event.data).toMatchObject({ status: 'APPROVED', language: 'en_US' });

    const upload = await api.http
      .post('/v1/audiences/cb-import/contacts/import?name=Imported')
      .set('x-api-key', key)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from('number,name\n+447400800201,Ann\nnot-a-number,Bad\n', 'utf8'));
    expect(upload.status).toBe(202);
    const importId = upload.body.importId as string;
    const [done] = await eventually('import.status', (d) => d['importId'] === importId && d['status'] === 'completed', 1);
    expect(done!.event.data).toMatchObject({ imported: 1, invalid: 1, rowsRead: 2 });
    expect(events('import.status', (d) => d['importId'] === importId).map((r) => r.event.data['status'])).toEqual(['running', 'completed']);
  });

  it('refuses a message whose callbackUrl points at a private, loopback or metadata address where the operator does not allow them', async () => {
    const strict = await startApi({ REDIS_PREFIX, PUBLIC_URL, CALLBACK_ALLOW_PRIVATE_URLS: 'false' });
    try {
      const send = (callbackUrl: string) =>
        strict.as(key).post('/v1/messages', { to: { number: '+447400800401' }, type: 'template', template: { name: 'shipped', language: 'en_US', params: ['A', 'x'] }, callbackUrl });
      for (const url of ['http://127.0.0.1:9/status', 'http://10.1.2.3/status', 'http://169.254.169.254/latest/meta-data', 'http://localhost/status']) {
        const res = await send(url);
        expect([url, res.status, res.body.error.code, res.body.error.details[0].field]).toEqual([url, 400, 'invalid_callback_url', 'callbackUrl']);
      }
      const bad = await send('ftp://example.com/x');
      expect([bad.status, bad.body.error.details[0].field]).toEqual([400, 'callbackUrl']);
    } finally {
      await strict.close();
    }
  });

  it('signs every delivery and sends nothing nobody subscribed to', async () => {
    expect(received.length).toBeGreaterThan(10);
    expect(received.filter((r) => !r.verified)).toEqual([]);
    expect(received.filter((r) => r.path === '/direct' && r.event.type !== 'message.status')).toEqual([]);
  });
});
