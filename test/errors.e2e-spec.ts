import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';

const ERROR_SHAPE = { error: { code: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/), message: expect.any(String), details: expect.any(Array) } };

describe('errors and bad input', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ HTTP_BODY_LIMIT: '2kb' });
  });
  afterAll(() => api.close());

  const post = (body: string, type = 'application/json') =>
    api.http.post('/v1/workspaces').set('x-admin-token', api.adminToken).set('Content-Type', type).send(body);

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await post('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('lists each invalid field and why', async () => {
    const res = await post(JSON.stringify({ name: 42, colour: 'red' }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'colour']));
    expect(res.body.error.details.find((d: { field: string }) => d.field === 'colour').issue).toMatch(/should not exist/);
  });

  it.each([['[]'], ['"just a string"'], ['']])('refuses a body that is not an object: %s', async (body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
  });

  it('refuses a body nested deeper than 64 levels with 400 body_too_deep, before any field is read', async () => {
    const res = await post(`${'{"a":'.repeat(100)}{}${'}'.repeat(100)}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('body_too_deep');
  });

  it.each([
    ['a NUL character', 'Ac\u0000me'],
    ['a lone surrogate', 'Acme \ud83d'],
  ])('refuses text Postgres cannot store (%s) with 400 invalid_text naming the field, never a 500', async (_what, name) => {
    const res = await post(JSON.stringify({ name }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error).toMatchObject({ code: 'invalid_text', details: [{ field: 'name' }] });
  });

  it('reads a body sent as application/vnd.api+json (JSON by its +json suffix) as JSON', async () => {
    const res = await post(JSON.stringify({ name: 'Suffixed JSON' }), 'application/vnd.api+json');
    expect([res.status, res.body.name]).toEqual([201, 'Suffixed JSON']);
  });

  it('answers a body that does not decode as its Content-Encoding says with 400 malformed_body', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await api.http
        .post('/v1/workspaces')
        .set('x-admin-token', api.adminToken)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send(`{"name": "not ${encoding} at all"}`);
      expect([encoding, res.status]).toEqual([encoding, 400]);
      expect(res.body).toMatchObject(ERROR_SHAPE);
      expect([encoding, res.body.error.code]).toEqual([encoding, 'malformed_body']);
      expect(res.body.error.message).toMatch(/^The request body does not decode as its Content-Encoding says: /);
    }
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await api.http.get('/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers a body over the configured limit with 413', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(4096) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded']])('answers a %s body with 415', async (type) => {
    const res = await post('name=Acme', type);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('never answers bad input with a 500', async () => {
    const bodies = ['{', 'null', '1', '{"name":null}', '{"name":{"$gt":""}}', '{"name":"' + '\u0000' + '"}', '{"__proto__":{"x":1}}'];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toMatchObject(ERROR_SHAPE);
    }
  });

  describe('null where a field takes a value or nothing', () => {
    const uuid = '00000000-0000-4000-8000-000000000001';
    const issueFields = (res: { status: number; body: { error?: { code?: string; details?: Array<{ field: string }> } } }) => [
      res.status,
      res.body.error?.code,
      [...new Set(res.body.error?.details?.map((d) => d.field))],
    ];

    it('refuses it with 400 naming the field, where it reached code that expected a value and answered 500', async () => {
      const client = api.as((await api.createWorkspace('Nulls')).apiKey);
      expect(issueFields(await client.post('/v1/contacts/search', { cursor: null, searchSpec: {} }))).toEqual([400, 'validation_failed', ['cursor']]);
      expect(issueFields(await client.patch(`/v1/webhook-endpoints/${uuid}`, { events: null }))).toEqual([400, 'validation_failed', ['events']]);
      const template = { channelId: uuid, name: 'nulls', language: 'en_US', category: 'UTILITY', body: { text: 'Hi' } };
      expect(issueFields(await client.post('/v1/templates', { ...template, header: null }))).toEqual([400, 'validation_failed', ['header']]);
      expect(issueFields(await client.post('/v1/templates', { ...template, header: [] }))).toEqual([400, 'validation_failed', ['header']]);
      expect(issueFields(await client.post('/v1/templates', { ...template, body: undefined }))).toEqual([400, 'validation_failed', ['body']]);
      const noUrl = await client.post('/v1/templates', { ...template, header: { format: 'image' } });
      expect(noUrl.body.error.details[0]).toEqual({ field: 'header.url', issue: 'url is required for an image, video or document header' });
    });

    it('still takes null where it means something: a contact\'s name cleared', async () => {
      const client = api.as((await api.createWorkspace('Null names')).apiKey);
      expect((await client.post('/v1/contacts', { number: '+447400600001', name: 'Ann' })).status).toBe(201);
      const cleared = await client.patch('/v1/contacts/+447400600001', { name: null });
      expect([cleared.status, cleared.body.name]).toEqual([200, null]);
    });
  });

  it('creates one channel for one phone number id when ten ask at once; the others are 409 channel_exists', async () => {
    const client = api.as((await api.createWorkspace('Channel race')).apiKey);
    const channel = {
      type: 'whatsapp',
      name: 'Race',
      phoneNumberId: '100000000000777',
      displayPhoneNumber: '+1 555 010 0777',
      wabaId: '200000000000777',
      accessToken: 'token-for-the-race',
      appSecret: 'secret-for-the-race',
      verifyToken: 'verify-for-the-race',
      graphBaseUrl: 'http://127.0.0.1:9/v23.0',
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.post('/v1/channels', channel)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'channel_exists')).toBe(true);
    expect((await client.get('/v1/channels')).body).toHaveLength(1);
  });

  describe('a sentence a person understands', () => {
    let key: string;
    beforeAll(async () => {
      key = (await api.createWorkspace('Errors')).apiKey;
    });

    it('tells an empty contact that its number is required, not that it is too long', async () => {
      const res = await api.as(key).post('/v1/contacts', {});
      expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
      expect(res.body.error.details).toEqual([{ field: 'number', issue: 'number is required: the contact\'s phone number, e.g. "+14155550123"' }]);
      const long = await api.as(key).post('/v1/contacts', { number: '1'.repeat(41) });
      expect(long.body.error.details).toEqual([{ field: 'number', issue: 'number must be at most 40 characters' }]);
    });

    it('tells a key sent without "Bearer" how to send it, and still reads a bare Herald key', async () => {
      const token = await api.http.get('/v1/contacts').set('Authorization', `Token ${key}`);
      expect([token.status, token.body.error.code]).toEqual([401, 'api_key_missing']);
      expect(token.body.error.message).toBe(
        'The Authorization header holds a "Token" scheme Herald does not read: send "Authorization: Bearer <key>" (the word Bearer, a space, then the key) or "x-api-key: <key>".',
      );
      expect(JSON.stringify(token.body)).not.toContain(key);
      const wrongHeader = await api.http.get('/v1/contacts').set('api-key', key);
      expect(wrongHeader.body.error.message).toMatch(/^An API key was sent in the "api-key" header, which Herald does not read: send "Authorization: Bearer <key>"/);
      expect((await api.http.get('/v1/contacts').set('Authorization', key)).status).toBe(200);
    });

    it('tells a message without `to` who it needs, in a sentence', async () => {
      const res = await api.as(key).post('/v1/messages', { type: 'text', text: { body: 'Hi' } });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { field: 'to', issue: 'is required: who receives the message — the recipient\'s phone number, e.g. "to": {"number": "+14155550123"} (or "contactId", a contact\'s id)' },
      ]);
    });

    it('tells a scheduledFor in milliseconds that it looks like milliseconds', async () => {
      const ms = Date.now() + 3_600_000;
      const res = await api.as(key).post('/v1/messages', { to: { number: '+14155550123' }, type: 'text', text: { body: 'Hi' }, scheduledFor: ms });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'scheduledFor', issue: expect.stringMatching(new RegExp(`^looks like milliseconds \\(${ms} ms is .*\\): give unix seconds \\(${Math.floor(ms / 1000)}\\)`)) }]);
    });
  });
});
