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
    ['not a bearer scheme', { Authorization: 'Basic dXNlcjpwYXNz' }, 'api_key_missing'],
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
    expect(revoked.body.error.code).toBe('api_key_invalid');

    const last = await api.http.delete(`/v1/api-keys/${second.body.id}`).set('x-api-key', second.body.apiKey);
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_api_key');
    const stillWorks = await api.http.get('/v1/api-keys').set('x-api-key', second.body.apiKey);
    expect(stillWorks.status).toBe(200);
    expect(stillWorks.body.map((k: { id: string }) => k.id)).toEqual([second.body.id]);
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
