import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';

describe('contacts', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startApi();
    key = (await api.createWorkspace('Contacts')).apiKey;
  });
  afterAll(() => api.close());

  const as = (k: string) => ({
    post: (path: string, body?: object) => api.http.post(path).set('x-api-key', k).send(body),
    get: (path: string) => api.http.get(path).set('x-api-key', k),
    patch: (path: string, body: object) => api.http.patch(path).set('x-api-key', k).send(body),
    delete: (path: string) => api.http.delete(path).set('x-api-key', k),
  });

  it('creates by number in any common form, and upserts on the same number', async () => {
    const created = await as(key).post('/v1/contacts', { number: '+91 97399 78284', name: 'Asha', attributes: { city: 'Pune', tier: 2 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number: '+919739978284',
      name: 'Asha',
      attributes: { city: 'Pune', tier: 2 },
      timezone: 'Asia/Kolkata',
      optedOut: false,
      optedOutAt: null,
    });
    for (const form of ['919739978284', '0091 97399 78284']) {
      const again = await as(key).post('/v1/contacts', { number: form, attributes: { vip: true } });
      expect(again.status).toBe(200);
      expect(again.body.number).toBe('+919739978284');
      expect(again.body.name).toBe('Asha');
      expect(again.body.attributes).toEqual({ city: 'Pune', tier: 2, vip: true });
    }
    const national = await as(key).post('/v1/contacts', { number: '07400 123456', defaultCountry: 'GB' });
    expect(national.status).toBe(201);
    expect(national.body).toMatchObject({ number: '+447400123456', timezone: 'Europe/London' });
  });

  it.each([
    [{ number: 'call me' }, 'number'],
    [{ number: '12' }, 'number'],
    [{ number: '07400 123456' }, 'number'],
    [{ number: '+919739978284', timezone: 'Mars/Olympus' }, 'timezone'],
    [{ number: '+919739978284', defaultCountry: 'XX' }, 'defaultCountry'],
    [{ number: '+919739978284', attributes: { 'bad key': 1 } }, 'attributes.bad key'],
    [{ number: '+919739978284', attributes: { nested: { a: 1 } } }, 'attributes.nested'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await as(key).post('/v1/contacts', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('gets, patches, opts out and in, and deletes by number', async () => {
    await as(key).post('/v1/contacts', { number: '+1 (202) 555-0143', name: 'Sam', attributes: { plan: 'gold', city: 'DC' } }).expect(201);
    const path = `/v1/contacts/${encodeURIComponent('+12025550143')}`;
    expect((await as(key).get(path)).body.timezone).toBe('America/New_York');
    expect((await as(key).get('/v1/contacts/12025550143')).status).toBe(200);

    const patched = await as(key).patch(path, { name: 'Samuel', attributes: { plan: 'platinum', city: null }, timezone: 'America/Chicago' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Samuel', attributes: { plan: 'platinum' }, timezone: 'America/Chicago' });

    const out = await as(key).post(`${path}/opt-out`);
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ optedOut: true, optOutSource: 'api' });
    expect(out.body.optedOutAt).not.toBeNull();
    const outAgain = await as(key).post(`${path}/opt-out`);
    expect(outAgain.body.optedOutAt).toBe(out.body.optedOutAt);
    const back = await as(key).post(`${path}/opt-in`);
    expect(back.body).toMatchObject({ optedOut: false, optedOutAt: null, optOutSource: null });

    expect((await as(key).delete(path)).status).toBe(204);
    expect((await as(key).get(path)).status).toBe(404);
    expect((await as(key).delete(path)).status).toBe(404);
    expect((await as(key).get('/v1/contacts/not-a-number')).status).toBe(400);
  });

  it("keeps each workspace's contacts to itself", async () => {
    const other = (await api.createWorkspace('Other')).apiKey;
    await as(key).post('/v1/contacts', { number: '+447400900123' }).expect(201);
    expect((await as(other).get('/v1/contacts/+447400900123')).status).toBe(404);
    expect((await as(other).post('/v1/contacts/+447400900123/opt-out')).status).toBe(404);
    const created = await as(other).post('/v1/contacts', { number: '+447400900123', name: 'Theirs' });
    expect(created.status).toBe(201);
    expect((await as(key).get('/v1/contacts/+447400900123')).body.name).toBeNull();
    const otherList = await as(other).get('/v1/contacts?limit=1000');
    expect(otherList.body.data.map((c: { number: string }) => c.number)).toEqual(['+447400900123']);
  });

  it('pages with a cursor without skipping or repeating while contacts are added', async () => {
    const ws = (await api.createWorkspace('Paging')).apiKey;
    const numbers = Array.from({ length: 25 }, (_, i) => `+4474009${String(100000 + i).slice(1)}`);
    for (const number of numbers) await as(ws).post('/v1/contacts', { number }).expect(201);

    const seen: string[] = [];
    let cursor: string | null = null;
    let extra = 0;
    do {
      const res = await as(ws).get(`/v1/contacts?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c: { number: string }) => c.number));
      cursor = res.body.nextCursor;
      // Someone adds a contact between every two pages.
      await as(ws).post('/v1/contacts', { number: `+4474008${String(100000 + extra++).slice(1)}` }).expect(201);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 25)).toEqual(numbers);

    expect((await as(ws).get('/v1/contacts?limit=1001')).status).toBe(400);
    expect((await as(ws).get('/v1/contacts?limit=0')).status).toBe(400);
    const badCursor = await as(ws).get('/v1/contacts?cursor=%27%3B--');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
  });

  it('searches with a searchSpec and refuses bad specs with 400', async () => {
    const ws = (await api.createWorkspace('Search')).apiKey;
    await as(ws).post('/v1/contacts', { number: '+447400900001', name: 'Ann', attributes: { city: 'Leeds', tier: 1 } }).expect(201);
    await as(ws).post('/v1/contacts', { number: '+447400900002', name: 'Bob', attributes: { city: 'York', tier: '1' } }).expect(201);
    await as(ws).post('/v1/contacts', { number: '+447400900003', attributes: { city: 'Leeds' } }).expect(201);
    const search = (searchSpec: object) => as(ws).post('/v1/contacts/search', { searchSpec });
    const numbers = (res: { body: { data: Array<{ number: string }> } }) => res.body.data.map((c) => c.number);

    expect(numbers(await search({ 'attributes.city': 'Leeds' }))).toEqual(['+447400900001', '+447400900003']);
    expect(numbers(await search({ 'attributes.tier': 1 }))).toEqual(['+447400900001']);
    expect(numbers(await search({ name: { $exists: false } }))).toEqual(['+447400900003']);
    expect(numbers(await search({ name: { $in: ['Ann', 'Bob'] }, 'attributes.city': 'York' }))).toEqual(['+447400900002']);
    expect((await search({ number: '07400 900002' })).status).toBe(400);
    expect(numbers(await search({ number: '+44 7400 900002' }))).toEqual(['+447400900002']);
    expect(numbers(await search({ audience: 'all' }))).toHaveLength(3);

    for (const bad of [{ 'name; DROP TABLE contacts': 'x' }, { name: { $regex: '.*' } }, { "attributes.x') OR 1=1 --": 1 }]) {
      const res = await search(bad);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_search_spec');
    }
    expect((await as(ws).get('/v1/contacts?limit=1000')).body.data).toHaveLength(3);
  });
});
