import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, freePort, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * EngageLab's Send Message API at /compat/engagelab, end to end: the API, a worker and the Cloud API simulator. Every
 * request example of EngageLab's document is replayed — the clean JSON ones verbatim, the ones written with `//`
 * comments with only their comments stripped (by a string-aware stripper, below) — with only the base URL and the
 * Basic credentials changed (the key's public id as dev_key, the key as dev_secret); each answer is EngageLab's
 * `{message_id, request_id}` and each message reaches the simulator. Refusals answer `{code, message}` with
 * EngageLab's numbered codes and statuses; a key restricted to some channels is refused (2004 here, 403
 * key_not_allowed on the native sends, blasts and campaign runs).
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-compat-engagelab`;
const SENDER = { phone: '106540352248600', display: '+86 138 0013 8000', wabaId: '102290129348600' };
const OTHER = { phone: '106540352248601', display: '+1 555 010 8601', wabaId: '102290129348601' };
const CREDENTIALS = (wabaId: string) => ({ wabaId, accessToken: `EAAG-engagelab-${wabaId}`, appSecret: `engagelab-secret-${wabaId}` });

/** The document's first example (its "Sample Requests"), clean JSON: replayed as it is. */
const SAMPLE_REQUEST = `{
"from": "+8613800138000",
"to": [
"00447911123456"
],
"body": {
"type": "template",
"template": {
"name": "code",
"language": "zh_CN",
"components": [
{
"type": "body",
"parameters": [
{
"type": "text",
"text": "12345"
}
]
}
]
}
},
"request_id": "123asdbbqwe9faweg",
"custom_args": {
"arg1": "string val",
"arg2": 123
}
}`;

/** The document's template-object example (placeholders `your-template-name` and `http(s)://the-url` included). */
const TEMPLATE_OBJECT_EXAMPLE = `{
"from": "+8613800138000",
"to": [
"00447911123456"
],
"body": {
"type": "template",
"template": {
"name": "your-template-name",
"language": "zh_CN",
"components": [
{
"type" : "header",
"parameters": [{
"type": "document",
"document": {
"link": "http(s)://the-url",
"filename": "your-document-filename"
}
}]
},
{
"type": "body",
"parameters": [
{
"type": "text",
"text": "your-text-string"
},
{
"type": "currency",
"currency": {
"fallback_value": "$100.99",
"code": "USD",
"amount_1000": 100990
}
},
{
"type": "date_time",
"date_time": {
"fallback_value": "February 25, 1977",
"day_of_week": 5,
"day_of_month": 25,
"year": 1977,
"month": 2,
"hour": 15,
"minute": 33
}
},
{
"type": "date_time",
"date_time": {
"fallback_value": "February 25, 1977",
"timestamp": 1485470276
}
}
]
}
]
}
}
}`;

/** The document's per-type examples, exactly as written there, `//` comments included. */
const COMMENTED_EXAMPLES: Array<[type: string, text: string]> = [
  [
    'text',
    `{
"from": "8613800138000", //sender's phone number
"to": "8613800138000", //the recipient's phone number
"body": {
"type": "text", //type of message
"text": {
"body": "your-text-message-content" // message content
}
}
}`,
  ],
  [
    'image',
    `{
"from": "8613800138000",//the sender's phone number
"to": "8613800138000",//receiver's phone number
"body": {
"type": "image",//the message type
"image": {
"link": "https://img.jiguang.cn/jiguang/public/img/c866bd2.png", //image link
"caption": "caption info" // optional, text description below the image, within 1024 characters
}
}
}`,
  ],
  [
    'video',
    `{
"from": "8613800138000",//the sender's phone number
"to": "8613800138001", //the recipient's phone number
"body": {
"type": "video",//the message type
"video": {
"link": "https://img.jiguang.cn/jiguang/public/videos/432acc5.mp4", //video link
"caption": "caption info" // optional, text description below the video, within 1024 characters
}
}
}`,
  ],
  [
    'audio',
    `{
"from": "8613800138000",//the sender's phone number
"to": "8613800138001", //the recipient's phone number
"body": {
"type": "audio",//the message type
"audio": {
"link": "https://file-examples.com/storage/fe5947fd2362fc197a3c2df/2017/11/file_example_MP3_700KB.mp3" //audio link
}
}
}`,
  ],
  [
    'document',
    `{
"from": "8613800138000",//the sender's phone number
"to": "8613800138001", //the recipient's phone number
"body": {
"type": "document",//the message type
"document": {
"link": "https://img.jiguang.cn/jiguang/public/videos/432acc5.mp4", // document link
"caption": "caption info", // optionally, the text description at the bottom of the document, within 1024 characters
"filename": "document file name" // optional, the name of the file
}
}
}`,
  ],
  [
    'sticker',
    `{
"from": "8613800138000",//the sender's phone number
"to": "8613800138001", //the recipient's phone number
"body": {
"type": "sticker",//the message type
"sticker": {
"link": "http://sample-file.bazadanni.com/download/images/webp/sample.webp" //sticker link
}
}
}`,
  ],
];

/** Removes `//` comments outside JSON strings (the URLs' `//` stay), nothing else. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

interface Message {
  id: string;
  status: string;
  to: string;
  type: string;
  channelId: string;
  content: Record<string, unknown>;
  requestId: string | null;
  customArgs: Record<string, unknown>;
  providerMessageId: string | null;
}

describe('EngageLab at /compat/engagelab', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let publicId: string;
  let sender: string;
  let other: string;

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const engageLab = (body: string | object, authorization = basic(publicId, key)) =>
    api.http
      .post('/compat/engagelab/v1/messages')
      .set('Authorization', authorization)
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));
  const post = (path: string, body: unknown, apiKey = key) => api.http.post(path).set('x-api-key', apiKey).send(body as object);
  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const message = (id: string) => get(`/v1/messages/${id}`).then((r) => r.body as Message);
  const reached = (id: string) => waitFor(() => message(id), (m) => m.providerMessageId !== null || m.status === 'failed', 20_000);

  beforeAll(async () => {
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    api = await startApi({ REDIS_PREFIX, PUBLIC_URL: apiUrl });
    await api.app.listen(port, '127.0.0.1');
    ({ apiKey: key } = await api.createWorkspace('EngageLab'));
    publicId = ((await get('/v1/api-keys')).body as Array<{ publicId: string }>)[0]!.publicId;
    sim = await startSimulator();
    worker = startWorker({ REDIS_PREFIX, PUBLIC_URL: apiUrl });
    const channel = (c: typeof SENDER) => ({ phone: c.phone, display: c.display, rate: 40, tier: 'unlimited', credentials: CREDENTIALS(c.wabaId), apiUrl });
    sender = await addSimulatedChannel((p, b) => post(p, b), sim, channel(SENDER));
    other = await addSimulatedChannel((p, b) => post(p, b), sim, channel(OTHER));
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: SENDER.wabaId, name: 'code', language: 'zh_CN', category: 'AUTHENTICATION', components: [{ type: 'BODY', text: '{{1}} is your code.', example: { body_text: [['12345']] } }] },
      {
        wabaId: SENDER.wabaId,
        name: 'invoice_due',
        language: 'zh_CN',
        category: 'UTILITY',
        components: [
          { type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::ZG9j'] } },
          { type: 'BODY', text: 'Hi {{1}}, {{2}} is due on {{3}} (issued {{4}}).', example: { body_text: [['Ann', '$1', 'Monday', 'Friday']] } },
        ],
      },
      { wabaId: OTHER.wabaId, name: 'code', language: 'zh_CN', category: 'AUTHENTICATION', components: [{ type: 'BODY', text: '{{1}} is your code.', example: { body_text: [['12345']] } }] },
    ]);
    expect((await post('/v1/templates/sync', {})).status).toBe(200);
    // The numbers of the free-form examples wrote first: their customer-service windows are open.
    for (const from of ['8613800138000', '8613800138001']) {
      await sim.call('POST', '/_sim/inbound', { phoneNumberId: SENDER.phone, from, text: 'hi' });
      await waitFor(async () => (await get(`/v1/contacts/%2B${from}/channels`)).body, (b) => JSON.stringify(b).includes('"open":true'), 15_000);
    }
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('replays the sample request verbatim: {message_id, request_id}, sent from the `from` number with custom_args kept', async () => {
    const res = await engageLab(SAMPLE_REQUEST);
    expect([res.status, res.body]).toEqual([200, { message_id: expect.any(String), request_id: '123asdbbqwe9faweg' }]);
    const sent = await reached(res.body.message_id as string);
    expect(sent).toMatchObject({ to: '+447911123456', channelId: sender, type: 'template', requestId: '123asdbbqwe9faweg', customArgs: { arg1: 'string val', arg2: 123 } });
    expect(sent.providerMessageId).toMatch(/^wamid\./);
    // The same request_id again is the same message, not a second send.
    const again = await engageLab(SAMPLE_REQUEST);
    expect([again.status, again.body]).toEqual([200, { message_id: res.body.message_id, request_id: '123asdbbqwe9faweg' }]);
  }, 30_000);

  it.each(COMMENTED_EXAMPLES)('replays the %s example with only its // comments stripped; it reaches the simulator', async (type, text) => {
    const stripped = stripComments(text);
    expect(stripped).not.toContain('//sender');
    const res = await engageLab(stripped);
    expect([res.status, res.body]).toEqual([200, { message_id: expect.any(String) }]);
    const sent = await reached(res.body.message_id as string);
    expect([sent.type, sent.channelId, sent.providerMessageId]).toEqual([type, sender, expect.stringMatching(/^wamid\./)]);
    expect(sent.to).toBe(`+${(JSON.parse(stripped) as { to: string }).to}`);
  }, 30_000);

  it('replays the template-object example: verbatim its placeholder name is no template (4001); with a real name and link it sends every parameter', async () => {
    const verbatim = await engageLab(TEMPLATE_OBJECT_EXAMPLE);
    expect([verbatim.status, verbatim.body]).toEqual([400, { code: 4001, message: expect.stringContaining('your-template-name') }]);

    const filled = TEMPLATE_OBJECT_EXAMPLE.replace('your-template-name', 'invoice_due').replace('http(s)://the-url', 'https://example.com/invoice.pdf');
    const res = await engageLab(filled);
    expect([res.status, res.body]).toEqual([200, { message_id: expect.any(String) }]);
    const sent = await reached(res.body.message_id as string);
    expect(sent.providerMessageId).toMatch(/^wamid\./);
    expect(sent.content['template']).toMatchObject({
      name: 'invoice_due',
      components: [
        { type: 'header', parameters: [{ type: 'document', document: { link: 'https://example.com/invoice.pdf', filename: 'your-document-filename' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'your-text-string' },
            { type: 'currency', currency: { fallbackValue: '$100.99', code: 'USD', amount1000: 100990 } },
            { type: 'date_time', dateTime: { fallbackValue: 'February 25, 1977' } },
            { type: 'date_time', dateTime: { fallbackValue: 'February 25, 1977' } },
          ],
        },
      ],
    });
  }, 30_000);

  it('sends one message per number of `to`, answering the first id (and every id) ', async () => {
    const res = await engageLab({ from: '+8613800138000', to: ['+447911123457', '00447911123458'], body: JSON.parse(SAMPLE_REQUEST).body, request_id: 'many-1' });
    expect([res.status, res.body]).toEqual([200, { message_id: expect.any(String), request_id: 'many-1', message_ids: [res.body.message_id, expect.any(String)] }]);
    const sent = await Promise.all((res.body.message_ids as string[]).map(reached));
    expect(sent.map((m) => [m.to, m.providerMessageId !== null])).toEqual([
      ['+447911123457', true],
      ['+447911123458', true],
    ]);
  }, 30_000);

  it('answers each refusal as {code, message} with its documented status', async () => {
    const template = JSON.parse(SAMPLE_REQUEST) as Record<string, unknown>;
    const cases: Array<[string, () => Promise<{ status: number; body: unknown }>, number, number, string]> = [
      ['no credentials', () => api.http.post('/compat/engagelab/v1/messages').send(template), 401, 2001, 'API key'],
      ['a pair that is not one key', () => engageLab(template, basic(`hrldpk_${'x'.repeat(24)}`, key)), 401, 2001, 'pair'],
      ['a body that is not JSON', () => api.http.post('/compat/engagelab/v1/messages').set('Authorization', basic(publicId, key)).set('Content-Type', 'text/plain').send('to=1'), 400, 3001, 'application/json'],
      ['type template without its object', () => engageLab({ to: ['+447911123456'], body: { type: 'template', text: { body: 'x' } } }), 400, 3002, 'body.text'],
      ['a missing field', () => engageLab({ body: { type: 'text', text: { body: 'x' } } }), 400, 3002, 'to'],
      ['a value Herald refuses, named as EngageLab names it', () => engageLab({ to: ['+8613800138000'], body: { type: 'image', image: { link: 'not a link' } } }), 400, 3002, 'body.image.link'],
      ['a WhatsApp media id', () => engageLab({ to: ['+8613800138000'], body: { type: 'image', image: { id: '1479537139650973' } } }), 400, 3003, 'link'],
      ['a free-form message outside the 24-hour window', () => engageLab({ to: ['+447911000999'], body: { type: 'text', text: { body: 'x' } } }), 400, 3003, 'window'],
      ['an unknown sending number', () => engageLab({ ...template, from: '+8613900000000' }), 400, 4001, '+8613900000000'],
      ['a template the account does not have', () => engageLab({ ...template, body: { type: 'template', template: { name: 'nope', language: 'zh_CN' } } }), 400, 4001, 'nope'],
    ];
    for (const [name, send, status, code, says] of cases) {
      const res = await send();
      expect([name, res.status, res.body]).toEqual([name, status, { code, message: expect.stringContaining(says) }]);
    }
  });

  it('refuses bad input in its shape: wrong types, an empty or oversized to, a workspace without WhatsApp (2003 with or without from)', async () => {
    const text = { type: 'text', text: { body: 'x' } };
    const tooMany = Array.from({ length: 1001 }, (_, i) => `+4479110${String(i).padStart(5, '0')}`);
    const cases: Array<[string, object, number, string]> = [
      ['an empty to', { to: [], body: text }, 3002, 'to'],
      ['to as a number', { to: 447911123456, body: text }, 3002, 'to'],
      ['to over 1,000 numbers', { to: tooMany, body: text }, 3002, '1000'],
      ['body.type not a string', { to: ['+447911123456'], body: { type: 5 } }, 3002, 'body.type'],
      ['text.body not a string', { to: ['+447911123456'], body: { type: 'text', text: { body: 12 } } }, 3002, 'body.text.body'],
      ['custom_args not an object', { to: ['+447911123456'], body: text, custom_args: 'x' }, 3002, 'custom_args'],
      ['from not a string', { from: 8613800138000, to: ['+447911123456'], body: text }, 3002, 'from'],
    ];
    for (const [name, body, code, says] of cases) {
      const res = await engageLab(body);
      expect([name, res.status, res.body]).toEqual([name, 400, { code, message: expect.stringContaining(says) }]);
    }
    // Another workspace, with no WhatsApp channel: 2003 whether or not `from` names a number (this workspace's included).
    const empty = await api.createWorkspace('EngageLab without WhatsApp');
    const emptyId = ((await api.http.get('/v1/api-keys').set('x-api-key', empty.apiKey)).body as Array<{ publicId: string }>)[0]!.publicId;
    for (const from of [undefined, '+8613800138000']) {
      const res = await engageLab({ ...JSON.parse(SAMPLE_REQUEST), from, request_id: undefined }, basic(emptyId, empty.apiKey));
      expect([from, res.status, res.body]).toEqual([from, 400, { code: 2003, message: expect.stringContaining('no WhatsApp channel') }]);
    }
  });

  it('answers a malformed JSON body with 3001 in its shape', async () => {
    const res = await api.http.post('/compat/engagelab/v1/messages').set('Authorization', basic(publicId, key)).set('Content-Type', 'application/json').send('{"to": [');
    expect([res.status, res.body]).toEqual([400, { code: 3001, message: expect.stringContaining('not valid JSON') }]);
  });

  it('answers 2002 for a revoked key pair', async () => {
    const spare = (await post('/v1/api-keys', {})).body as { id: string; publicId: string; apiKey: string };
    expect((await api.http.delete(`/v1/api-keys/${spare.id}`).set('x-api-key', key)).status).toBe(204);
    const res = await engageLab(JSON.parse(SAMPLE_REQUEST) as object, basic(spare.publicId, spare.apiKey));
    expect([res.status, res.body]).toEqual([401, { code: 2002, message: expect.stringContaining('revoked') }]);
  });

  it('refuses a key restricted to another number on every surface: 2004 here, 403 key_not_allowed on messages, blasts and campaign runs', async () => {
    const created = await post('/v1/api-keys', { allowedChannels: [OTHER.display] });
    expect(created.status).toBe(201);
    const restricted = created.body as { id: string; publicId: string; apiKey: string; allowedChannelIds: string[] };
    expect(restricted.allowedChannelIds).toEqual([other]);
    const listed = ((await get('/v1/api-keys')).body as Array<{ id: string; allowedChannelIds: string[] | null }>).find((k) => k.id === restricted.id);
    expect(listed?.allowedChannelIds).toEqual([other]);
    const pair = basic(restricted.publicId, restricted.apiKey);
    const body = JSON.parse(SAMPLE_REQUEST) as Record<string, unknown>;

    const fromSender = await engageLab({ ...body, request_id: 'restricted-1' }, pair);
    expect([fromSender.status, fromSender.body]).toEqual([403, { code: 2004, message: expect.stringContaining(sender) }]);
    const byDefault = await engageLab({ ...body, from: undefined, request_id: 'restricted-2' }, pair);
    expect([byDefault.status, byDefault.body.code]).toEqual([403, 2004]);
    const fromOther = await engageLab({ ...body, from: OTHER.display, request_id: 'restricted-3' }, pair);
    expect([fromOther.status, fromOther.body]).toEqual([200, { message_id: expect.any(String), request_id: 'restricted-3' }]);
    expect(await reached(fromOther.body.message_id as string)).toMatchObject({ channelId: other, providerMessageId: expect.stringMatching(/^wamid\./) });

    const native = await post('/v1/messages', { to: { number: '+447911123456' }, channelId: sender, type: 'template', template: { name: 'code', language: 'zh_CN', params: ['1'] } }, restricted.apiKey);
    expect([native.status, native.body.error.code, native.body.error.message]).toEqual([403, 'key_not_allowed', expect.stringContaining(sender)]);
    const blast = await post('/v1/blasts', { template: { name: 'code', language: 'zh_CN' }, searchSpec: { number: '+447911123456' }, params: ['1'], from: SENDER.display }, restricted.apiKey);
    expect([blast.status, blast.body.error.code]).toEqual([403, 'key_not_allowed']);
    const campaign = await post('/v1/campaigns', { template: { name: 'code', language: 'zh_CN' }, params: ['1'], channelId: sender });
    expect(campaign.status).toBe(201);
    const run = await post(`/v1/campaigns/${campaign.body.campaignId}/runs`, { audiences: ['all'] }, restricted.apiKey);
    expect([run.status, run.body.error.code]).toEqual([403, 'key_not_allowed']);

    // Lifted: the same key sends from the default number again.
    const lifted = await api.http.patch(`/v1/api-keys/${restricted.id}`).set('x-api-key', key).send({ allowedChannels: null });
    expect([lifted.status, lifted.body.allowedChannelIds]).toEqual([200, null]);
    const after = await engageLab({ ...body, request_id: 'restricted-4' }, pair);
    expect([after.status, after.body.request_id]).toEqual([200, 'restricted-4']);
  }, 30_000);
});
