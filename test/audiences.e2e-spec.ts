import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Herald } from '@herald/client';
import { startApi, type ApiHarness } from './support/api-harness';
import { heraldError, listenForClients, type ClientHarness } from './support/client-harness';

describe('audiences', () => {
  let api: ApiHarness;
  let clients: ClientHarness;
  let herald: Herald;
  beforeAll(async () => {
    api = await startApi();
    clients = await listenForClients(api);
    herald = clients.client((await api.createWorkspace('Audiences')).apiKey);
  });
  afterAll(() => api.close());

  const workspace = async (name: string) => clients.client((await api.createWorkspace(name)).apiKey);

  it('creates an audience with contacts, keeping valid entries when others are invalid', async () => {
    const created = await herald.audiences.create({
      id: 'vip',
      name: 'VIP',
      description: 'Best customers',
      contacts: [
        { number: '+919739978284', name: 'Asha', city: 'Pune' },
        { number: 'call me' },
        { number: '+447400123456', tier: 2 },
        { name: 'no number' } as never,
        { number: '919739978284', city: 'Mumbai' },
      ],
    });
    expect(created).toMatchObject({ id: 'vip', name: 'VIP', description: 'Best customers', size: 2, added: 2, alreadyMembers: 0 });
    expect(created.invalid).toEqual([
      { index: 1, number: 'call me', reason: expect.any(String) },
      { index: 3, number: null, reason: 'number is missing' },
    ]);
    // The last entry for a number wins.
    expect((await herald.contacts.get('+919739978284')).attributes).toEqual({ city: 'Mumbai' });

    expect((await heraldError(herald.audiences.create({ id: 'vip', name: 'Again' }))).status).toBe(409);
    expect((await heraldError(herald.audiences.create({ id: 'all', name: 'Everyone' }))).status).toBe(409);
    expect((await heraldError(herald.audiences.create({ id: 'bad id!', name: 'x' }))).status).toBe(400);
    expect((await herald.audiences.create({ name: 'No id given' })).id).toMatch(/^aud_[0-9a-f]{16}$/);
  });

  it('adds contacts reporting added, already members and invalid ones', async () => {
    await herald.audiences.create({ id: 'newsletter', name: 'Newsletter', contacts: [{ number: '+12025550143' }] });
    const added = await herald.audiences.addContacts('newsletter', {
      contacts: [{ number: '+1 202 555 0143' }, { number: '+12025550144' }, { number: '+1' }],
    });
    expect(added).toEqual({ added: 1, alreadyMembers: 1, invalid: [{ index: 2, number: '+1', reason: expect.any(String) }] });
    expect((await heraldError(herald.audiences.addContacts('nope', { contacts: [] }))).status).toBe(404);
    expect((await heraldError(herald.audiences.addContacts('newsletter', { contacts: 'x' } as never))).status).toBe(400);
  });

  it('lists with sizes, pages members, removes a member and deletes', async () => {
    await herald.audiences.create({
      id: 'pages',
      name: 'Pages',
      contacts: Array.from({ length: 12 }, (_, i) => ({ number: `+4474001${String(100000 + i).slice(1)}` })),
    });
    expect((await herald.audiences.list()).find((a) => a.id === 'pages')?.size).toBe(12);

    const first = await herald.audiences.members('pages', { limit: 5 });
    expect(first.data).toHaveLength(5);
    expect(first.nextCursor).not.toBeNull();
    const members: Array<string | null> = [];
    for await (const contact of herald.audiences.allMembers('pages', { limit: 5 })) members.push(contact.number);
    expect(members).toHaveLength(12);
    expect(new Set(members).size).toBe(12);

    await herald.audiences.removeContact('pages', '+447400100000');
    expect((await heraldError(herald.audiences.removeContact('pages', '+447400100000'))).status).toBe(404);
    expect((await herald.audiences.get('pages')).size).toBe(11);
    expect((await herald.contacts.get('+447400100000')).number).toBe('+447400100000'); // the contact stays

    await herald.audiences.remove('pages');
    expect((await heraldError(herald.audiences.get('pages'))).status).toBe(404);
    expect((await heraldError(herald.audiences.remove('pages'))).status).toBe(404);
  });

  it('treats "all" as every contact of the workspace', async () => {
    const ws = await workspace('All');
    await ws.contacts.upsert({ number: '+447400200001' });
    const added = await ws.audiences.addContacts('all', { contacts: [{ number: '+447400200001' }, { number: '+447400200002' }] });
    expect(added).toMatchObject({ added: 1, alreadyMembers: 1 });
    expect(await ws.audiences.get('all')).toMatchObject({ id: 'all', size: 2 });
    expect((await ws.audiences.members('all')).data).toHaveLength(2);
    expect((await heraldError(ws.audiences.remove('all'))).status).toBe(409);
  });

  it("keeps each workspace's audiences to itself", async () => {
    const other = await workspace('Other');
    expect((await heraldError(other.audiences.get('vip'))).status).toBe(404);
    expect((await heraldError(other.audiences.addContacts('vip', { contacts: [{ number: '+447400300001' }] }))).status).toBe(404);
    expect((await heraldError(other.audiences.remove('vip'))).status).toBe(404);
    await other.audiences.create({ id: 'vip', name: 'Theirs' });
    expect((await other.audiences.list()).map((a) => a.id)).toEqual(['vip']);
    expect((await herald.audiences.get('vip')).name).toBe('VIP');
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
