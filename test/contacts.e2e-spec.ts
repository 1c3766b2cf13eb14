import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Herald, UpsertContact } from '@herald/client';
import { startApi, type ApiHarness } from './support/api-harness';
import { heraldError, listenForClients, type ClientHarness } from './support/client-harness';

/** Contacts through the typed client (@herald/client), as a program using Herald would manage them. */
describe('contacts', () => {
  let api: ApiHarness;
  let clients: ClientHarness;
  let herald: Herald;
  beforeAll(async () => {
    api = await startApi();
    clients = await listenForClients(api);
    herald = clients.client((await api.createWorkspace('Contacts')).apiKey);
  });
  afterAll(() => api.close());

  const workspace = async (name: string) => clients.client((await api.createWorkspace(name)).apiKey);

  it('creates by number in any common form, and upserts on the same number', async () => {
    const created = await herald.api.POST('/v1/contacts', { body: { number: '+91 97399 78284', name: 'Asha', attributes: { city: 'Pune', tier: 2 } } });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({
      number: '+919739978284',
      name: 'Asha',
      attributes: { city: 'Pune', tier: 2 },
      timezone: 'Asia/Kolkata',
      optedOut: false,
      optedOutAt: null,
    });
    for (const form of ['919739978284', '0091 97399 78284']) {
      const again = await herald.api.POST('/v1/contacts', { body: { number: form, attributes: { vip: true } } });
      expect(again.response.status).toBe(200);
      expect(again.data).toMatchObject({ number: '+919739978284', name: 'Asha', attributes: { city: 'Pune', tier: 2, vip: true } });
    }
    const national = await herald.contacts.upsert({ number: '07400 123456', defaultCountry: 'GB' });
    expect(national).toMatchObject({ number: '+447400123456', timezone: 'Europe/London' });
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
    const error = await heraldError(herald.contacts.upsert(body as UpsertContact));
    expect(error.status).toBe(400);
    expect(error.details.map((d) => d.field)).toContain(field);
  });

  it('gets, patches, opts out and in, and deletes by number', async () => {
    await herald.contacts.upsert({ number: '+1 (202) 555-0143', name: 'Sam', attributes: { plan: 'gold', city: 'DC' } });
    expect((await herald.contacts.get('+12025550143')).timezone).toBe('America/New_York');
    expect((await herald.contacts.get('12025550143')).number).toBe('+12025550143');

    const patched = await herald.contacts.update('+12025550143', { name: 'Samuel', attributes: { plan: 'platinum', city: null }, timezone: 'America/Chicago' });
    expect(patched).toMatchObject({ name: 'Samuel', attributes: { plan: 'platinum' }, timezone: 'America/Chicago' });

    const out = await herald.contacts.optOut('+12025550143');
    expect(out).toMatchObject({ optedOut: true, optOutSource: 'api' });
    expect(out.optedOutAt).not.toBeNull();
    expect((await herald.contacts.optOut('+12025550143')).optedOutAt).toBe(out.optedOutAt);
    expect(await herald.contacts.optIn('+12025550143')).toMatchObject({ optedOut: false, optedOutAt: null, optOutSource: null });

    await herald.contacts.remove('+12025550143');
    expect((await heraldError(herald.contacts.get('+12025550143'))).status).toBe(404);
    expect((await heraldError(herald.contacts.remove('+12025550143'))).status).toBe(404);
    expect((await heraldError(herald.contacts.get('not-a-number'))).status).toBe(400);
  });

  it("keeps each workspace's contacts to itself", async () => {
    const other = await workspace('Other');
    await herald.contacts.upsert({ number: '+447400900123' });
    expect((await heraldError(other.contacts.get('+447400900123'))).status).toBe(404);
    expect((await heraldError(other.contacts.optOut('+447400900123'))).status).toBe(404);
    const created = await other.api.POST('/v1/contacts', { body: { number: '+447400900123', name: 'Theirs' } });
    expect(created.response.status).toBe(201);
    expect((await herald.contacts.get('+447400900123')).name).toBeNull();
    expect((await other.contacts.list({ limit: 1000 })).data.map((c) => c.number)).toEqual(['+447400900123']);
  });

  it('pages with a cursor without skipping or repeating while contacts are added', async () => {
    const ws = await workspace('Paging');
    const numbers = Array.from({ length: 25 }, (_, i) => `+4474009${String(100000 + i).slice(1)}`);
    for (const number of numbers) await ws.contacts.upsert({ number });

    const seen: Array<string | null> = [];
    let extra = 0;
    for await (const contact of ws.contacts.all({ limit: 7 })) {
      seen.push(contact.number);
      // Someone adds a contact after every seventh one read: between two pages.
      if (seen.length % 7 === 0) await ws.contacts.upsert({ number: `+4474008${String(100000 + extra++).slice(1)}` });
    }
    expect(extra).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 25)).toEqual(numbers);

    expect((await heraldError(ws.contacts.list({ limit: 1001 }))).status).toBe(400);
    expect((await heraldError(ws.contacts.list({ limit: 0 }))).status).toBe(400);
    const badCursor = await heraldError(ws.contacts.list({ cursor: "';--" }));
    expect(badCursor).toMatchObject({ status: 400, code: 'invalid_cursor' });
  });

  it('searches with a searchSpec and refuses bad specs with 400', async () => {
    const ws = await workspace('Search');
    await ws.contacts.upsert({ number: '+447400900001', name: 'Ann', attributes: { city: 'Leeds', tier: 1 } });
    await ws.contacts.upsert({ number: '+447400900002', name: 'Bob', attributes: { city: 'York', tier: '1' } });
    await ws.contacts.upsert({ number: '+447400900003', attributes: { city: 'Leeds' } });
    const search = (searchSpec: Record<string, unknown>) => ws.contacts.search({ searchSpec });
    const numbers = async (spec: Record<string, unknown>) => (await search(spec)).data.map((c) => c.number);

    expect(await numbers({ 'attributes.city': 'Leeds' })).toEqual(['+447400900001', '+447400900003']);
    expect(await numbers({ 'attributes.tier': 1 })).toEqual(['+447400900001']);
    expect(await numbers({ name: { $exists: false } })).toEqual(['+447400900003']);
    expect(await numbers({ name: { $in: ['Ann', 'Bob'] }, 'attributes.city': 'York' })).toEqual(['+447400900002']);
    expect((await heraldError(search({ number: '07400 900002' }))).status).toBe(400);
    expect(await numbers({ number: '+44 7400 900002' })).toEqual(['+447400900002']);
    expect(await numbers({ audience: 'all' })).toHaveLength(3);

    for (const bad of [{ 'name; DROP TABLE contacts': 'x' }, { name: { $regex: '.*' } }, { "attributes.x') OR 1=1 --": 1 }]) {
      expect(await heraldError(search(bad))).toMatchObject({ status: 400, code: 'invalid_search_spec' });
    }
    expect((await ws.contacts.list({ limit: 1000 })).data).toHaveLength(3);
  });
});
