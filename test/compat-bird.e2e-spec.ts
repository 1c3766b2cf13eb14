import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, freePort, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Bird's Channels API on Herald (`/compat/bird`, `Authorization: AccessKey <key>`), end to end with a worker and the
 * simulator: every request example of Bird's "Sending WhatsApp messages" document replayed verbatim — the examples
 * were lost from ../shared/seeds/003, so they are those of Bird's public page (docs.bird.com, same headings) — with
 * only the base URL, the key, the workspace and channel ids of the path, and the ids that name this account's
 * resources (template.projectId: a Herald template id; replyTo.id: a message Herald received) changed. Each answers
 * Bird's Message and reaches the provider, or is refused in Bird's error shape saying what Herald does not have.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-compat-bird`;
const PHONE = '106540352240003';
const WABA = '102290129340003';
/** Bird's examples' receiver. */
const RECEIVER = { contacts: [{ identifierValue: '+31612345678' }] };

const GB = 'https://files.gitbook.com/v0/b/gitbook-x-prod.appspot.com/o/spaces%2FdnJZeZvhOMhDQA8SpjQM%2Fuploads%2F';
const IMAGE1 = `${GB}RPPgQAGyZE7rvIh3WM2Z%2Fimage2.avif?alt=media`;
const IMAGE2 = `${GB}rEM9zztd8SEiJS6RQuR3%2Fimage.png?alt=media`;
const VIDEO = `${GB}tXMQ4lIinia9ehf4EpC4%2Fvideo.mp4?alt=media`;
const PDF = `${GB}PnRToYX2feW96HAOrh4x%2Fdocument.pdf?alt=media`;
const reply = (text: string) => ({ type: 'reply', reply: { text } });
const postback = (text: string, payload: string) => ({ type: 'postback', postback: { text, payload } });

/** The document's body examples, under its headings, and the native message type each becomes (per part). */
const BODIES: Array<[string, Record<string, unknown>, string[]]> = [
  ['Text Message', { type: 'text', text: { text: 'Single text message' } }, ['text']],
  ['Text message with reply buttons', { type: 'text', text: { text: 'Single text message with reply actions', actions: [reply('Reply action 1'), reply('Reply action 2')] } }, ['interactive']],
  ['Text message with postback actions', { type: 'text', text: { text: 'Single text message with postback actions', actions: [postback('Postback action 1', 'postback-payload-1'), postback('Postback action 2', 'postback-payload-2')] } }, ['interactive']],
  ['Text message with reply and postback actions', { type: 'text', text: { text: 'Single text message with reply and postback actions', actions: [postback('Postback action 1', 'postback-payload-1'), reply('Reply action 1')] } }, ['interactive']],
  ['Single image message', { type: 'image', image: { images: [{ altText: 'Label of first image', mediaUrl: IMAGE1 }] } }, ['image']],
  ['Single image message with text', { type: 'image', image: { images: [{ altText: 'Label of first image', mediaUrl: IMAGE1 }], text: 'Single image message' } }, ['image']],
  ['Multiple image message', { type: 'image', image: { images: [{ altText: 'Label of first image', mediaUrl: IMAGE2 }, { altText: 'Label of second image', mediaUrl: IMAGE1 }], text: 'Multiple images message' } }, ['image', 'image']],
  [
    'Single image message with postback actions',
    { type: 'image', image: { images: [{ altText: 'Image label', mediaUrl: IMAGE2 }], text: 'Single image message with postback actions', actions: [{ type: 'postback', postback: { payload: 'postback-payload-1', text: 'Postback option 1' } }, { postback: { payload: 'postback-payload-2', text: 'Postback option 2' }, type: 'postback' }] } },
    ['interactive'],
  ],
  ['Single image message with label and reply actions', { type: 'image', image: { text: 'Single image message with reply actions', images: [{ mediaUrl: IMAGE2, altText: 'Image label' }], actions: [reply('Reply action 1'), reply('Reply action 2')] } }, ['interactive']],
  ['Single image message with label, postback and reply actions', { type: 'image', image: { text: 'Single image message with postback and reply actions', images: [{ mediaUrl: IMAGE2, altText: 'Image label' }], actions: [postback('Postback action', 'postback-payload'), reply('Reply action')] } }, ['interactive']],
  [
    'Multiple images message with labels and postback actions',
    { type: 'image', image: { images: [{ altText: 'First image label', mediaUrl: IMAGE2 }, { altText: 'Second image label', mediaUrl: IMAGE1 }], text: 'Multiple images message with postback actions', actions: [{ type: 'postback', postback: { payload: 'postback-payload-1', text: 'Postback action 1' } }, { postback: { payload: 'postback-payload-2', text: 'Postback action 2' }, type: 'postback' }] } },
    ['image', 'interactive'],
  ],
  ['Multiple images message with reply actions', { type: 'image', image: { images: [{ altText: 'First image label', mediaUrl: IMAGE2 }, { altText: 'Second image label', mediaUrl: IMAGE1 }], text: 'Multiple images message with reply actions', actions: [reply('Reply action 1'), { reply: { text: 'Reply action 2' }, type: 'reply' }] } }, ['image', 'interactive']],
  [
    'Multiple images message with labels, postback and reply actions',
    { type: 'image', image: { images: [{ altText: 'First image label', mediaUrl: IMAGE2 }, { altText: 'Second image label', mediaUrl: IMAGE1 }], text: 'Multiple images message with postback and reply actions', actions: [{ type: 'postback', postback: { payload: 'postback-payload', text: 'Postback action' } }, { reply: { text: 'Reply action' }, type: 'reply' }] } },
    ['image', 'interactive'],
  ],
  ['Single file message', { type: 'file', file: { text: 'Single file message', files: [{ contentType: 'video/mp4', mediaUrl: VIDEO }] } }, ['video']],
  ['Single file message with postback and reply actions', { type: 'file', file: { text: 'Single file message', files: [{ contentType: 'video/mp4', mediaUrl: VIDEO }], actions: [{ type: 'postback', postback: { text: 'Postback action' } }, reply('Reply action')] } }, ['interactive']],
  ['Multiple files message', { type: 'file', file: { text: 'Multiple files message', files: [{ contentType: 'video/mp4', mediaUrl: VIDEO }, { contentType: 'application/pdf', mediaUrl: PDF }] } }, ['video', 'document']],
  ['Multiple files message with filename', { type: 'file', file: { text: 'Multiple files message', files: [{ contentType: 'video/mp4', mediaUrl: VIDEO }, { contentType: 'application/pdf', mediaUrl: PDF, filename: 'passport.pdf' }] } }, ['video', 'document']],
  [
    'Multiple files message with two postback actions and a reply action',
    { type: 'file', file: { text: 'Multiple files message', files: [{ contentType: 'video/mp4', mediaUrl: VIDEO }, { contentType: 'application/pdf', mediaUrl: PDF, filename: 'passport.pdf' }], actions: [postback('Postback action 1', 'postback-payload-1'), postback('Postback action 2', 'postback-payload-2'), reply('Reply action')] } },
    ['video', 'interactive'],
  ],
  ['Location', { type: 'location', location: { coordinates: { latitude: 52.3435942, longitude: 4.9091077 }, location: { address: 'Trompenburgstraat 2C, 1079 TX Amsterdam', label: 'MessageBird Amsterdam office' } } }, ['location']],
  [
    'List message without sections',
    { type: 'list', list: { items: [{ actions: [{ type: 'postback', postback: { payload: 'postback-action-payload-1', text: 'Postback action 1' } }, { type: 'postback', postback: { payload: 'postback-action-payload-2', text: 'Postback action 2' } }] }], title: 'List title', altText: 'List alt text', text: 'List text' } },
    ['interactive'],
  ],
  [
    'List message with sections',
    {
      type: 'list',
      list: {
        items: [
          { title: 'Section 1', actions: [{ type: 'postback', postback: { payload: 'postback-action-payload-1', text: 'Postback action 1' } }, { type: 'postback', postback: { payload: 'postback-action-payload-2', text: 'Postback action 2' } }] },
          { title: 'Section 2', actions: [{ type: 'postback', postback: { payload: 'postback-action-payload-3', text: 'Postback action 3' } }, { type: 'postback', postback: { payload: 'postback-action-payload-4', text: 'Postback action 4' } }] },
        ],
        title: 'List title',
        altText: 'List alt text',
        text: 'List text',
      },
    },
    ['interactive'],
  ],
  [
    'List message with sections and custom button label',
    {
      type: 'list',
      list: {
        items: [1, 2].map((s) => ({
          title: `Section ${s}`,
          actions: [2 * s - 1, 2 * s].map((n) => ({ type: 'postback', postback: { payload: `postback-action-payload-${n}`, text: `Postback action ${n}`, metadata: { description: { label: `Postback action description ${n}` } } } })),
        })),
        title: 'List title',
        altText: 'List alt text',
        text: 'List text',
        metadata: { button: { label: 'Show options' } },
      },
    },
    ['interactive'],
  ],
];

interface Message {
  id: string;
  status: string;
  to: string;
  type: string;
  content: Record<string, unknown>;
  providerMessageId: string | null;
  tags: string[];
  customArgs: Record<string, unknown>;
  scheduledFor: string | null;
  expiresAt: string | null;
  createdAt: string;
}

describe("Bird's Channels API at /compat/bird", () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let workspaceId: string;
  let channel: string;
  let base: string;

  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const bird = (path: string, body: unknown, accessKey = key) =>
    api.http
      .post(path)
      .set('Authorization', `AccessKey ${accessKey}`)
      .send(body as object);
  const send = (body: unknown) => bird(`${base}/messages`, body);
  const message = (id: string) => get(`/v1/messages/${id}`).then((r) => r.body as Message);
  const reaches = (id: string) => waitFor(() => message(id), (m) => m.providerMessageId !== null || m.status === 'failed', 15_000);
  const templateId = async (name: string) => ((await get(`/v1/templates?name=${name}`)).body.data as Array<{ id: string }>)[0]!.id;

  beforeAll(async () => {
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    api = await startApi({ REDIS_PREFIX, PUBLIC_URL: apiUrl });
    await api.app.listen(port, '127.0.0.1');
    ({ apiKey: key, id: workspaceId } = await api.createWorkspace('Bird'));
    sim = await startSimulator();
    worker = startWorker({ REDIS_PREFIX, PUBLIC_URL: apiUrl });
    const post = (path: string, body: unknown) => api.http.post(path).set('x-api-key', key).send(body as object);
    channel = await addSimulatedChannel(post, sim, {
      phone: PHONE,
      display: '+1 555 010 0003',
      rate: 40,
      tier: 'unlimited',
      credentials: { wabaId: WABA, accessToken: 'EAAG-bird-token', appSecret: 'bird-app-secret' },
      apiUrl,
    });
    base = `/compat/bird/workspaces/${workspaceId}/channels/${channel}`;
    // The three templates of the document's Template section, as the account's approved templates.
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: WABA, name: 'bird_text_variable', language: 'en', category: 'UTILITY', parameter_format: 'NAMED', components: [{ type: 'BODY', text: 'Hello {{name}}, welcome.', example: { body_text_named_params: [{ param_name: 'name', example: 'Robert' }] } }] },
      {
        wabaId: WABA,
        name: 'bird_image_button',
        language: 'en',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
          { type: 'BODY', text: 'Our new collection is here.' },
          { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Show me' }] },
        ],
      },
      {
        wabaId: WABA,
        name: 'bird_button_variable',
        language: 'en',
        category: 'MARKETING',
        parameter_format: 'NAMED',
        components: [
          { type: 'BODY', text: 'Hi {{name}}, see what is new.', example: { body_text_named_params: [{ param_name: 'name', example: 'Robert' }] } },
          { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://shop.example.com/{{1}}', example: ['https://shop.example.com/?campaignid=1'] }] },
        ],
      },
    ]);
    expect((await post('/v1/templates/sync', {})).status).toBe(200);
    // The examples' receiver wrote first: free-form messages may answer within their 24-hour window.
    await sim.call('POST', '/_sim/inbound', { phoneNumberId: PHONE, from: '31612345678', text: 'hi' });
    await waitFor(async () => (await get('/v1/contacts/%2B31612345678/channels')).body, (b) => JSON.stringify(b).includes('"open":true'), 15_000);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it("replays every body example of the document, answering Bird's Message and reaching the provider as the native message of each part", async () => {
    for (const [heading, body, types] of BODIES) {
      const answer = await send({ receiver: RECEIVER, body });
      expect([heading, answer.status]).toEqual([heading, 202]);
      expect(answer.body).toMatchObject({
        id: expect.any(String),
        channelId: channel,
        sender: { connector: { id: channel } },
        receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: '+31612345678' }] },
        body,
        status: 'accepted',
        direction: 'outgoing',
        createdAt: expect.any(String),
        lastStatusAt: expect.any(String),
      });
      const ids = types.length === 1 ? [answer.body.id as string] : (answer.body.details as string).match(/[0-9a-f-]{36}/g)!;
      expect([heading, ids[0]]).toEqual([heading, answer.body.id]);
      for (const [i, id] of ids.entries()) {
        const sent = await reaches(id);
        expect([heading, i, sent.status, sent.type, sent.to, sent.providerMessageId]).toEqual([heading, i, expect.stringMatching(/^(accepted|sent|delivered|read)$/), types[i], '+31612345678', expect.stringMatching(/^wamid\./)]);
      }
    }
    // What the reply buttons became: a press answers a postback's payload, a reply's text.
    const mixed = await send({ receiver: RECEIVER, body: BODIES[3]![1] });
    expect((await message(mixed.body.id)).content).toMatchObject({
      interactive: { action: { buttons: [{ reply: { id: 'postback-payload-1', title: 'Postback action 1' } }, { reply: { id: 'Reply action 1', title: 'Reply action 1' } }] } },
    });
    const list = await send({ receiver: RECEIVER, body: BODIES[BODIES.length - 1]![1] });
    expect((await message(list.body.id)).content).toMatchObject({ interactive: { type: 'list', action: { button: 'Show options', sections: [{ title: 'Section 1', rows: [{ id: 'postback-action-payload-1', description: 'Postback action description 1' }, {}] }, {}] } } });
  }, 120_000);

  it("refuses the document's text message with a location request, saying Herald has no such button", async () => {
    const answer = await send({ receiver: RECEIVER, body: { text: 'Single text message with location request', actions: [{ type: 'locationRequest' }] } });
    expect([answer.status, answer.body]).toEqual([422, { code: 'unsupported', message: expect.stringContaining('location request'), details: { 'body.text.actions[0].type': [expect.stringContaining('not supported')] } }]);
  });

  it("replays the ReplyTo examples (replyTo.id: a message Herald received), quoting it at the provider", async () => {
    const received = ((await get(`/v1/inbound-messages?channelId=${channel}&limit=10`)).body.data as Array<{ id: string; providerMessageId: string }>)[0]!;
    const examples = [
      { type: 'text', text: { text: 'Single text message' }, replyTo: { id: received.id, type: 'message' } },
      { type: 'image', image: { images: [{ altText: 'Label of first image', mediaUrl: IMAGE1 }] }, replyTo: { id: received.id, type: 'message' } },
      { type: 'text', text: { text: 'Single text message with postback actions', actions: [postback('Postback action 1', 'postback-payload-1'), postback('Postback action 2', 'postback-payload-2')] }, replyTo: { id: received.id, type: 'message' } },
    ];
    for (const body of examples) {
      const answer = await send({ receiver: RECEIVER, body });
      expect([answer.status, answer.body.replyTo]).toEqual([202, { id: received.id, type: 'message' }]);
      const sent = await reaches(answer.body.id);
      expect([sent.providerMessageId, sent.content['replyTo']]).toEqual([expect.stringMatching(/^wamid\./), received.providerMessageId]);
    }
    const unknown = await send({ receiver: RECEIVER, body: { type: 'text', text: { text: 'x' } }, replyTo: { id: '1e7b70ab-3dcc-48f4-a6f6-63a493f6134c', type: 'message' } });
    expect([unknown.status, unknown.body]).toEqual([404, { code: expect.any(String), message: expect.stringContaining('1e7b70ab-3dcc-48f4-a6f6-63a493f6134c') }]);
  }, 60_000);

  it("replays the Template examples (projectId: a Herald template id), filling the account's template from the parameters", async () => {
    const examples: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      [
        'bird_text_variable',
        { projectId: 'ce6a2fd6-b2fa-4f5a-a2cd-f3bd15883318', version: 'latest', locale: 'en', parameters: [{ type: 'string', key: 'name', value: 'Robert' }] },
        { name: 'bird_text_variable', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Robert', parameterName: 'name' }] }] },
      ],
      [
        'bird_image_button',
        { projectId: '7b492653-450b-4e97-b5e4-3827868e7438', version: 'latest', locale: 'en', parameters: [{ type: 'string', key: 'imageURL', value: IMAGE1 }] },
        { name: 'bird_image_button', language: 'en', components: [{ type: 'header', parameters: [{ type: 'image', image: { link: IMAGE1 } }] }] },
      ],
      [
        'bird_button_variable',
        { projectId: '6449eb42-dffb-41c2-81a1-7fd956d2e7a6', version: 'e0e9190c-c3e7-4026-8fc3-d28a77aa1a52', locale: 'en', parameters: [{ type: 'string', key: 'name', value: 'Robert' }, { type: 'string', key: 'url', value: '?campaignid=123456' }] },
        {
          name: 'bird_button_variable',
          language: 'en',
          components: [
            { type: 'body', parameters: [{ type: 'text', text: 'Robert', parameterName: 'name' }] },
            { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text', text: '?campaignid=123456' }] },
          ],
        },
      ],
    ];
    for (const [name, template, native] of examples) {
      const projectId = await templateId(name);
      const answer = await send({ receiver: RECEIVER, template: { ...template, projectId } });
      expect([name, answer.status, answer.body.template, answer.body.body]).toEqual([name, 202, { ...template, projectId }, undefined]);
      const sent = await reaches(answer.body.id);
      expect([name, sent.type, sent.providerMessageId, sent.content['template']]).toEqual([name, 'template', expect.stringMatching(/^wamid\./), native]);
    }
    const missing = await send({ receiver: RECEIVER, template: { projectId: await templateId('bird_text_variable'), version: 'latest', locale: 'en', parameters: [] } });
    expect([missing.status, missing.body.details]).toEqual([422, { 'template.parameters': [expect.stringContaining('"name"')] }]);
    const nowhere = await send({ receiver: RECEIVER, template: { projectId: 'ce6a2fd6-b2fa-4f5a-a2cd-f3bd15883318', version: 'latest', locale: 'en' } });
    expect([nowhere.status, nowhere.body]).toEqual([404, { code: 'template_not_found', message: expect.stringContaining('ce6a2fd6') }]);
  }, 60_000);

  it('applies the send options through the native pipeline: schedule, tags, validity, reference, frequency capping with a marketing use case', async () => {
    const at = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const answer = await send({
      receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: '+31612345678' }] },
      body: { type: 'text', text: { text: 'Later' } },
      scheduledFor: at,
      validity: 3600,
      tags: ['Orders', 'VIP'],
      reference: 'my-own-identifier',
      meta: { extraInformation: { useCase: 'marketing' } },
      capFrequency: true,
      ignoreQuietHours: true,
    });
    expect([answer.status, answer.body.status, answer.body.tags, answer.body.scheduledFor, answer.body.reference]).toEqual([202, 'scheduled', ['orders', 'vip'], new Date(at).toISOString(), 'my-own-identifier']);
    const stored = await message(answer.body.id);
    expect([stored.status, stored.customArgs, new Date(stored.expiresAt!).getTime() - new Date(at).getTime()]).toEqual(['scheduled', { reference: 'my-own-identifier', extraInformation: { useCase: 'marketing' } }, 3_600_000]);
    const soon = await send({ receiver: RECEIVER, body: { type: 'text', text: { text: 'Soon' } }, scheduledFor: new Date(Date.now() + 5 * 60_000).toISOString() });
    expect([soon.status, soon.body.status, soon.body.scheduledFor]).toEqual([202, 'accepted', undefined]);
    const far = await send({ receiver: RECEIVER, body: { type: 'text', text: { text: 'Far' } }, scheduledFor: new Date(Date.now() + 36 * 86_400_000).toISOString() });
    expect([far.status, Object.keys(far.body.details ?? {})]).toEqual([422, ['scheduledFor']]);
    const capped = await send({ receiver: RECEIVER, body: { type: 'text', text: { text: 'x' } }, capFrequency: true });
    expect([capped.status, capped.body.details]).toEqual([422, { capFrequency: [expect.stringContaining('marketing')] }]);
  });

  it("answers the contact's channel details: when its service window closes, by Herald contact id or by identifier value", async () => {
    const details = (await get('/v1/contacts/%2B31612345678/channels')).body as { contactId: string; data: Array<{ channelId: string; serviceWindow: { expiresAt: string } }> };
    const expires = details.data.find((d) => d.channelId === channel)!.serviceWindow.expiresAt;
    const byId = await api.http.get(`${base}/contacts/${details.contactId}`).set('Authorization', `AccessKey ${key}`);
    expect([byId.status, byId.body]).toEqual([
      200,
      { serviceWindowExpireAt: expires, isPermanentSession: false, metadata: expect.objectContaining({ contactId: details.contactId, identifierKey: 'phonenumber', identifierValue: '+31612345678', serviceWindowOpen: 'true' }) },
    ]);
    const byValue = await api.http.get(`${base}/contacts/x?contactIdentifierValue=%2B31612345678`).set('Authorization', `AccessKey ${key}`);
    expect([byValue.status, byValue.body.serviceWindowExpireAt]).toEqual([200, expires]);
    const stranger = await api.http.get(`${base}/contacts/999999999`).set('Authorization', `AccessKey ${key}`);
    expect([stranger.status, Object.keys(stranger.body).sort()]).toEqual([404, ['code', 'message']]);
  });

  it("refuses in Bird's shape: another workspace's channel (404), a key restricted to another channel (403), wrong types and empty lists (422 naming the field)", async () => {
    const other = await api.createWorkspace('Bird other');
    const otherPost = (path: string, body: unknown) => api.http.post(path).set('x-api-key', other.apiKey).send(body as object);
    const theirs = await addSimulatedChannel(otherPost, sim, { phone: '106540352240004', display: '+1 555 010 0004', rate: 40, tier: 'unlimited', credentials: { wabaId: '102290129340004', accessToken: 'EAAG-bird-other', appSecret: 'bird-other-secret' } });
    const text = { type: 'text', text: { text: 'x' } };
    const theirChannel = await bird(`/compat/bird/workspaces/${workspaceId}/channels/${theirs}/messages`, { receiver: RECEIVER, body: text });
    expect([theirChannel.status, Object.keys(theirChannel.body).sort()]).toEqual([404, ['code', 'message']]);
    expect(((await api.http.get('/v1/messages?limit=5').set('x-api-key', other.apiKey)).body.data as unknown[]).length).toBe(0);
    const theirContact = await api.http.get(`/compat/bird/workspaces/${workspaceId}/channels/${theirs}/contacts/1`).set('Authorization', `AccessKey ${key}`);
    expect(theirContact.status).toBe(404);

    const post = (path: string, body: unknown) => api.http.post(path).set('x-api-key', key).send(body as object);
    const second = await addSimulatedChannel(post, sim, { phone: '106540352240005', display: '+1 555 010 0005', rate: 40, tier: 'unlimited', credentials: { wabaId: WABA, accessToken: 'EAAG-bird-second', appSecret: 'bird-second-secret' } });
    const restricted = (await post('/v1/api-keys', { allowedChannels: [second] })).body as { apiKey: string };
    const refused = await bird(`${base}/messages`, { receiver: RECEIVER, body: text }, restricted.apiKey);
    expect([refused.status, refused.body]).toEqual([403, { code: 'key_not_allowed', message: expect.stringContaining(channel) }]);

    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['contacts not an array', { receiver: { contacts: 'x' }, body: text }, 'receiver.contacts'],
      ['no contacts', { receiver: { contacts: [] }, body: text }, 'receiver.contacts'],
      ['a number as identifierValue', { receiver: { contacts: [{ identifierValue: 31612345678 }] }, body: text }, 'receiver.contacts[0].identifierValue'],
      ['no images', { receiver: RECEIVER, body: { type: 'image', image: { images: [] } } }, 'body.image.images'],
      ['a text that is not a string', { receiver: RECEIVER, body: { type: 'text', text: { text: 5 } } }, 'body.text.text'],
      ['tags not an array', { receiver: RECEIVER, body: text, tags: 'vip' }, 'tags'],
      ['validity not a number', { receiver: RECEIVER, body: text, validity: 'a day' }, 'validity'],
      ['a flag that is not a boolean', { receiver: RECEIVER, body: text, ignoreQuietHours: 'yes' }, 'ignoreQuietHours'],
      ['an unknown field', { receiver: RECEIVER, body: text, priority: 'high' }, 'priority'],
      // Named like what every object has: its own field in the 422, not a 500 from the error's renderer.
      ['a field named toString', { receiver: RECEIVER, body: text, toString: 1 }, 'toString'],
      ['a field named constructor', { receiver: RECEIVER, body: text, constructor: 1 }, 'constructor'],
    ];
    for (const [name, body, field] of cases) {
      const res = await send(body);
      expect([name, res.status, res.body.code, Object.keys(res.body.details ?? {})]).toEqual([name, 422, 'validation_failed', [field]]);
    }
  }, 30_000);

  it("refuses in Bird's shape: a wrong key, another workspace, an unknown channel, several receivers, body and template together", async () => {
    const wrongKey = await bird(`${base}/messages`, { receiver: RECEIVER, body: { type: 'text', text: { text: 'x' } } }, `hrld_${'x'.repeat(43)}`);
    expect([wrongKey.status, wrongKey.body]).toEqual([401, { code: expect.any(String), message: expect.stringContaining('API key') }]);
    const otherWorkspace = await bird(`/compat/bird/workspaces/5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10/channels/${channel}/messages`, { receiver: RECEIVER, body: { type: 'text', text: { text: 'x' } } });
    expect([otherWorkspace.status, otherWorkspace.body]).toEqual([403, { code: 'wrong_workspace', message: expect.stringContaining('5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10') }]);
    const noChannel = await bird(`/compat/bird/workspaces/${workspaceId}/channels/0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e/messages`, { receiver: RECEIVER, body: { type: 'text', text: { text: 'x' } } });
    expect([noChannel.status, Object.keys(noChannel.body).sort()]).toEqual([404, ['code', 'message']]);
    const two = await send({ receiver: { contacts: [{ identifierValue: '+31612345678' }, { identifierValue: '+31612345679' }] }, body: { type: 'text', text: { text: 'x' } } });
    expect([two.status, two.body.code, Object.keys(two.body.details)]).toEqual([422, 'unsupported', ['receiver.contacts']]);
    const both = await send({ receiver: RECEIVER, body: { type: 'text', text: { text: 'x' } }, template: { projectId: 'x' } });
    expect([both.status, both.body.details]).toEqual([422, { body: [expect.stringContaining('not both')] }]);
    const tooLong = await send({ receiver: RECEIVER, body: { type: 'text', text: { text: 'x', actions: [1, 2, 3, 4].map((n) => reply(`Reply ${n}`)) } } });
    expect([tooLong.status, Object.keys(tooLong.body.details)]).toEqual([422, ['body']]);
    const sent = (await get('/v1/messages?number=%2B31612345679')).body.data as unknown[];
    expect(sent).toEqual([]);
  });
});
