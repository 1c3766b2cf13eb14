import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, QueueName } from '@herald/queues';
import { startApi, type ApiHarness } from './support/api-harness';
import { startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

// Its own Redis prefix: the workers started here must not take other spec files' jobs, nor these theirs.
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-messages`;
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-test-access-token';
const APP_SECRET = 'test-app-secret-123';
const VERIFY_TOKEN = 'test-verify-token';

const sign = (body: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A `messages` webhook as Meta sends it: one entry, one change of this number, with `value`'s statuses or messages. */
const messagesWebhook = (value: object) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550100123', phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  });

const statusWebhook = (statuses: object[]) => messagesWebhook({ statuses });

interface MessageBody {
  id: string;
  status: string;
  attempts: number;
  statuses: Array<{ status: string; at: string }>;
  error: { code: string } | null;
  providerMessageId: string | null;
  replies: Array<{ type: string; text: string | null; payload: string | null }>;
  category: string | null;
  skipReason: string | null;
  waiting: { reason: string; until: string | null } | null;
  scheduledFor: string | null;
  expiresAt: string | null;
}

describe('WhatsApp channel: channels, webhooks, single messages through the simulator', () => {
  let api: ApiHarness;
  let db: DataSource;
  let sim: SimulatorHarness;
  let workers: ChildHarness[] = [];
  let key: string;
  let channelId: string;
  let apiUrl: string;

  const post = (path: string, body: unknown, k = key) =>
    api.http
      .post(path)
      .set('x-api-key', k)
      .send(body as object);
  const get = (path: string, k = key) => api.http.get(path).set('x-api-key', k);
  const message = async (id: string) => (await get(`/v1/messages/${id}`)).body as MessageBody;
  /** A business-initiated message: an approved template (a free-form one needs the contact's service window open). */
  const template = (...params: string[]) => ({ type: 'template', template: { name: 'order_update', language: 'en_US', params: [params[0] ?? 'A', params[1] ?? '#1'] } });

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    db = api.app.get(DataSource);
    key = (await api.createWorkspace('Messaging')).apiKey;
    sim = await startSimulator();
    // The number exists at the provider before its channel does, with a messaging limit of 2,000 users a day.
    const numberAtProvider = {
      wabaId: WABA_ID,
      displayPhoneNumber: '+1 555 010 0123',
      accessToken: ACCESS_TOKEN,
      appSecret: APP_SECRET,
      messagesPerSecond: 20,
      messagingLimit: 'TIER_2K',
    };
    expect((await sim.call('PUT', `/_sim/phone-numbers/${PHONE_NUMBER_ID}`, numberAtProvider)).status).toBe(201);
    const created = await post('/v1/channels', {
      type: 'whatsapp',
      name: 'Simulated',
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: '+1 555 010 0123',
      wabaId: WABA_ID,
      accessToken: ACCESS_TOKEN,
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      graphBaseUrl: `${sim.url}/v26.0`,
      messagesPerSecond: 20,
    });
    expect(created.status).toBe(201);
    channelId = created.body.id;
    const registered = await sim.call('PUT', `/_sim/phone-numbers/${PHONE_NUMBER_ID}`, {
      ...numberAtProvider,
      webhookUrl: `${apiUrl}/webhooks/whatsapp/${channelId}`,
    });
    expect(registered.status).toBe(200);
    await sim.call('PUT', '/_sim/templates', {
      wabaId: WABA_ID,
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} shipped.' }],
    });
    // Three worker processes share the sender's rate limit; each has warmed up by the time it is measured.
    workers = [startWorker({ REDIS_PREFIX }), startWorker({ REDIS_PREFIX }), startWorker({ REDIS_PREFIX })];
  }, 30_000);

  afterAll(async () => {
    if (process.env.DEBUG_WORKERS) console.log(workers.map((w) => w.output()).join('\n----\n'));
    await Promise.all(workers.map((w) => w.stop()));
    await sim?.stop();
    await api?.close();
  });

  describe('channels', () => {
    it('reads the messaging tier from the provider instead of trusting the typed-in one', async () => {
      // Created with the default (250); the provider says 2,000.
      const read = await waitFor(
        async () => (await get(`/v1/channels/${channelId}`)).body as { messagingTier: string; limitsReadAt: string | null },
        (c) => c.limitsReadAt !== null,
      );
      expect(read.messagingTier).toBe('2000');
    });

    it('keeps secrets encrypted and never returns them; the first channel is the default', async () => {
      const one = (await get(`/v1/channels/${channelId}`)).body;
      expect(one).toMatchObject({
        id: channelId,
        type: 'whatsapp',
        isDefault: true,
        status: 'active',
        messagesPerSecond: 20,
      });
      expect(JSON.stringify(one)).not.toMatch(/EAAG|test-app-secret|test-verify-token/);
      const [row] = await db.query('SELECT secrets FROM channels WHERE id = $1', [channelId]);
      expect((row.secrets as Buffer).toString('latin1')).not.toContain(ACCESS_TOKEN);
    });

    it('refuses bad input naming the field, and a second channel for the same number', async () => {
      const bad = await post('/v1/channels', {
        type: 'sms',
        name: '',
        phoneNumberId: 'abc',
        wabaId: '1',
        accessToken: 'x',
        appSecret: 'y',
        verifyToken: 'z',
        displayPhoneNumber: '+1 555',
        graphBaseUrl: 'ftp://x',
      });
      expect(bad.status).toBe(400);
      const fields = (bad.body.error.details as Array<{ field: string }>).map((d) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining(['type', 'name', 'accessToken', 'appSecret', 'verifyToken', 'graphBaseUrl']),
      );
      // A WhatsApp channel's own fields are checked as such; another kind's fields are refused on it.
      const badNumber = await post('/v1/channels', { type: 'whatsapp', name: 'x', phoneNumberId: 'abc', wabaId: '1', accessToken: 'x', appSecret: 'y', verifyToken: 'z', displayPhoneNumber: '+1 555' });
      expect((badNumber.body.error.details as Array<{ field: string }>).map((d) => d.field)).toEqual(
        expect.arrayContaining(['phoneNumberId', 'accessToken', 'appSecret', 'verifyToken']),
      );
      const foreign = await post('/v1/channels', {
        type: 'whatsapp',
        name: 'x',
        phoneNumberId: '106540352242999',
        wabaId: '102290129340999',
        accessToken: 'EAAG-foreign-field',
        appSecret: 'app-secret-foreign',
        verifyToken: 'verify-foreign',
        displayPhoneNumber: '+1 555 010 0999',
        botToken: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error.details).toEqual([{ field: 'botToken', issue: 'is not a field of a whatsapp channel' }]);
      const dup = await post('/v1/channels', {
        type: 'whatsapp',
        name: 'Again',
        phoneNumberId: PHONE_NUMBER_ID,
        displayPhoneNumber: '+1 555 010 0123',
        wabaId: WABA_ID,
        accessToken: ACCESS_TOKEN,
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
      });
      expect(dup.status).toBe(409);
    });

    it('lists, updates, moves the default and deletes; other workspaces see nothing', async () => {
      const ws = (await api.createWorkspace('Channels')).apiKey;
      const body = {
        type: 'whatsapp',
        displayPhoneNumber: '+1 555 010 0999',
        wabaId: '42',
        accessToken: 'token-123456',
        appSecret: 'secret-123456',
        verifyToken: 'verify-123456',
      };
      const a = (await post('/v1/channels', { ...body, name: 'A', phoneNumberId: '1001' }, ws)).body;
      const b = (await post('/v1/channels', { ...body, name: 'B', phoneNumberId: '1002', messagingTier: 2000 }, ws)).body;
      expect([a.isDefault, b.isDefault, b.messagingTier, a.graphBaseUrl]).toEqual([
        true,
        false,
        '2000',
        'https://graph.facebook.com/v26.0',
      ]);
      const patched = await api.http
        .patch(`/v1/channels/${b.id}`)
        .set('x-api-key', ws)
        .send({ isDefault: true, name: 'B2', messagesPerSecond: 1000 });
      expect(patched.body).toMatchObject({ isDefault: true, name: 'B2', messagesPerSecond: 1000 });
      expect((await get(`/v1/channels/${a.id}`, ws)).body.isDefault).toBe(false);
      expect((await get(`/v1/channels/${a.id}`)).status).toBe(404);
      expect((await api.http.delete(`/v1/channels/${b.id}`).set('x-api-key', ws)).status).toBe(204);
      const left = (await get('/v1/channels', ws)).body;
      expect(left.map((c: { id: string; isDefault: boolean }) => [c.id, c.isDefault])).toEqual([[a.id, true]]);
      expect((await get(`/v1/channels/${b.id}`, ws)).status).toBe(404);
    });
  });

  describe('webhooks', () => {
    it("answers Meta's handshake with the channel's verify token only", async () => {
      const ok = await api.http
        .get(`/webhooks/whatsapp/${channelId}`)
        .query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
      expect([ok.status, ok.text]).toEqual([200, '1158201444']);
      const wrong = await api.http
        .get(`/webhooks/whatsapp/${channelId}`)
        .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' });
      expect(wrong.status).toBe(403);
      // The challenge is text; a refusal is the JSON error, labelled as JSON.
      expect(ok.headers['content-type']).toMatch(/^text\/plain/);
      expect([wrong.headers['content-type'], wrong.body.error?.code]).toEqual([expect.stringMatching(/^application\/json/), 'verification_failed']);
      expect(
        (await api.http.get('/webhooks/whatsapp/00000000-0000-4000-8000-000000000000').query({ 'hub.mode': 'subscribe' })).status,
      ).toBe(404);
    });

    it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
      const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
      const before = Number((await db.query('SELECT count(*) AS n FROM webhook_events'))[0].n);
      const none = await api.http.post(`/webhooks/whatsapp/${channelId}`).set('Content-Type', 'application/json').send(body);
      const wrong = await api.http
        .post(`/webhooks/whatsapp/${channelId}`)
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', sign(body, 'another-secret'))
        .send(body);
      const tampered = await api.http
        .post(`/webhooks/whatsapp/${channelId}`)
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', sign(body))
        .send(body.replace('[]', '[{}]'));
      expect([none.status, wrong.status, tampered.status]).toEqual([401, 401, 401]);
      expect(Number((await db.query('SELECT count(*) AS n FROM webhook_events'))[0].n)).toBe(before);
      const ok = await api.http
        .post(`/webhooks/whatsapp/${channelId}`)
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', sign(body))
        .send(body);
      expect(ok.status).toBe(200);
    });

    it('takes a signed JSON body as it came: refuses one that is not JSON, or not sent as JSON; keeps a NUL as U+FFFD', async () => {
      const postSigned = (body: string, type = 'application/json') =>
        api.http
          .post(`/webhooks/whatsapp/${channelId}`)
          .set('Content-Type', type)
          .set('X-Hub-Signature-256', sign(body))
          .send(body);
      const notJson = await postSigned('{"object": "whatsapp_business_account", ');
      expect([notJson.status, notJson.body.error.code]).toEqual([400, 'invalid_json']);
      // A batch bigger than the 1 MB of API bodies (Meta batches up to 1,000 updates) is taken up to WEBHOOK_BODY_LIMIT (8 MB).
      const big = JSON.stringify({ object: 'whatsapp_business_account', entry: [], padding: 'x'.repeat(3 * 1024 * 1024) });
      expect((await postSigned(big)).status).toBe(200);
      const tooBig = await postSigned(JSON.stringify({ object: 'whatsapp_business_account', entry: [], padding: 'x'.repeat(9 * 1024 * 1024) }));
      expect([tooBig.status, tooBig.body.error.code]).toEqual([413, 'payload_too_large']);
      // Deeper than Postgres reads JSON (it overflows its stack): refused, not a 500.
      const deep = await postSigned(`{"object":"whatsapp_business_account","entry":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
      expect([deep.status, deep.body.error.code]).toEqual([400, 'body_too_deep']);
      const plain = await postSigned(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }), 'text/plain');
      expect([plain.status, plain.body.error.code]).toEqual([415, 'unsupported_media_type']);

      // jsonb cannot hold \u0000. An escaped backslash before "u0000" is text and stays as it is.
      const text = (id: string, body: string) => ({
        from: '447400123009',
        id,
        timestamp: '1700000000',
        type: 'text',
        text: { body },
      });
      const body = messagesWebhook({
        contacts: [{ profile: { name: 'Nul' }, wa_id: '447400123009' }],
        messages: [text('wamid.nul-escape', 'NUL'), text('wamid.nul-text', 'PATH')],
      })
        .replace('"NUL"', '"a\\u0000b"')
        .replace('"PATH"', '"c:\\\\u0000"');
      expect(body).toContain('"a\\u0000b"');
      expect((await postSigned(body)).status).toBe(200);
      const stored = await waitFor(
        async () =>
          (await db.query(
            `SELECT provider_message_id AS id, text FROM inbound_messages WHERE provider_message_id LIKE 'wamid.nul-%' ORDER BY 1`,
          )) as Array<{ id: string; text: string }>,
        (rows) => rows.length === 2,
      );
      expect(stored).toEqual([
        { id: 'wamid.nul-escape', text: 'a\ufffdb' },
        { id: 'wamid.nul-text', text: 'c:\\u0000' },
      ]);
    });
  });

  describe('single messages', () => {
    it('takes a template message from 202 to read through the simulator, with every status and its time', async () => {
      const res = await post('/v1/messages', {
        to: { number: '+91 97399 78284', name: 'Asha' },
        type: 'template',
        template: { name: 'order_update', language: 'en_US', params: ['Asha', '#1042'] },
        tags: ['Orders'],
        requestId: 'order-1042',
        customArgs: { orderId: 1042 },
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: expect.any(String), status: 'queued', requestId: 'order-1042' });
      const done = await waitFor(
        () => message(res.body.id),
        (m) => m.status === 'read',
      );
      expect(done).toMatchObject({
        status: 'read',
        error: null,
        providerMessageId: expect.stringMatching(/^wamid\./),
        tags: ['orders'],
        customArgs: { orderId: 1042 },
      });
      expect(done.statuses.map((s) => s.status)).toEqual(['queued', 'sending', 'accepted', 'sent', 'delivered', 'read']);

      const again = await post('/v1/messages', {
        to: { number: '+919739978284' },
        type: 'text',
        text: { body: 'x' },
        requestId: 'order-1042',
      });
      expect([again.status, again.body.id]).toEqual([200, res.body.id]);
      // The same requestId for someone else is a mistake, not a retry: refused, rather than answered with the first
      // message's id and never sent.
      const elsewhere = await post('/v1/messages', { to: { number: '+919739978285' }, type: 'text', text: { body: 'x' }, requestId: 'order-1042' });
      expect([elsewhere.status, elsewhere.body.error?.code]).toEqual([409, 'request_id_reused']);
      const stats = (await sim.call<{ callbackData: { duplicates: number }; accepted: { total: number } }>('GET', '/_sim/stats'))
        .body;
      expect(stats.callbackData.duplicates).toBe(0);
    });

    it('refuses bad messages naming the field', async () => {
      const cases: Array<[unknown, string]> = [
        [{ type: 'text', text: { body: 'hi' } }, 'to'],
        [{ to: { number: '+919739978284' }, contactId: '1', type: 'text', text: { body: 'hi' } }, 'contactId'],
        [{ to: { number: '+919739978284' }, type: 'text', text: { body: 'x'.repeat(4097) } }, 'text.body'],
        [{ to: { number: '+919739978284' }, type: 'image', image: { link: 'ftp://x/y.png', caption: 'c' } }, 'image.link'],
        [
          { to: { number: '+919739978284' }, type: 'image', image: { link: 'https://x/y.png', caption: 'c'.repeat(1025) } },
          'image.caption',
        ],
        [
          {
            to: { number: '+919739978284' },
            type: 'text',
            text: { body: 'hi' },
            tags: Array.from({ length: 11 }, (_, i) => `t${i}`),
          },
          'tags',
        ],
        [{ to: { number: '+919739978284' }, type: 'fax', fax: {} }, 'type'],
        [{ to: { number: '+919739978284' }, ...template('hi'), channelId: 'nope' }, 'channelId'],
      ];
      for (const [body, field] of cases) {
        const res = await post('/v1/messages', body);
        expect([field, res.status]).toEqual([field, 400]);
        expect((res.body.error.details as Array<{ field: string }>).map((d) => d.field)).toContain(field);
      }
      expect((await post('/v1/messages', { to: { number: 'not-a-number' }, ...template('hi') })).status).toBe(
        400,
      );
    });

    it('applies duplicate, reordered and batched statuses once each, never moving a message back', async () => {
      const res = await post('/v1/messages', { to: { number: '+447400123001' }, ...template('Hello') });
      const accepted = await waitFor(
        () => message(res.body.id),
        (m) => m.status === 'read',
      );
      const wamid = accepted.providerMessageId!;
      const readAt = accepted.statuses.find((s) => s.status === 'read')!.at;
      // A late delivered, a duplicate read and an unknown message, in one signed POST.
      const status = (s: string, ts: number, id = wamid) => ({
        id,
        status: s,
        timestamp: String(ts),
        recipient_id: '447400123001',
      });
      const body = statusWebhook([
        status('delivered', 1),
        status('read', 2),
        status('sent', 3),
        status('read', 4, 'wamid.unknown'),
      ]);
      const ack = await api.http
        .post(`/webhooks/whatsapp/${channelId}`)
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', sign(body))
        .send(body);
      expect(ack.status).toBe(200);
      await waitFor(
        async () => Number((await db.query('SELECT count(*) AS n FROM webhook_events'))[0].n),
        (n) => n === 0,
      );
      const after = await message(res.body.id);
      expect(after.status).toBe('read');
      expect(after.statuses.find((s) => s.status === 'read')!.at).toBe(readAt);
      expect(after.statuses.filter((s) => s.status === 'read')).toHaveLength(1);
    });

    it('records failures with their code: 131026 marks the number, 131050 opts the contact out', async () => {
      await sim.call('PUT', '/_sim/config', { statuses: { notOnWhatsApp: { numbers: ['+447400123002'] } } });
      const res = await post('/v1/messages', { to: { number: '+447400123002' }, ...template('Hello') });
      const failed = await waitFor(
        () => message(res.body.id),
        (m) => m.status === 'failed',
      );
      expect(failed.error).toMatchObject({ code: '131026', title: expect.any(String) });
      const contact = await waitFor(
        async () => (await get('/v1/contacts/+447400123002')).body,
        (c) => c.notOnWhatsAppAt !== null,
      );
      expect(contact.notOnWhatsAppAt).not.toBeNull();

      const other = await post('/v1/messages', { to: { number: '+447400123003' }, ...template('Deal') });
      await waitFor(
        () => message(other.body.id),
        (m) => m.status === 'read',
      );
      const body = statusWebhook([
        {
          id: 'wamid.not-stored-yet',
          biz_opaque_callback_data: other.body.id,
          status: 'failed',
          timestamp: '5',
          recipient_id: '447400123003',
          errors: [
            {
              code: 131050,
              title:
                'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
            },
          ],
        },
      ]);
      await api.http
        .post(`/webhooks/whatsapp/${channelId}`)
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', sign(body))
        .send(body);
      const optedOut = await waitFor(
        async () => (await get('/v1/contacts/+447400123003')).body,
        (c) => c.optedOut === true,
      );
      expect(optedOut).toMatchObject({ optedOut: true, optOutSource: 'provider' });
      // Matched by our id (callback data) though the provider id differs. The message was read already: it stays
      // read (a late failure never moves it back), but the opt-out the failure reports is recorded all the same.
      expect(await message(other.body.id)).toMatchObject({ status: 'read', error: null });
      // Opted out of marketing only: a utility template still reaches the contact.
      const utility = await post('/v1/messages', { to: { number: '+447400123003' }, ...template('Again') });
      expect(utility.status).toBe(202);
      expect((await waitFor(() => message(utility.body.id), (m) => m.status === 'read')).category).toBe('utility');
      // Opted out of everything (only through the API): refused at once.
      expect((await post('/v1/contacts/+447400123003/opt-out', { scope: 'all' })).body).toMatchObject({ optedOut: true, optOutScope: 'all' });
      const refused = await post('/v1/messages', { to: { number: '+447400123003' }, ...template('Again') });
      expect([refused.status, refused.body.error.code]).toEqual([409, 'contact_opted_out']);
    });

    it('stores inbound messages, links a button reply to its message, and opts out on a STOP keyword', async () => {
      const res = await post('/v1/messages', { to: { number: '+447400123004' }, ...template('Track?') });
      const m = await waitFor(
        () => message(res.body.id),
        (x) => x.providerMessageId !== null,
      );
      await sim.call('POST', '/_sim/inbound', {
        phoneNumberId: PHONE_NUMBER_ID,
        from: '447400123004',
        profileName: 'Bo',
        contextMessageId: m.providerMessageId,
        button: { payload: 'track-1', text: 'Track order' },
      });
      const replied = await waitFor(
        () => message(res.body.id),
        (x) => x.replies.length > 0,
      );
      expect(replied.replies).toEqual([expect.objectContaining({ type: 'button', text: 'Track order', payload: 'track-1' })]);
      await sim.call('POST', '/_sim/inbound', { phoneNumberId: PHONE_NUMBER_ID, from: '447400123004', text: ' stop ' });
      const contact = await waitFor(
        async () => (await get('/v1/contacts/+447400123004')).body,
        (c) => c.optedOut === true,
      );
      expect(contact).toMatchObject({ optedOut: true, optOutSource: 'inbound' });
    });

    it('retries a message the provider refused with 130429 or a 5xx, holding the number, until it is accepted', async () => {
      await sim.call('POST', '/_sim/throttle-burst', { durationMs: 1_500, phoneNumberId: PHONE_NUMBER_ID });
      const throttled = await post('/v1/messages', { to: { number: '+447400123010' }, ...template('Later') });
      const done = await waitFor(
        () => message(throttled.body.id),
        (m) => m.status === 'read',
        20_000,
      );
      expect(done.status).toBe('read');
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      await sim.call('PUT', '/_sim/config', { faults: { serverErrorShare: 1 } });
      let failingId: string;
      try {
        failingId = (await post('/v1/messages', { to: { number: '+447400123011' }, ...template('Retry') })).body
          .id;
        const retried = await waitFor(
          () => message(failingId),
          (m) => m.attempts >= 2,
          10_000,
        );
        expect(retried.attempts).toBeGreaterThanOrEqual(2);
        expect(['queued', 'sending']).toContain(retried.status);
        expect(retried.error?.code).toMatch(/^(131000|2)$/);
      } finally {
        await sim.call('PUT', '/_sim/config', { faults: { serverErrorShare: 0 } });
      }
      expect(
        (
          await waitFor(
            () => message(failingId),
            (m) => m.status === 'read',
            20_000,
          )
        ).status,
      ).toBe('read');
    }, 60_000);

    it('lists messages by status, tag and number, newest first, a page at a time', async () => {
      const page = (await get('/v1/messages?tag=orders')).body;
      expect(page.data.map((m: { requestId: string }) => m.requestId)).toEqual(['order-1042']);
      const failed = (await get('/v1/messages?status=failed')).body.data;
      expect(failed.every((m: { status: string }) => m.status === 'failed')).toBe(true);
      const byNumber = (await get('/v1/messages?number=447400123004')).body.data;
      expect(byNumber).toHaveLength(1);
      const first = (await get('/v1/messages?limit=2')).body;
      const second = (await get(`/v1/messages?limit=2&cursor=${first.nextCursor}`)).body;
      expect(first.data).toHaveLength(2);
      expect(new Set([...first.data, ...second.data].map((m: { id: string }) => m.id)).size).toBe(
        first.data.length + second.data.length,
      );
      expect((await get('/v1/messages?status=lost')).status).toBe(400);
      expect((await get('/v1/messages?cursor=bogus')).status).toBe(400);
    });

    it('shares the rate limit across three worker processes: the simulator counts no violation beyond one of jitter', async () => {
      await sim.call('POST', '/_sim/reset', {});
      const started = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) {
        ids.push(
          (
            await post('/v1/messages', {
              to: { number: `+4474001235${String(i).padStart(2, '0')}` },
              ...template(`n${i}`),
            })
          ).body.id,
        );
      }
      const rows = await waitFor(
        async () =>
          (
            await db.query(`SELECT count(*)::int AS n FROM messages WHERE id = ANY($1) AND provider_message_id IS NOT NULL`, [
              ids,
            ])
          )[0].n as number,
        (n) => n === 60,
        20_000,
      );
      expect(rows).toBe(60);
      const elapsed = (Date.now() - started) / 1000;
      type Refusal = { at: string; spanMs: number; pauseBeforeMs: number; burstAtStart: number; simulatorStallMs: number };
      const stats = (
        await sim.call<{ accepted: { total: number }; throttle: { violations: number; refusals: Refusal[] }; callbackData: { duplicates: number } }>(
          'GET',
          '/_sim/stats',
        )
      ).body;
      expect(stats.accepted.total).toBe(60);
      // The three workers share one limit: each alone would send at 20/s, together 60/s, and the simulator would
      // refuse dozens of sends. What may remain is one refusal of jitter: the slots leave 2 % of each second (20 ms)
      // for it, and on a loaded two-core CI machine a worker writes a few sends more than that after their slot
      // (measured: 2–5 % of writes leave after the moment the pacing allowed them, docs/BENCHMARKS.md, "The check at
      // the write, measured"); two CI runs of this stop each had one such refusal ("21 in 991 ms after a 74 ms pause",
      // the stand-in not stalled). Every refusal is shown whole when there are more.
      expect(stats.throttle.refusals.length > 1 ? stats.throttle.refusals : []).toEqual([]);
      expect(stats.throttle.violations).toBe(stats.throttle.refusals.length);
      expect(stats.callbackData.duplicates).toBe(0);
      // 60 sends at 20/s take about three seconds, however many workers.
      expect(elapsed).toBeGreaterThan(2.5);
    }, 30_000);
  });
  describe('recovery', () => {
    it('hands a message whose job Redis lost to a worker again, on the maintenance sweep', async () => {
      const res = await post('/v1/messages', {
        to: { number: '+91 97399 78286' },
        type: 'template',
        template: { name: 'order_update', language: 'en_US', params: ['Ravi', '#2001'] },
      });
      expect(res.status).toBe(202);
      await waitFor(
        () => message(res.body.id),
        (m) => m.status === 'read',
      );
      // Its twin that never got a job: queued for longer than the sweep's grace (5 minutes), as after Redis lost it.
      const [lost] = (await db.query(
        `INSERT INTO messages (workspace_id, channel_id, contact_id, to_number, type, content, template_name, status, attempts,
                               created_at, updated_at)
         SELECT workspace_id, channel_id, contact_id, to_number, type, content, template_name, 'queued', 0,
                now() - interval '10 minutes', now() - interval '10 minutes'
         FROM messages WHERE id = $1
         RETURNING id`,
        [res.body.id],
      )) as Array<{ id: string }>;
      // The sweep runs every 30 s on its schedule; ask for a round now.
      const maintenance = new Queue(QueueName.Maintenance, { connection: { url: process.env.REDIS_URL! }, prefix: REDIS_PREFIX });
      try {
        await maintenance.add(JobName.RequeueMessages, {});
        const recovered = await waitFor(
          () => message(lost!.id),
          (m) => m.status === 'read',
          20_000,
        );
        expect(recovered).toMatchObject({ status: 'read', error: null, providerMessageId: expect.stringMatching(/^wamid\./) });
        expect(recovered.statuses.map((s) => s.status)).toContain('accepted');
      } finally {
        await maintenance.close();
      }
    }, 30_000);

    it('applies a stored webhook event whose job Redis lost, on the maintenance sweep', async () => {
      const wamid = 'wamid.recovery-sweep-1';
      const [sent] = (await db.query(
        `INSERT INTO messages (workspace_id, channel_id, contact_id, to_number, type, content, template_name, status, attempts,
                               provider_message_id, accepted_at)
         SELECT workspace_id, channel_id, contact_id, to_number, type, content, template_name, 'accepted', 1, $1, now()
         FROM messages WHERE channel_id = $2 LIMIT 1
         RETURNING id`,
        [wamid, channelId],
      )) as Array<{ id: string }>;
      // Stored longer ago than the sweep's grace (60 s), its job gone.
      const body = statusWebhook([
        { id: wamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '919739978286' },
      ]);
      const [event] = (await db.query(
        `INSERT INTO webhook_events (channel_id, body, received_at) VALUES ($1, $2::jsonb, now() - interval '2 minutes') RETURNING id`,
        [channelId, body],
      )) as Array<{ id: string }>;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const waiting = async () =>
        Number((await db.query('SELECT count(*) AS n FROM webhook_events WHERE id = $1', [event!.id]))[0].n);
      expect(await waiting()).toBe(1); // nothing else applies it
      const maintenance = new Queue(QueueName.Maintenance, { connection: { url: process.env.REDIS_URL! }, prefix: REDIS_PREFIX });
      try {
        await maintenance.add(JobName.RequeueWebhooks, {});
        expect(await waitFor(waiting, (n) => n === 0, 20_000)).toBe(0);
        expect((await message(sent!.id)).status).toBe('delivered');
      } finally {
        await maintenance.close();
      }
    }, 30_000);
  });
});
