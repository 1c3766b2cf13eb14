import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';

describe('tenant isolation', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it("keeps each workspace's keys to itself; another workspace's ids answer 404", async () => {
    const a = await api.createWorkspace('A');
    const b = await api.createWorkspace('B');
    await api.http.post('/v1/api-keys').set('x-api-key', a.apiKey).expect(201);

    const aKeys = await api.http.get('/v1/api-keys').set('x-api-key', a.apiKey);
    const bKeys = await api.http.get('/v1/api-keys').set('x-api-key', b.apiKey);
    expect(aKeys.body).toHaveLength(2);
    expect(bKeys.body).toHaveLength(1);
    const aIds = aKeys.body.map((k: { id: string }) => k.id);
    expect(aIds).not.toContain(bKeys.body[0].id);

    const crossDelete = await api.http.delete(`/v1/api-keys/${aIds[0]}`).set('x-api-key', b.apiKey);
    expect(crossDelete.status).toBe(404);
    const aAfter = await api.http.get('/v1/api-keys').set('x-api-key', a.apiKey);
    expect(aAfter.body).toHaveLength(2);
  });
});
