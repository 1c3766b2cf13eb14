import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/* eslint-disable @typescript-eslint/no-explicit-any -- bodies are read as the loose JSON a receiver parses */

/**
 * Callback endpoint formats (docs/CALLBACKS.md, "Formats"), with the real processes: a real send's status changes,
 * a failure from the provider and an inbound reply reach a `cloud-api`, an `engagelab` and a `bird` endpoint in that
 * vendor's shape, signed the vendor's way (each receiver checks the signature as the vendor's docs say, on the raw
 * body); statuses a vendor has no word for are logged `skipped`; `format` is validated, shown, and changed by PATCH —
 * after which new events and redeliveries of old ones render in the new format.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-callback-formats`;
const PHONE_NUMBER_ID = '106540352243311';
const WABA_ID = '102290129343311';
const CREDENTIALS = { wabaId: WABA_ID, accessToken: 'EAAG-cbformats-token', appSecret: 'cbformats-app-secret' };
const NOT_ON_WHATSAPP = '+447400899404';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: Record<string, any>;
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Meta's check: X-Hub-Signature-256 is sha256=<hex HMAC-SHA256 of the raw body> (constant-time compare). */
function verifyMeta(r: Received, secret: string): boolean {
  const sent = header(r.headers, 'x-hub-signature-256') ?? '';
  const expected = `sha256=${createHmac('sha256', secret).update(r.raw).digest('hex')}`;
  return sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}

/** Bird's check (docs.bird.com, verifying a webhook): base64 HMAC-SHA256 of "<timestamp>\n<url>\n<raw sha256 of the body>". */
function verifyBird(r: Received, secret: string, url: string): boolean {
  const timestamp = header(r.headers, 'messagebird-request-timestamp') ?? '';
  const signature = Buffer.from(header(r.headers, 'messagebird-signature') ?? '', 'base64');
  const payload = Buffer.concat([Buffer.from(`${timestamp}\n${url}\n`), createHash('sha256').update(r.raw).digest()]);
  const expected = createHmac('sha256', secret).update(payload).digest();
  return Math.abs(Date.now() / 1000 - Number(timestamp)) < 300 && signature.length === expected.length && timingSafeEqual(signature, expected);
}

/** Herald's check (docs/CALLBACKS.md): t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">. */
function verifyHerald(r: Received, secret: string): boolean {
  const parts = (header(r.headers, 'herald-signature') ?? '').split(',').map((p) => p.split('=') as [string, string]);
  const t = parts.find(([k]) => k === 't')?.[1];
  const expected = createHmac('sha256', secret).update(`${t}.${r.raw}`).digest('hex');
  return parts.some(([k, v]) => k === 'v1' && v === expected);
}

describe('callback endpoint formats', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let receiver: Server;
  let receiverUrl: string;
  let key: string;
  let channelId: string;
  const received: Received[] = [];
  const endpoints: Record<string, { id: string; secret: string; url: string }> = {};

  const post = (path: string, body: unknown) => api.as(key).post(path, body);
  const get = (path: string) => api.as(key).get(path);
  const at = (path: string, where: (r: Received) => boolean, count = 1, ms = 25_000) =>
    waitFor(
      async () => received.filter((r) => r.path === path && where(r)),
      (list) => list.length >= count,
      ms,
    );
  const cloudStatus = (r: Received) => r.body.entry?.[0]?.changes?.[0]?.value?.statuses?.[0] as Record<string, any> | undefined;
  const send = async (to: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await post('/v1/messages', {
      to: { number: to },
      type: 'template',
      template: { name: 'shipped', language: 'en_US', params: ['Asha', 'TRK-1'] },
      ...extra,
    });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const createEndpoint = async (name: string, body: Record<string, unknown>) => {
    const url = `${receiverUrl}/${name}`;
    const res = await post('/v1/webhook-endpoints', { url, ...body });
    expect(res.status).toBe(201);
    endpoints[name] = { id: res.body.id as string, secret: res.body.secret as string, url };
    return res.body as Record<string, unknown>;
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ path: (req.url ?? '/').slice(1), headers: req.headers, raw, body: JSON.parse(raw) as Record<string, any> });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Callback formats')).apiKey;
    sim = await startSimulator({
      // The harness's statuses (every message delivered and read), and one recipient Meta fails with 131026.
      statuses: {
        latencyMs: { min: 5, max: 20 },
        deliveredProbability: 1,
        readProbability: 1,
        duplicateProbability: 0,
        reorderProbability: 0,
        notOnWhatsApp: { numbers: [NOT_ON_WHATSAPP] },
      },
    });
    channelId = await addSimulatedChannel(post, sim, {
      phone: PHONE_NUMBER_ID,
      display: '+1 555 010 3311',
      rate: 40,
      tier: 'unlimited',
      credentials: CREDENTIALS,
      apiUrl,
    });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: WABA_ID, name: 'shipped', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, tracking {{2}}' }] },
    ]);
    await createEndpoint('cloud', { events: ['message.status', 'message.inbound'], format: 'cloud-api' });
    await createEndpoint('engagelab', { events: ['message.status'], format: 'engagelab' });
    await createEndpoint('bird', { events: ['message.status', 'message.inbound'], format: 'bird' });
    await createEndpoint('switch', { events: ['message.status'] });
    worker = startWorker({ REDIS_PREFIX });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('validates format (400 naming the allowed values), refuses events a vendor has no shape for, and shows it', async () => {
    const bad = await post('/v1/webhook-endpoints', { url: `${receiverUrl}/x`, events: ['message.status'], format: 'vonage' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('herald, engagelab, bird, cloud-api');
    const refused = await post('/v1/webhook-endpoints', { url: `${receiverUrl}/x`, events: ['message.status', 'run.status'], format: 'cloud-api' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('unsupported_event_for_format');
    expect(refused.body.error.message).toContain('run.status');
    expect((await get(`/v1/webhook-endpoints/${endpoints['cloud']!.id}`)).body.format).toBe('cloud-api');
    expect((await get(`/v1/webhook-endpoints/${endpoints['switch']!.id}`)).body.format).toBe('herald');
    const list = (await get('/v1/webhook-endpoints')).body.data as Array<{ id: string; format: string }>;
    expect(list.find((e) => e.id === endpoints['bird']!.id)?.format).toBe('bird');
    expect((await api.as(key).patch(`/v1/webhook-endpoints/${endpoints['engagelab']!.id}`, { format: 'sms' })).status).toBe(400);
  });

  it("tells a real send's statuses in each vendor's shape, signed the vendor's way", async () => {
    const id = await send('+447400800011', {
      requestId: '123asdbbqwe9faweg',
      customArgs: { arg1: 'string val', arg2: 123, biz_opaque_callback_data: 'cart-77' },
      tags: ['orders'],
    });

    // cloud-api: Meta's envelope, the status id is the id Herald answered, X-Hub-Signature-256 checks.
    const [read] = await at('cloud', (r) => cloudStatus(r)?.id === id && cloudStatus(r)?.status === 'read');
    expect(verifyMeta(read!, endpoints['cloud']!.secret)).toBe(true);
    expect(verifyMeta({ ...read!, raw: `${read!.raw} ` }, endpoints['cloud']!.secret)).toBe(false);
    expect(read!.body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550103311', phone_number_id: PHONE_NUMBER_ID },
                statuses: [
                  { id, status: 'read', timestamp: expect.stringMatching(/^\d{10}$/), recipient_id: '447400800011', biz_opaque_callback_data: 'cart-77' },
                ],
              },
            },
          ],
        },
      ],
    });
    const cloudStatuses = received.filter((r) => r.path === 'cloud' && cloudStatus(r)?.id === id).map((r) => cloudStatus(r)!.status);
    expect(new Set(cloudStatuses)).toEqual(new Set(['sent', 'delivered', 'read']));
    // Herald's queued and accepted have no Meta word: logged `skipped`, never posted.
    const log = (await get(`/v1/webhook-endpoints/${endpoints['cloud']!.id}/deliveries?status=skipped`)).body.data as Array<{
      status: string;
      lastError: string;
      lastStatusCode: number | null;
    }>;
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log[0]).toMatchObject({ status: 'skipped', lastStatusCode: null, lastError: expect.stringContaining('Meta has no') });

    // engagelab: {total, rows} with message_id, request_id and custom_args as sent; Herald-Signature.
    const [delivered] = await at('engagelab', (r) => r.body.rows?.[0]?.message_id === id && r.body.rows[0].status.message_status === 'read');
    expect(verifyHerald(delivered!, endpoints['engagelab']!.secret)).toBe(true);
    expect(delivered!.body).toEqual({
      total: 1,
      rows: [
        {
          message_id: id,
          request_id: '123asdbbqwe9faweg',
          from: '+15550103311',
          to: '+447400800011',
          server: 'whatsapp',
          channel: 'whatsapp',
          itime: expect.any(Number),
          custom_args: { arg1: 'string val', arg2: 123, biz_opaque_callback_data: 'cart-77' },
          status: {
            message_status: 'read',
            status_data: { msg_time: expect.any(Number), channel_message_id: expect.stringMatching(/^wamid\./) },
            error_code: 0,
          },
        },
      ],
    });

    // bird: whatsapp.outbound with the message id, channelId, status and tags; messagebird-signature checks.
    const [birdDelivered] = await at('bird', (r) => r.body.event === 'whatsapp.outbound' && r.body.payload.id === id && r.body.payload.status === 'delivered');
    expect(verifyBird(birdDelivered!, endpoints['bird']!.secret, endpoints['bird']!.url)).toBe(true);
    expect(verifyBird(birdDelivered!, endpoints['bird']!.secret, `${endpoints['bird']!.url}/other`)).toBe(false);
    expect(birdDelivered!.body).toMatchObject({
      service: 'channels',
      payload: {
        channelId,
        status: 'delivered',
        direction: 'outgoing',
        reference: '123asdbbqwe9faweg',
        tags: ['orders'],
        receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: '+447400800011' }] },
        parts: [{ platformReference: expect.stringMatching(/^wamid\./) }],
      },
    });
    const [opened] = await at('bird', (r) => r.body.event === 'whatsapp.interaction' && r.body.payload.messageId === id);
    expect(opened!.body.payload).toMatchObject({ type: 'opened', channelId });
    const birdStatuses = received.filter((r) => r.path === 'bird' && r.body.payload?.id === id).map((r) => r.body.payload.status);
    expect(new Set(birdStatuses)).toEqual(new Set(['accepted', 'processing', 'sent', 'delivered']));
  });

  it("tells a provider failure with Meta's code in every shape", async () => {
    const id = await send(NOT_ON_WHATSAPP);
    const [failed] = await at('cloud', (r) => cloudStatus(r)?.id === id && cloudStatus(r)?.status === 'failed');
    expect(cloudStatus(failed!)!.errors).toEqual([
      expect.objectContaining({ code: 131026, title: expect.any(String), message: expect.any(String), error_data: { details: expect.any(String) } }),
    ]);
    const [engagelab] = await at('engagelab', (r) => r.body.rows?.[0]?.message_id === id && r.body.rows[0].status.error_code !== 0);
    expect(engagelab!.body.rows[0].status).toMatchObject({ message_status: 'delivered_fail', error_code: 131026, error_detail: { message: expect.any(String) } });
    const [bird] = await at('bird', (r) => r.body.payload?.id === id && r.body.payload.status === 'delivery_failed');
    expect(bird!.body.payload).toMatchObject({ reason: expect.any(String), details: expect.stringContaining('131026') });
  });

  it("tells an inbound reply as Meta's messages[] (its context naming Herald's message id) and Bird's whatsapp.inbound", async () => {
    const id = await send('+447400800012');
    const sent = await waitFor(
      async () => (await get(`/v1/messages/${id}`)).body as { providerMessageId: string | null },
      (m) => m.providerMessageId !== null,
    );
    await sim.call('POST', '/_sim/inbound', {
      phoneNumberId: PHONE_NUMBER_ID,
      from: '447400800012',
      profileName: 'Bo',
      contextMessageId: sent.providerMessageId,
      text: 'Where is it?',
    });
    const [inbound] = await at('cloud', (r) => r.body.entry?.[0]?.changes?.[0]?.value?.messages !== undefined);
    expect(verifyMeta(inbound!, endpoints['cloud']!.secret)).toBe(true);
    const value = inbound!.body.entry[0].changes[0].value;
    expect(value.metadata).toEqual({ display_phone_number: '15550103311', phone_number_id: PHONE_NUMBER_ID });
    expect(value.contacts).toEqual([{ profile: { name: 'Bo' }, wa_id: '447400800012' }]);
    expect(value.messages).toEqual([
      {
        from: '447400800012',
        id: expect.stringMatching(/^wamid\./),
        timestamp: expect.stringMatching(/^\d{10}$/),
        type: 'text',
        context: { from: '15550103311', id },
        text: { body: 'Where is it?' },
      },
    ]);
    const [bird] = await at('bird', (r) => r.body.event === 'whatsapp.inbound');
    expect(verifyBird(bird!, endpoints['bird']!.secret, endpoints['bird']!.url)).toBe(true);
    expect(bird!.body.payload).toMatchObject({
      channelId,
      direction: 'incoming',
      sender: { contact: { identifierValue: '+447400800012' } },
      body: { type: 'text', text: { text: 'Where is it?' } },
      replyTo: { id, type: 'message' },
    });
  });

  it('changes format by PATCH: new events and redeliveries of old ones render in the new format', async () => {
    const ep = endpoints['switch']!;
    const before = await send('+447400800013');
    const [heraldRead] = await at('switch', (r) => r.body.data?.messageId === before && r.body.data.status === 'read');
    expect(verifyHerald(heraldRead!, ep.secret)).toBe(true);
    expect(heraldRead!.headers['x-hub-signature-256']).toBeUndefined();

    // Refused while the combination would not render (kept as it was), then changed.
    expect((await api.as(key).patch(`/v1/webhook-endpoints/${ep.id}`, { format: 'cloud-api', events: ['message.status', 'import.status'] })).status).toBe(400);
    const patched = await api.as(key).patch(`/v1/webhook-endpoints/${ep.id}`, { format: 'cloud-api' });
    expect(patched.status).toBe(200);
    expect(patched.body.format).toBe('cloud-api');
    expect((await get(`/v1/webhook-endpoints/${ep.id}`)).body.format).toBe('cloud-api');

    const after = await send('+447400800014');
    const [cloudRead] = await at('switch', (r) => cloudStatus(r)?.id === after && cloudStatus(r)?.status === 'read');
    expect(verifyMeta(cloudRead!, ep.secret)).toBe(true);

    // The herald delivery of the earlier read, redelivered: same event, rendered as the endpoint's format is now.
    const log = (await get(`/v1/webhook-endpoints/${ep.id}/deliveries?event=message.status&limit=200`)).body.data as Array<{ id: string; eventId: string }>;
    const old = log.find((d) => d.eventId === heraldRead!.body.id)!;
    expect((await post(`/v1/webhook-endpoints/${ep.id}/deliveries/${old.id}/redeliver`, {})).status).toBe(202);
    const [again] = await at('switch', (r) => header(r.headers, 'herald-event-id') === heraldRead!.body.id && cloudStatus(r) !== undefined);
    expect(cloudStatus(again!)).toMatchObject({ id: before, status: 'read', recipient_id: '447400800013' });
    expect(verifyMeta(again!, ep.secret)).toBe(true);
  });
});
