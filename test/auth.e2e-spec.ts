import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';

describe('API keys and authentication', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('creates a workspace with the admin token and shows its key once', async () => {
    const res = await api.http.post('/v1/workspaces').set('x-admin-token', api.adminToken).send({ name: 'Acme' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'Acme', apiKey: expect.stringMatching(/^hrld_/) });
    const list = await api.http.get('/v1/api-keys').set('Authorization', `Bearer ${res.body.apiKey}`);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0].prefix).toBe(res.body.apiKey.slice(0, 12));
    expect(JSON.stringify(list.body)).not.toContain(res.body.apiKey);
  });

  it.each([
    ['no token', undefined, 'admin_token_missing'],
    ['a wrong token', 'not-the-admin-token', 'admin_token_invalid'],
  ])('refuses workspace creation with %s', async (_, token, code) => {
    const req = api.http.post('/v1/workspaces').send({ name: 'Nope' });
    if (token) void req.set('x-admin-token', token);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(code);
  });

  it('accepts the key as a Bearer token and as x-api-key, and records its last use', async () => {
    const ws = await api.createWorkspace();
    const bearer = await api.http.get('/v1/api-keys').set('Authorization', `Bearer ${ws.apiKey}`);
    const header = await api.http.get('/v1/api-keys').set('x-api-key', ws.apiKey);
    expect(bearer.status).toBe(200);
    expect(header.status).toBe(200);
    expect(header.body[0].lastUsedAt).not.toBeNull();
  });

  it.each([
    ['missing', {}, 'api_key_missing'],
    ['malformed', { Authorization: 'Bearer nonsense' }, 'api_key_invalid'],
    ['unknown', { 'x-api-key': `hrld_${'A'.repeat(43)}` }, 'api_key_invalid'],
    ['not a scheme Herald reads', { Authorization: 'Digest username="a"' }, 'api_key_missing'],
    ['a Basic pair that is not a key pair', { Authorization: 'Basic dXNlcjpwYXNz' }, 'api_key_invalid'],
  ])('answers 401 for a %s key, in the error shape', async (_, headers, code) => {
    const res = await api.http.get('/v1/api-keys').set(headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
    expect(res.body).toEqual({ error: { code, message: expect.any(String), details: [] } });
  });

  it('revokes a key at once, and refuses to revoke the last one', async () => {
    const ws = await api.createWorkspace();
    const second = await api.http.post('/v1/api-keys').set('x-api-key', ws.apiKey);
    expect(second.status).toBe(201);
    expect(second.body.apiKey).toMatch(/^hrld_/);

    const before = await api.http.get('/v1/api-keys').set('x-api-key', second.body.apiKey);
    expect(before.body).toHaveLength(2);
    const firstId = before.body.find((k: { id: string }) => k.id !== second.body.id).id;

    const revoke = await api.http.delete(`/v1/api-keys/${firstId}`).set('x-api-key', second.body.apiKey);
    expect(revoke.status).toBe(204);
    const revoked = await api.http.get('/v1/api-keys').set('x-api-key', ws.apiKey);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('api_key_revoked');

    const last = await api.http.delete(`/v1/api-keys/${second.body.id}`).set('x-api-key', second.body.apiKey);
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_api_key');
    const stillWorks = await api.http.get('/v1/api-keys').set('x-api-key', second.body.apiKey);
    expect(stillWorks.status).toBe(200);
    expect(stillWorks.body.map((k: { id: string }) => k.id)).toEqual([second.body.id]);
  });

  it("accepts a key pair as Basic base64(<public id>:<key>) (EngageLab's dev_key:dev_secret), only when both are the same key's", async () => {
    const ws = await api.createWorkspace();
    const second = await api.http.post('/v1/api-keys').set('x-api-key', ws.apiKey).send({});
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ publicId: expect.stringMatching(/^hrldpk_[A-Za-z0-9_-]{24}$/), allowedChannelIds: null, apiKey: expect.stringMatching(/^hrld_/) });
    const listed = await api.http.get('/v1/api-keys').set('x-api-key', ws.apiKey);
    const first = listed.body.find((k: { id: string }) => k.id !== second.body.id) as { id: string; publicId: string };
    expect(first.publicId).toMatch(/^hrldpk_/);
    expect(listed.body.find((k: { id: string }) => k.id === second.body.id).publicId).toBe(second.body.publicId);
    const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;

    const pair = await api.http.get('/v1/api-keys').set('Authorization', basic(second.body.publicId, second.body.apiKey));
    expect(pair.status).toBe(200);
    const crossed = await api.http.get('/v1/api-keys').set('Authorization', basic(first.publicId, second.body.apiKey));
    expect([crossed.status, crossed.body.error.code]).toEqual([401, 'api_key_invalid']);
    const unknownId = await api.http.get('/v1/api-keys').set('Authorization', basic(`hrldpk_${'z'.repeat(24)}`, second.body.apiKey));
    expect([unknownId.status, unknownId.body.error.code]).toEqual([401, 'api_key_invalid']);

    expect((await api.http.delete(`/v1/api-keys/${second.body.id}`).set('x-api-key', ws.apiKey)).status).toBe(204);
    const revoked = await api.http.get('/v1/api-keys').set('Authorization', basic(second.body.publicId, second.body.apiKey));
    expect([revoked.status, revoked.body.error.code]).toEqual([401, 'api_key_revoked']);
  });

  it('restricts a key to channels of its workspace only, and lifts the restriction with null', async () => {
    const ws = await api.createWorkspace();
    const unknown = await api.http.post('/v1/api-keys').set('x-api-key', ws.apiKey).send({ allowedChannels: ['+1 555 010 0000'] });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.details[0].field]).toEqual([404, 'channel_not_found', 'allowedChannels[0]']);
    const bad = await api.http.post('/v1/api-keys').set('x-api-key', ws.apiKey).send({ allowedChannels: 'all' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    const [key] = (await api.http.get('/v1/api-keys').set('x-api-key', ws.apiKey)).body as Array<{ id: string }>;
    const none = await api.http.patch(`/v1/api-keys/${key!.id}`).set('x-api-key', ws.apiKey).send({ allowedChannels: [] });
    expect([none.status, none.body.allowedChannelIds]).toEqual([200, []]);
    const missing = await api.http.patch(`/v1/api-keys/${key!.id}`).set('x-api-key', ws.apiKey).send({});
    expect([missing.status, missing.body.error.details[0].field]).toEqual([400, 'allowedChannels']);
    const lifted = await api.http.patch(`/v1/api-keys/${key!.id}`).set('x-api-key', ws.apiKey).send({ allowedChannels: null });
    expect([lifted.status, lifted.body.allowedChannelIds]).toEqual([200, null]);
    const other = await api.createWorkspace();
    const foreign = await api.http.patch(`/v1/api-keys/${key!.id}`).set('x-api-key', other.apiKey).send({ allowedChannels: null });
    expect(foreign.status).toBe(404);
  });

  it('answers 400 for a key id that is not a UUID and 404 for an unknown one', async () => {
    const ws = await api.createWorkspace();
    const bad = await api.http.delete('/v1/api-keys/not-a-uuid').set('x-api-key', ws.apiKey);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'id', issue: 'must be a UUID' }]);
    const unknown = await api.http.delete('/v1/api-keys/00000000-0000-4000-8000-000000000000').set('x-api-key', ws.apiKey);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('api_key_not_found');
  });
});
