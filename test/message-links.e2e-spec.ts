import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { ClickRecorder } from '@herald/links';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Tracked links on single messages, end to end: `trackLinks` (or the workspace's setting) turns every URL a
 * recipient reads into `<PUBLIC_URL>/l/<code>` of its own, UTM parameters go on the destination, the message goes
 * out with the link, a click answers 302 and shows on the message.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-msglinks`;
const PUBLIC_URL = 'https://go.herald.test';
const PHONE_NUMBER_ID = '106540352243077';
const CREDENTIALS = { wabaId: '102290129343077', accessToken: 'EAAG-msglinks-token', appSecret: 'msglinks-app-secret' };
const LINK = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/l/([A-Za-z0-9_-]{12})`, 'g');

interface Message {
  id: string;
  status: string;
  content: { template?: { params: string[] }; text?: { body: string } };
  clicks?: { count: number; firstClickedAt: string; timeline: Array<{ destination: string; userAgent: string | null }> };
}

describe('tracked links on messages', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;

  const post = (path: string, body: unknown) => api.as(key).post(path, body);
  const get = (path: string) => api.as(key).get(path);
  const message = async (id: string) => (await get(`/v1/messages/${id}`)).body as Message;
  const send = (to: unknown, extra: Record<string, unknown> = {}) =>
    post('/v1/messages', { to, type: 'template', template: { name: 'shipped', language: 'en_US', params: ['Asha', 'https://shop.example.com/t/42?lang=en'] }, ...extra });
  const codes = (text: string) => [...text.matchAll(LINK)].map((m) => m[1]!);

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX, PUBLIC_URL });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Message links')).apiKey;
    sim = await startSimulator({});
    await addSimulatedChannel(post, sim, { phone: PHONE_NUMBER_ID, display: '+1 555 010 3077', rate: 40, tier: 'unlimited', credentials: CREDENTIALS, apiUrl });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'shipped', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, track it: {{2}}' }] },
    ]);
    worker = startWorker({ REDIS_PREFIX, PUBLIC_URL });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('sends each recipient a link of its own, redirects a click with UTM parameters and shows it on the message', async () => {
    const res = await send(['+447400700001', '+447400700002'], { trackLinks: true, utm: { source: 'whatsapp', campaign: 'shipping' } });
    expect(res.status).toBe(202);
    const [a, b] = res.body.messages as Array<{ id: string }>;
    const first = await waitFor(() => message(a!.id), (m) => m.status === 'read', 15_000);
    const second = await message(b!.id);
    const [codeA] = codes(first.content.template!.params[1]!);
    const [codeB] = codes(second.content.template!.params[1]!);
    expect(first.content.template!.params[0]).toBe('Asha');
    expect(codeA).toBeDefined();
    expect(codeB).toBeDefined();
    expect(codeA).not.toBe(codeB);

    const click = await api.http.get(`/l/${codeA}`).set('user-agent', 'Mozilla/5.0 (spec)');
    expect(click.status).toBe(302);
    const location = new URL(click.headers['location'] as string);
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example.com/t/42');
    expect(Object.fromEntries(location.searchParams)).toEqual({ lang: 'en', utm_source: 'whatsapp', utm_campaign: 'shipping' });
    await api.app.get(ClickRecorder).flush();

    const clicked = await message(a!.id);
    expect(clicked.clicks).toMatchObject({ count: 1, timeline: [{ destination: location.href, userAgent: 'Mozilla/5.0 (spec)' }] });
    expect((await message(b!.id)).clicks).toBeUndefined();
  });

  it('follows the workspace setting unless the message says otherwise, and refuses bad settings', async () => {
    const untracked = await send({ number: '+447400700003' });
    expect(codes((await message(untracked.body.id)).content.template!.params[1]!)).toEqual([]);

    const patched = await api.as(key).patch('/v1/settings', { trackLinks: true, utm: { medium: 'chat' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ trackLinks: true, utm: { medium: 'chat' } });
    const byDefault = await send({ number: '+447400700004' });
    const [code] = codes((await message(byDefault.body.id)).content.template!.params[1]!);
    const location = new URL((await api.http.get(`/l/${code}`)).headers['location'] as string);
    expect(location.searchParams.get('utm_medium')).toBe('chat');
    const optedOut = await send({ number: '+447400700005' }, { trackLinks: false });
    expect(codes((await message(optedOut.body.id)).content.template!.params[1]!)).toEqual([]);

    const bad = await api.as(key).patch('/v1/settings', { trackLinks: 'yes', utm: { source: '', colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['trackLinks', 'utm.colour', 'utm.source']);
    const badMessage = await send({ number: '+447400700006' }, { utm: 'spring' });
    expect([badMessage.status, badMessage.body.error.details[0].field]).toEqual([400, 'utm']);
  });

  it('tracks the links of a blast per recipient, and counts clicks in its results and recipients CSV', async () => {
    await post('/v1/audiences', {
      id: 'link-blast',
      name: 'Link blast',
      contacts: [
        { number: '+447400700101', name: 'Asha' },
        { number: '+447400700102', name: 'Bo' },
      ],
    });
    const created = await post('/v1/blasts', {
      template: { name: 'shipped', language: 'en_US' },
      audiences: ['link-blast'],
      params: ['{{name}}', 'https://shop.example.com/t/{{number}}'],
      trackLinks: true,
      utm: { campaign: 'blast' },
    });
    expect(created.status).toBe(202);
    const blastId = created.body.blastId as string;
    const done = await waitFor(async () => (await get(`/v1/blasts/${blastId}`)).body, (b) => b.status === 'completed', 20_000);
    const sends = (await get(`/v1/messages?runId=${created.body.runId}`)).body.data as Array<{ to: string; content: { template: { parameters: string[] } } }>;
    expect(sends).toHaveLength(2);
    const byNumber = new Map(sends.map((m) => [m.to, codes(m.content.template.parameters[1]!)]));
    expect(byNumber.get('+447400700101')).toHaveLength(1);
    expect(byNumber.get('+447400700102')).toHaveLength(1);
    expect(byNumber.get('+447400700101')![0]).not.toBe(byNumber.get('+447400700102')![0]);
    expect(done.results).toMatchObject({ clicked: 0, clickRate: 0 });

    const click = await api.http.get(`/l/${byNumber.get('+447400700101')![0]}`);
    const location = new URL(click.headers['location'] as string);
    expect([click.status, location.pathname, location.searchParams.get('utm_campaign')]).toEqual([302, '/t/+447400700101', 'blast']);
    await api.http.get(`/l/${byNumber.get('+447400700101')![0]}`); // twice by the same recipient: one clicker
    await api.app.get(ClickRecorder).flush();

    expect((await get(`/v1/blasts/${blastId}`)).body.results).toMatchObject({ clicked: 1, clickRate: 0.5 });
    const csv = (await get(`/v1/blasts/${blastId}/recipients?format=csv`)).text.trim().split('\n');
    const header = csv[0]!.split(',');
    const clickedAt = header.indexOf('clickedAt');
    expect(clickedAt).toBeGreaterThan(0);
    const rows = csv.slice(1).map((line) => line.split(','));
    expect(rows.find((r) => r[0] === '+447400700101')![clickedAt]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(rows.find((r) => r[0] === '+447400700102')![clickedAt]).toBe('');

    const bad = await post('/v1/blasts', { template: { name: 'shipped', language: 'en_US' }, audiences: ['link-blast'], params: ['a', 'b'], trackLinks: 'yes', utm: { colour: 'red' } });
    expect([bad.status, bad.body.error.details.map((d: { field: string }) => d.field).sort()]).toEqual([400, ['trackLinks', 'utm.colour']]);
  });

  it('lets a campaign track its runs’ links by default, and a run decline', async () => {
    expect((await api.as(key).patch('/v1/settings', { trackLinks: false })).status).toBe(200);
    const created = await post('/v1/campaigns', {
      title: 'Tracked by the campaign',
      template: { name: 'shipped', language: 'en_US' },
      params: ['{{name}}', 'https://shop.example.com/c/{{number}}'],
      trackLinks: true,
      utm: { source: 'campaign' },
    });
    expect(created.status).toBe(201);
    const campaignId = created.body.campaignId as string;
    const paramsOf = async (body: Record<string, unknown>) => {
      const run = await post(`/v1/campaigns/${campaignId}/runs`, { audiences: ['link-blast'], ...body });
      expect(run.status).toBe(202);
      await waitFor(async () => (await get(`/v1/campaigns/${campaignId}/runs/${run.body.runId}`)).body, (r) => r.status === 'completed', 20_000);
      const sends = (await get(`/v1/messages?runId=${run.body.runId}`)).body.data as Array<{ content: { template: { parameters: string[] } } }>;
      return sends.map((m) => m.content.template.parameters[1]!);
    };
    const tracked = await paramsOf({});
    expect(tracked.map((p) => codes(p).length)).toEqual([1, 1]);
    const location = new URL((await api.http.get(`/l/${codes(tracked[0]!)[0]}`)).headers['location'] as string);
    expect(location.searchParams.get('utm_source')).toBe('campaign');
    const declined = await paramsOf({ trackLinks: false });
    expect(declined.sort()).toEqual(['https://shop.example.com/c/+447400700101', 'https://shop.example.com/c/+447400700102']);
  });

  it('registers a tracking campaign’s URL button as a link of Herald’s, and gives each recipient its own code', async () => {
    const created = await post('/v1/campaigns', {
      title: 'Tracked button',
      message: 'Hi {{name}}, the sale is on.',
      buttons: [{ text: 'Shop', type: 'url', url: 'https://shop.example.com/sale' }],
      trackLinks: true,
      utm: { source: 'button' },
    });
    expect(created.status).toBe(201);
    const campaignId = created.body.campaignId as string;
    await waitFor(async () => (await get(`/v1/campaigns/${campaignId}`)).body.templateStatus, (s) => s === 'APPROVED', 15_000);
    const atProvider = (await sim.call('GET', `/_sim/templates?wabaId=${CREDENTIALS.wabaId}`)).body as { data: Array<{ name: string; components: Array<Record<string, unknown>> }> };
    const registered = atProvider.data.find((t) => t.components.some((c) => JSON.stringify(c).includes('/l/{{1}}')));
    expect(registered).toBeDefined();
    expect(JSON.stringify(registered!.components)).toContain(`${PUBLIC_URL}/l/{{1}}`);

    const run = await post(`/v1/campaigns/${campaignId}/runs`, { audiences: ['link-blast'] });
    await waitFor(async () => (await get(`/v1/campaigns/${campaignId}/runs/${run.body.runId}`)).body, (r) => r.status === 'completed', 20_000);
    const sends = (await get(`/v1/messages?runId=${run.body.runId}`)).body.data as Array<{ id: string; content: { template: { buttons: Array<{ index: number; param: string }> } } }>;
    const buttonCodes = sends.map((m) => m.content.template.buttons[0]!.param);
    expect(buttonCodes).toHaveLength(2);
    expect(buttonCodes[0]).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(buttonCodes[0]).not.toBe(buttonCodes[1]);
    const click = await api.http.get(`/l/${buttonCodes[0]}`);
    const location = new URL(click.headers['location'] as string);
    expect([click.status, location.origin + location.pathname, location.searchParams.get('utm_source')]).toEqual([302, 'https://shop.example.com/sale', 'button']);
    await api.app.get(ClickRecorder).flush();
    expect((await get(`/v1/campaigns/${campaignId}/results`)).body).toMatchObject({ clicked: 1, clickRate: 0.5 });
    // The campaign send shows its click like a message does.
    expect((await get(`/v1/messages/${sends[0]!.id}`)).body.clicks).toMatchObject({ count: 1, timeline: [{ destination: location.href }] });
    expect((await get(`/v1/messages/${sends[1]!.id}`)).body.clicks).toBeUndefined();
  });
});
