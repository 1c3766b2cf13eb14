import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';

describe('audiences', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startApi();
    key = (await api.createWorkspace('Audiences')).apiKey;
  });
  afterAll(() => api.close());

  const post = (path: string, body?: object, k = key) => api.http.post(path).set('x-api-key', k).send(body);
  const get = (path: string, k = key) => api.http.get(path).set('x-api-key', k);
  const del = (path: string, k = key) => api.http.delete(path).set('x-api-key', k);

  it('creates an audience with contacts, keeping valid entries when others are invalid', async () => {
    const res = await post('/v1/audiences', {
      id: 'vip',
      name: 'VIP',
      description: 'Best customers',
      contacts: [
        { number: '+919739978284', name: 'Asha', city: 'Pune' },
        { number: 'call me' },
        { number: '+447400123456', tier: 2 },
        { name: 'no number' },
        { number: '919739978284', city: 'Mumbai' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'vip', name: 'VIP', description: 'Best customers', size: 2, added: 2, alreadyMembers: 0 });
    expect(res.body.invalid).toEqual([
      { index: 1, number: 'call me', reason: expect.any(String) },
      { index: 3, number: null, reason: 'number is missing' },
    ]);
    // The last entry for a number wins.
    expect((await get('/v1/contacts/+919739978284')).body.attributes).toEqual({ city: 'Mumbai' });

    expect((await post('/v1/audiences', { id: 'vip', name: 'Again' })).status).toBe(409);
    expect((await post('/v1/audiences', { id: 'all', name: 'Everyone' })).status).toBe(409);
    expect((await post('/v1/audiences', { id: 'bad id!', name: 'x' })).status).toBe(400);
    const generated = await post('/v1/audiences', { name: 'No id given' });
    expect(generated.status).toBe(201);
    expect(generated.body.id).toMatch(/^aud_[0-9a-f]{16}$/);
  });

  it('adds contacts reporting added, already members and invalid ones', async () => {
    await post('/v1/audiences', { id: 'newsletter', name: 'Newsletter', contacts: [{ number: '+12025550143' }] }).expect(201);
    const res = await post('/v1/audiences/newsletter/contacts', {
      contacts: [{ number: '+1 202 555 0143' }, { number: '+12025550144' }, { number: '+1' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ added: 1, alreadyMembers: 1, invalid: [{ index: 2, number: '+1', reason: expect.any(String) }] });
    expect((await post('/v1/audiences/nope/contacts', { contacts: [] })).status).toBe(404);
    expect((await post('/v1/audiences/newsletter/contacts', { contacts: 'x' })).status).toBe(400);
  });

  it('lists with sizes, pages members, removes a member and deletes', async () => {
    await post('/v1/audiences', {
      id: 'pages',
      name: 'Pages',
      contacts: Array.from({ length: 12 }, (_, i) => ({ number: `+4474001${String(100000 + i).slice(1)}` })),
    }).expect(201);
    const list = await get('/v1/audiences');
    expect(list.status).toBe(200);
    expect(list.body.find((a: { id: string }) => a.id === 'pages').size).toBe(12);

    const first = await get('/v1/audiences/pages/contacts?limit=5');
    expect(first.body.data).toHaveLength(5);
    const rest: string[] = [];
    let cursor = first.body.nextCursor as string | null;
    while (cursor) {
      const page = await get(`/v1/audiences/pages/contacts?limit=5&cursor=${cursor}`);
      rest.push(...page.body.data.map((c: { number: string }) => c.number));
      cursor = page.body.nextCursor;
    }
    expect(rest).toHaveLength(7);

    expect((await del('/v1/audiences/pages/contacts/+447400100000')).status).toBe(204);
    expect((await del('/v1/audiences/pages/contacts/+447400100000')).status).toBe(404);
    expect((await get('/v1/audiences/pages')).body.size).toBe(11);
    expect((await get('/v1/contacts/+447400100000')).status).toBe(200); // the contact stays

    expect((await del('/v1/audiences/pages')).status).toBe(204);
    expect((await get('/v1/audiences/pages')).status).toBe(404);
    expect((await del('/v1/audiences/pages')).status).toBe(404);
  });

  it('treats "all" as every contact of the workspace', async () => {
    const ws = (await api.createWorkspace('All')).apiKey;
    await post('/v1/contacts', { number: '+447400200001' }, ws).expect(201);
    const added = await post('/v1/audiences/all/contacts', { contacts: [{ number: '+447400200001' }, { number: '+447400200002' }] }, ws);
    expect(added.body).toMatchObject({ added: 1, alreadyMembers: 1 });
    const all = await get('/v1/audiences/all', ws);
    expect(all.body).toMatchObject({ id: 'all', size: 2 });
    expect((await get('/v1/audiences/all/contacts', ws)).body.data).toHaveLength(2);
    expect((await del('/v1/audiences/all', ws)).status).toBe(409);
  });

  it("keeps each workspace's audiences to itself", async () => {
    const other = (await api.createWorkspace('Other')).apiKey;
    expect((await get('/v1/audiences/vip', other)).status).toBe(404);
    expect((await post('/v1/audiences/vip/contacts', { contacts: [{ number: '+447400300001' }] }, other)).status).toBe(404);
    expect((await del('/v1/audiences/vip', other)).status).toBe(404);
    expect((await post('/v1/audiences', { id: 'vip', name: 'Theirs' }, other)).status).toBe(201);
    expect((await get('/v1/audiences', other)).body.map((a: { id: string }) => a.id)).toEqual(['vip']);
    expect((await get('/v1/audiences/vip')).body.name).toBe('VIP');
  });
});

describe('variable groups', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startApi();
    key = (await api.createWorkspace('Variables')).apiKey;
  });
  afterAll(() => api.close());

  const post = (path: string, body?: object, k = key) => api.http.post(path).set('x-api-key', k).send(body);
  const get = (path: string, k = key) => api.http.get(path).set('x-api-key', k);

  it('creates a group whose values make contacts of new numbers, and reads them back', async () => {
    const res = await post('/v1/variable-groups', {
      id: 'billing',
      name: 'Billing',
      fields: ['first_name', 'due_date'],
      values: [
        { number: '+919739978284', first_name: 'John', due_date: '2026-12-01' },
        { number: '+447400400001', first_name: 'Ann', colour: 'red' },
        { number: 'nope', first_name: 'X' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'billing', fields: ['first_name', 'due_date'], size: 1, added: 1, updated: 0 });
    expect(res.body.invalid.map((i: { index: number }) => i.index)).toEqual([1, 2]);
    expect(res.body.invalid[0].reason).toMatch(/colour/);
    const contact = await get('/v1/contacts/+919739978284');
    expect(contact.status).toBe(200);
    expect(contact.body.attributes).toEqual({}); // values are the group's, not attributes

    const up = await post('/v1/variable-groups/billing/values', {
      values: [{ number: '+919739978284', due_date: '2026-12-15' }, { number: '+447400400002', first_name: 'Bo' }],
    });
    expect(up.body).toEqual({ added: 1, updated: 1, invalid: [] });
    const one = await get('/v1/variable-groups/billing/values?number=919739978284');
    expect(one.body.data).toEqual([{ number: '+919739978284', first_name: 'John', due_date: '2026-12-15' }]);
    const all = await get('/v1/variable-groups/billing/values?limit=1');
    expect(all.body.data).toHaveLength(1);
    expect(all.body.nextCursor).not.toBeNull();

    const list = await get('/v1/variable-groups');
    expect(list.body).toEqual([{ id: 'billing', name: 'Billing', description: null, fields: ['first_name', 'due_date'], size: 2 }]);
  });

  it.each([
    [{ id: 'g1', name: 'G', fields: ['first name'] }, 'fields[0]'],
    [{ id: 'g1', name: 'G', fields: [] }, 'fields'],
    [{ id: 'g1', name: 'G', fields: ['a', 'a'] }, 'fields[1]'],
    [{ id: 'g1', name: 'G', fields: ['number'] }, 'fields[0]'],
    [{ id: 'g 1', name: 'G', fields: ['a'] }, 'id'],
  ])('refuses bad definitions: %j', async (body, field) => {
    const res = await post('/v1/variable-groups', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('removes memberships and values with their contact, audience or group', async () => {
    const ws = (await api.createWorkspace('Cascade')).apiKey;
    await post('/v1/audiences', { id: 'a1', name: 'A1', contacts: [{ number: '+447400800001' }, { number: '+447400800002' }] }, ws).expect(201);
    await post('/v1/variable-groups', { id: 'g1', name: 'G1', fields: ['x'], values: [{ number: '+447400800001', x: '1' }, { number: '+447400800002', x: '2' }] }, ws).expect(201);
    expect((await api.http.delete('/v1/contacts/+447400800001').set('x-api-key', ws)).status).toBe(204);
    expect((await get('/v1/audiences/a1', ws)).body.size).toBe(1);
    expect((await get('/v1/variable-groups/g1', ws)).body.size).toBe(1);
    // Re-creating the number must not bring back the old memberships or values.
    await post('/v1/contacts', { number: '+447400800001' }, ws).expect(201);
    expect((await get('/v1/audiences/a1', ws)).body.size).toBe(1);
    expect((await get('/v1/variable-groups/g1/values?number=%2B447400800001', ws)).body.data).toEqual([]);
    expect((await api.http.delete('/v1/audiences/a1').set('x-api-key', ws)).status).toBe(204);
    await post('/v1/audiences', { id: 'a1', name: 'A1 again' }, ws).expect(201);
    expect((await get('/v1/audiences/a1', ws)).body.size).toBe(0);
    expect((await api.http.delete('/v1/variable-groups/g1').set('x-api-key', ws)).status).toBe(204);
    await post('/v1/variable-groups', { id: 'g1', name: 'G1 again', fields: ['x'] }, ws).expect(201);
    expect((await get('/v1/variable-groups/g1', ws)).body.size).toBe(0);
  });

  it('answers 409 for an existing id, 404 for an unknown one, and deletes', async () => {
    await post('/v1/variable-groups', { id: 'temp', name: 'Temp', fields: ['a'] }).expect(201);
    expect((await post('/v1/variable-groups', { id: 'temp', name: 'Temp', fields: ['a'] })).status).toBe(409);
    expect((await get('/v1/variable-groups/unknown')).status).toBe(404);
    const other = (await api.createWorkspace('Other')).apiKey;
    expect((await get('/v1/variable-groups/temp', other)).status).toBe(404);
    expect((await api.http.delete('/v1/variable-groups/temp').set('x-api-key', other)).status).toBe(404);
    expect((await api.http.delete('/v1/variable-groups/temp').set('x-api-key', key)).status).toBe(204);
    expect((await get('/v1/variable-groups/temp')).status).toBe(404);
  });
});
