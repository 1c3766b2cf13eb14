import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { normalizeWebhook, verifySignature } from '@kapso/whatsapp-cloud-api/server';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, freePort, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Meta's WhatsApp Cloud API served by Herald at `/compat/cloud-api`, driven by a real, unmodified Cloud API client
 * from npm (@kapso/whatsapp-cloud-api, its `baseUrl` pointed at Herald and a Herald key as its access token): every
 * kind of message Herald carries is sent through it, its parsed answers checked, and each message followed through
 * Herald's pipeline to the simulator (its wamid and statuses). Refusals reach the client as Graph errors it parses
 * (GraphApiError with Meta's codes). Last, Cloud-API-shaped status webhooks (a callback endpoint with
 * format "cloud-api") are verified and parsed by the same library's webhook helpers.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-compat-cloud-api`;
const PHONE = '106540352249931';
const DISPLAY = '+1 555 010 9931';
const WABA = '102290129349931';
/** A customer who wrote first, so free-form messages may answer them within the 24-hour window. */
const CUSTOMER = '+447400900131';
/** A number that never wrote: only templates reach it. */
const STRANGER = '+447400900132';
const IMAGE = 'https://example.com/herald/cat.jpg';

interface Message {
  id: string;
  status: string;
  to: string;
  type: string;
  channelId: string;
  content: Record<string, unknown>;
  customArgs: Record<string, unknown>;
  providerMessageId: string | null;
}

/**
 * Node's fetch, its JSON parsed in the test's realm. Jest runs a spec in a realm of its own, where the library's
 * plain-object check (before it camelises an answer) does not recognise objects fetch parsed in Node's realm; in any
 * ordinary Node process the two realms are one. The library takes a `fetch` for this (its `WhatsAppClientConfig`).
 */
const sameRealmFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  return Object.assign(response, { json: async (): Promise<unknown> => JSON.parse(await response.text()) });
};

/** The GraphApiError a client call rejects with (fails the test when it resolves). */
async function graphError(call: Promise<unknown>): Promise<GraphApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GraphApiError) return error;
    throw error;
  }
  throw new Error('the call was not refused');
}

describe('Meta Cloud API surface, driven by @kapso/whatsapp-cloud-api', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let apiUrl: string;
  let channelId: string;
  let client: WhatsAppClient;

  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('x-api-key', key)
      .send(body as object);
  const message = (id: string) => get(`/v1/messages/${id}`).then((r) => r.body as Message);
  /** Herald's message once the simulator (Meta) took it and said it was delivered or read. */
  const reached = (id: string) => waitFor(() => message(id), (m) => m.providerMessageId !== null && ['delivered', 'read'].includes(m.status), 15_000);
  const cloudClient = (accessToken: string, graphVersion = 'v23.0') => new WhatsAppClient({ accessToken, baseUrl: `${apiUrl}/compat/cloud-api`, graphVersion, fetch: sameRealmFetch });

  beforeAll(async () => {
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    api = await startApi({ REDIS_PREFIX, PUBLIC_URL: apiUrl });
    await api.app.listen(port, '127.0.0.1');
    ({ apiKey: key } = await api.createWorkspace('Cloud API'));
    sim = await startSimulator();
    worker = startWorker({ REDIS_PREFIX, PUBLIC_URL: apiUrl });
    channelId = await addSimulatedChannel(post, sim, {
      phone: PHONE,
      display: DISPLAY,
      rate: 40,
      tier: 'unlimited',
      credentials: { wabaId: WABA, accessToken: 'EAAG-cloud-api-token', appSecret: 'cloud-api-app-secret' },
      apiUrl,
    });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: WABA, name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} has shipped.', example: { body_text: [['Asha', '#1042']] } }] },
      {
        wabaId: WABA,
        name: 'ticket_ready',
        language: 'en',
        category: 'UTILITY',
        components: [
          { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
          { type: 'BODY', text: 'Your ticket for {{1}} is ready.', example: { body_text: [['Habit Run']] } },
        ],
      },
    ]);
    expect((await post('/v1/templates/sync', {})).status).toBe(200);
    // The customer writes first: their customer-service window opens.
    await sim.call('POST', '/_sim/inbound', { phoneNumberId: PHONE, from: CUSTOMER.slice(1), text: 'hi' });
    await waitFor(async () => (await get(`/v1/contacts/${encodeURIComponent(CUSTOMER)}/channels`)).body, (b) => JSON.stringify(b).includes('"open":true'), 15_000);
    client = cloudClient(key);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it("sends text, media, location, interactive and template messages through the library, answering Meta's shape with Herald's message ids", async () => {
    const sends: Array<[string, () => Promise<unknown>, string]> = [
      ['text', () => client.messages.sendText({ phoneNumberId: PHONE, to: CUSTOMER, body: 'Your order has shipped: https://example.com/t/1042', previewUrl: true }), 'text'],
      ['image', () => client.messages.sendImage({ phoneNumberId: PHONE, to: CUSTOMER, image: { link: IMAGE, caption: 'Your cat' } }), 'image'],
      ['video', () => client.messages.sendVideo({ phoneNumberId: PHONE, to: CUSTOMER, video: { link: 'https://example.com/herald/clip.mp4', caption: 'Clip' } }), 'video'],
      ['audio', () => client.messages.sendAudio({ phoneNumberId: PHONE, to: CUSTOMER, audio: { link: 'https://example.com/herald/note.mp3' } }), 'audio'],
      ['document', () => client.messages.sendDocument({ phoneNumberId: PHONE, to: CUSTOMER, document: { link: 'https://example.com/herald/invoice.pdf', caption: 'Invoice', filename: 'invoice.pdf' } }), 'document'],
      ['sticker', () => client.messages.sendSticker({ phoneNumberId: PHONE, to: CUSTOMER, sticker: { link: 'https://example.com/herald/wave.webp' } }), 'sticker'],
      ['location', () => client.messages.sendLocation({ phoneNumberId: PHONE, to: CUSTOMER, location: { latitude: 37.4847, longitude: -122.148, name: 'HQ', address: '1 Hacker Way' } }), 'location'],
      [
        'interactive buttons',
        () =>
          client.messages.sendInteractiveButtons({
            phoneNumberId: PHONE,
            to: CUSTOMER,
            bodyText: 'Keep your delivery slot?',
            footerText: 'Herald Shoes',
            buttons: [
              { id: 'keep', title: 'Keep' },
              { id: 'change', title: 'Change' },
            ],
          }),
        'interactive',
      ],
      [
        'interactive list',
        () =>
          client.messages.sendInteractiveList({
            phoneNumberId: PHONE,
            to: CUSTOMER,
            bodyText: 'Pick a size',
            buttonText: 'Sizes',
            sections: [{ title: 'EU', rows: [{ id: 'eu-42', title: '42', description: 'Regular' }, { id: 'eu-43', title: '43' }] }],
          }),
        'interactive',
      ],
      [
        'template',
        () =>
          client.messages.sendTemplate({
            phoneNumberId: PHONE,
            to: STRANGER,
            template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Asha' }, { type: 'text', text: '#1042' }] }] },
          }),
        'template',
      ],
      [
        'template with a media header',
        () =>
          client.messages.sendTemplate({
            phoneNumberId: PHONE,
            to: STRANGER.slice(1),
            template: {
              name: 'ticket_ready',
              language: { code: 'en' },
              components: [
                { type: 'header', parameters: [{ type: 'image', image: { link: IMAGE } }] },
                { type: 'body', parameters: [{ type: 'text', text: 'Habit Run' }] },
              ],
            },
          }),
        'template',
      ],
    ];
    for (const [name, send, type] of sends) {
      const answer = (await send()) as { messagingProduct: string; contacts: Array<{ input: string; waId: string }>; messages: Array<{ id: string }> };
      const input = name === 'template with a media header' ? STRANGER.slice(1) : type === 'template' ? STRANGER : CUSTOMER;
      // The library camelises Meta's answer: messaging_product, contacts[{input, wa_id}], messages[{id}].
      expect([name, answer]).toEqual([name, { messagingProduct: 'whatsapp', contacts: [{ input, waId: (type === 'template' ? STRANGER : CUSTOMER).slice(1) }], messages: [{ id: expect.any(String) }] }]);
      const sent = await reached(answer.messages[0]!.id);
      expect([name, sent.type, sent.channelId, sent.to, sent.providerMessageId]).toEqual([name, type, channelId, type === 'template' ? STRANGER : CUSTOMER, expect.stringMatching(/^wamid\./)]);
    }
    // What Herald sent is what the client asked, in Herald's words.
    const ids = (await get('/v1/messages?limit=20')).body.data as Message[];
    const template = ids.find((m) => m.type === 'template' && JSON.stringify(m.content).includes('order_update'))!;
    expect(template.content).toMatchObject({ template: { name: 'order_update', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Asha' }, { type: 'text', text: '#1042' }] }] } });
    const stats = (await sim.call<{ accepted: { byEndpoint: Record<string, number> } }>('GET', '/_sim/stats')).body;
    expect(stats.accepted.byEndpoint['messages']).toBeGreaterThanOrEqual(sends.length);
  }, 90_000);

  it('carries context (a reply) and biz_opaque_callback_data, and takes any Graph version in the path', async () => {
    const inbound = (await get('/v1/inbound-messages?limit=10')).body.data as Array<{ from: string; providerMessageId: string }>;
    const theirs = inbound.find((m) => m.from === CUSTOMER)!;
    const answer = await cloudClient(key).messages.sendText({ phoneNumberId: PHONE, to: CUSTOMER, body: 'Thanks for writing!', contextMessageId: theirs.providerMessageId, bizOpaqueCallbackData: 'ticket-77' });
    const sent = await reached(answer.messages[0]!.id);
    expect(sent.content).toMatchObject({ type: 'text', replyTo: theirs.providerMessageId });
    expect(sent.customArgs).toEqual({ biz_opaque_callback_data: 'ticket-77' });
    const again = await cloudClient(key, 'v21.0').messages.sendText({ phoneNumberId: PHONE, to: CUSTOMER, body: 'From v21.0' });
    expect((await reached(again.messages[0]!.id)).status).toMatch(/^(delivered|read)$/);
  }, 30_000);

  it("takes Meta's own documented request bodies over plain HTTP (our number and key) and answers Meta's wire shape", async () => {
    const examples: Array<Record<string, unknown>> = [
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: CUSTOMER,
        type: 'text',
        text: { preview_url: true, body: "As requested, here's the link to our latest product: https://www.meta.com/quest/quest-3/" },
      },
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: CUSTOMER,
        type: 'location',
        location: { latitude: '37.44216251868683', longitude: '-122.16153582049394', name: 'Philz Coffee', address: '101 Forest Ave, Palo Alto, CA 94301' },
      },
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: CUSTOMER,
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'image', image: { link: 'https://www.luckyshrub.com/media/borough-bigleaf-hydrangea.jpg' } },
          body: { text: 'Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!' },
          footer: { text: 'Lucky Shrub: Your gateway to succulents!™' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'change-button', title: 'Change' } },
              { type: 'reply', reply: { id: 'cancel-button', title: 'Cancel' } },
            ],
          },
        },
      },
    ];
    for (const example of examples) {
      const res = await api.http.post(`/compat/cloud-api/v23.0/${PHONE}/messages`).set('Authorization', `Bearer ${key}`).send(example);
      expect([example['type'], res.status, res.body]).toEqual([example['type'], 200, { messaging_product: 'whatsapp', contacts: [{ input: CUSTOMER, wa_id: CUSTOMER.slice(1) }], messages: [{ id: expect.any(String) }] }]);
      const sent = await reached(res.body.messages[0].id);
      expect([sent.type, sent.providerMessageId]).toEqual([example['type'], expect.stringMatching(/^wamid\./)]);
    }
  }, 30_000);

  it("refuses in Graph's shape with Meta's codes, which the library parses", async () => {
    const wrongKey = await graphError(cloudClient('hrld_not-a-key').messages.sendText({ phoneNumberId: PHONE, to: CUSTOMER, body: 'x' }));
    expect([wrongKey.httpStatus, wrongKey.code, wrongKey.type, wrongKey.isAuthError(), wrongKey.requiresTokenRefresh()]).toEqual([401, 190, 'OAuthException', true, true]);
    const noKey = await api.http.post(`/compat/cloud-api/v23.0/${PHONE}/messages`).send({ messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'x' } });
    expect([noKey.status, noKey.body.error.code, noKey.body.error.type, typeof noKey.body.error.fbtrace_id]).toEqual([401, 190, 'OAuthException', 'string']);

    const phone = await graphError(client.messages.sendText({ phoneNumberId: '999999999999999', to: CUSTOMER, body: 'x' }));
    expect([phone.httpStatus, phone.code, phone.errorSubcode, phone.type, phone.message]).toEqual([400, 100, 33, 'GraphMethodException', expect.stringContaining("Object with ID '999999999999999' does not exist")]);

    const template = await graphError(client.messages.sendTemplate({ phoneNumberId: PHONE, to: STRANGER, template: { name: 'no_such_template', language: { code: 'en_US' } } }));
    expect([template.httpStatus, template.code, template.isTemplateError(), template.details]).toEqual([404, 132001, true, expect.stringContaining('template.name')]);
    const params = await graphError(client.messages.sendTemplate({ phoneNumberId: PHONE, to: STRANGER, template: { name: 'order_update', language: { code: 'en_US' } } }));
    expect([params.httpStatus, params.code]).toEqual([400, 132000]);

    const window = await graphError(client.messages.sendText({ phoneNumberId: PHONE, to: STRANGER, body: 'Hello out of the blue' }));
    expect([window.httpStatus, window.code, window.retry.action, window.details]).toEqual([400, 131047, 'do_not_retry', expect.stringContaining('window')]);

    const reaction = await graphError(client.messages.sendReaction({ phoneNumberId: PHONE, to: CUSTOMER, reaction: { messageId: 'wamid.X', emoji: '👍' } }));
    expect([reaction.code, reaction.details]).toEqual([131051, expect.stringContaining('reaction is not carried by Herald')]);
    const contacts = await graphError(client.messages.sendContacts({ phoneNumberId: PHONE, to: CUSTOMER, contacts: [{ name: { formattedName: 'Asha Rao', firstName: 'Asha' }, phones: [{ phone: '+16505551234', type: 'WORK' }] }] }));
    expect(contacts.code).toBe(131051);
    const cta = await graphError(
      client.messages.sendInteractiveCtaUrl({ phoneNumberId: PHONE, to: CUSTOMER, bodyText: 'Track it', parameters: { displayText: 'Track', url: 'https://example.com/t/1042' } }),
    );
    expect([cta.code, cta.details]).toEqual([131051, expect.stringContaining('interactive.type cta_url')]);
    const mediaId = await graphError(client.messages.sendImage({ phoneNumberId: PHONE, to: CUSTOMER, image: { id: '1234567890' } }));
    expect([mediaId.code, mediaId.details]).toEqual([100, expect.stringContaining('image.id')]);
    const read = await graphError(client.messages.markRead({ phoneNumberId: PHONE, messageId: 'wamid.X' }));
    expect([read.httpStatus, read.code, read.details]).toEqual([400, 100, expect.stringContaining('status')]);

    // Raw payloads the library passes through untouched: Herald's parser decides, and names the field in Meta's words.
    const empty = await graphError(client.messages.sendRaw({ phoneNumberId: PHONE, payload: { messagingProduct: 'whatsapp', to: CUSTOMER, type: 'text', text: {} } }));
    expect([empty.httpStatus, empty.code, empty.details]).toEqual([400, 131008, 'text.body is required.']);
    const preview = await graphError(client.messages.sendRaw({ phoneNumberId: PHONE, payload: { messagingProduct: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'x', previewUrl: 'yes' } } }));
    expect([preview.code, preview.details]).toEqual([131009, 'text.preview_url must be true or false.']);
    const noProduct = await graphError(client.messages.sendRaw({ phoneNumberId: PHONE, payload: { to: CUSTOMER, type: 'text', text: { body: 'x' } } }));
    expect([noProduct.code, noProduct.details]).toEqual([100, 'messaging_product is required.']);
    const badNumber = await graphError(client.messages.sendText({ phoneNumberId: PHONE, to: '12', body: 'x' }));
    expect([badNumber.httpStatus, badNumber.code, badNumber.details]).toEqual([400, 131009, expect.stringMatching(/^to /)]);
    const malformed = await api.http.post(`/compat/cloud-api/v23.0/${PHONE}/messages`).set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send('{"messaging_product":');
    expect(malformed.status).toBe(400);
  }, 30_000);

  it("refuses another workspace's phone number id (100/33 both ways), a key restricted to another channel (10, 403) and wrong types, in Graph's shape", async () => {
    const other = await api.createWorkspace('Cloud API other');
    const otherPost = (path: string, body: unknown) => api.http.post(path).set('x-api-key', other.apiKey).send(body as object);
    const OTHER_PHONE = '106540352249932';
    await addSimulatedChannel(otherPost, sim, { phone: OTHER_PHONE, display: '+1 555 010 9932', rate: 40, tier: 'unlimited', credentials: { wabaId: '102290129349932', accessToken: 'EAAG-other', appSecret: 'other-secret' }, apiUrl });
    const theirs = await graphError(client.messages.sendText({ phoneNumberId: OTHER_PHONE, to: CUSTOMER, body: 'x' }));
    expect([theirs.httpStatus, theirs.code, theirs.errorSubcode]).toEqual([400, 100, 33]);
    const ours = await graphError(cloudClient(other.apiKey).messages.sendText({ phoneNumberId: PHONE, to: CUSTOMER, body: 'x' }));
    expect([ours.httpStatus, ours.code, ours.errorSubcode]).toEqual([400, 100, 33]);

    // A key restricted to another of the workspace's channels may not send from this number.
    const second = await addSimulatedChannel(post, sim, { phone: '106540352249933', display: '+1 555 010 9933', rate: 40, tier: 'unlimited', credentials: { wabaId: WABA, accessToken: 'EAAG-second', appSecret: 'second-secret' }, apiUrl });
    const restricted = (await post('/v1/api-keys', { allowedChannels: [second] })).body as { apiKey: string };
    const refused = await graphError(cloudClient(restricted.apiKey).messages.sendText({ phoneNumberId: PHONE, to: CUSTOMER, body: 'x' }));
    expect([refused.httpStatus, refused.code, refused.type, refused.details]).toEqual([403, 10, 'OAuthException', expect.stringContaining(channelId)]);

    const raw = (body: unknown) => api.http.post(`/compat/cloud-api/v23.0/${PHONE}/messages`).set('Authorization', `Bearer ${key}`).send(body as object);
    const cases: Array<[unknown, number, number, string]> = [
      [{ messaging_product: 'whatsapp', to: [CUSTOMER], type: 'text', text: { body: 'x' } }, 400, 100, 'to '],
      [{ messaging_product: 'whatsapp', to: CUSTOMER, type: 7, text: { body: 'x' } }, 400, 100, 'type '],
      [{ messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: 'x' }, 400, 131009, 'text'],
      [{ messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'x' }, context: 'wamid.X' }, 400, 100, 'context.message_id'],
      [[{ messaging_product: 'whatsapp' }], 400, 100, 'body'],
      // A key every JavaScript object has: refused like any unknown field, not a 500 from a lookup that found a function.
      [JSON.parse('{"__proto__": {"admin": true}}'), 400, 100, '__proto__'],
      [{ messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'x' }, constructor: { prototype: { x: 1 } } }, 400, 100, 'constructor'],
    ];
    for (const [body, status, code, says] of cases) {
      const res = await raw(body);
      expect([body, res.status, res.body.error?.code, res.body.error?.error_data?.details]).toEqual([body, status, code, expect.stringContaining(says)]);
    }
  }, 30_000);

  describe('status webhooks', () => {
    let receiver: Server;
    const received: Array<{ raw: Buffer; headers: IncomingHttpHeaders }> = [];

    beforeAll(async () => {
      receiver = createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ raw: Buffer.concat(chunks), headers: req.headers });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await new Promise((resolve) => receiver?.close(resolve));
    });

    // Needs `format` on callback endpoints (Cloud-API-shaped status webhooks), being added beside this surface.
    it('posts Cloud-API-shaped status webhooks for a message sent through the library, signed so the library verifies and parses them', async () => {
      const { port } = receiver.address() as { port: number };
      const endpoint = await post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${port}/whatsapp`, events: ['message.status'], format: 'cloud-api' });
      expect([endpoint.status, endpoint.body.error]).toEqual([201, undefined]);
      const secret = endpoint.body.secret as string;

      const answer = await client.messages.sendText({ phoneNumberId: PHONE, to: CUSTOMER, body: 'Watch your webhooks', bizOpaqueCallbackData: 'order-2001' });
      const id = answer.messages[0]!.id;
      const statusesOf = () =>
        received
          .filter((r) => verifySignature({ appSecret: secret, rawBody: r.raw, signatureHeader: r.headers['x-hub-signature-256'] as string | undefined }))
          .map((r) => normalizeWebhook(JSON.parse(r.raw.toString('utf8'))))
          .flatMap((w) => w.statuses.map((s) => ({ ...s, phoneNumberId: w.phoneNumberId, object: w.object })))
          .filter((s) => s.id === id);
      const statuses = await waitFor(async () => statusesOf(), (s) => ['sent', 'delivered', 'read'].every((st) => s.some((x) => x.status === st)), 20_000, 100);
      expect(statuses.map((s) => s.status)).toEqual(expect.arrayContaining(['sent', 'delivered', 'read']));
      for (const s of statuses) {
        // biz_opaque_callback_data comes back as Meta echoes it.
        expect(s).toMatchObject({ id, object: 'whatsapp_business_account', phoneNumberId: PHONE, recipientId: CUSTOMER.slice(1), timestamp: expect.stringMatching(/^\d+$/), bizOpaqueCallbackData: 'order-2001' });
      }
      // Every post is signed with the endpoint's secret, and a changed body fails the check.
      const posts = received.filter((r) => r.raw.toString('utf8').includes(id));
      expect(posts.length).toBeGreaterThan(0);
      for (const r of posts) {
        const signatureHeader = r.headers['x-hub-signature-256'] as string;
        expect(verifySignature({ appSecret: secret, rawBody: r.raw, signatureHeader })).toBe(true);
        expect(verifySignature({ appSecret: secret, rawBody: r.raw.toString('utf8').replace(id, 'x'), signatureHeader })).toBe(false);
      }
    }, 40_000);
  });
});
