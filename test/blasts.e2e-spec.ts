import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Blasts and campaigns of templates the business already has, end to end: the API, a worker and the Cloud API
 * simulator. A blast by searchSpec reaches every matching contact and none other with its `{{name}}` parameters
 * filled per contact; a blast to audiences; tags found by GET /v1/messages?tag=; a campaign with an existing
 * template; URL buttons with a per-recipient variable (existing and registered templates); a paused template pausing
 * its blast until it is approved again; bad input answered 400/409 naming what is wrong.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-blasts`;
const PHONE_NUMBER_ID = '106540352243017';
const DISPLAY = '+1 555 010 3017';
const CREDENTIALS = { wabaId: '102290129343017', accessToken: 'EAAG-blasts-token', appSecret: 'blasts-app-secret' };

interface Send {
  id: string;
  to: string;
  status: string;
  tags: string[];
  skipReason: string | null;
  runId: string;
  error: { details?: string } | null;
  content: { template: { name: string; parameters: string[]; buttons?: Array<{ index: number; param: string }> } };
}
interface Blast {
  blastId: string;
  runId: string;
  status: string;
  recipients: number | null;
  counts: Record<string, number>;
  waiting: { reason: string } | null;
  tags: string[];
  results: { sent: number; skipped: number };
}

const CONTACTS = [
  { number: '+447400700001', name: 'Partha', attributes: { plan: 'gold', ref: 'r-1' } },
  { number: '+447400700002', name: 'Asha', attributes: { plan: 'gold', ref: 'r-2' } },
  { number: '+447400700003', name: 'Bo', attributes: { plan: 'silver' } },
  { number: '+447400700004', name: 'Chen', attributes: { plan: 'gold' } },
  { number: '+447400700005', name: 'Dee', attributes: { plan: 'bronze', ref: 'r-5' } },
];

describe('blasts and existing templates, end to end', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let channelId: string;

  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('x-api-key', key)
      .send(body as object);
  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const sendsOf = async (query: string): Promise<Send[]> => (await get(`/v1/messages?${query}&limit=100`)).body.data as Send[];
  const finished = (id: string) =>
    waitFor(async () => (await get(`/v1/blasts/${id}`)).body as Blast, (b) => b.status === 'completed' && (b.counts['accepted'] ?? 0) === 0, 20_000);

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Blasts')).apiKey;
    sim = await startSimulator({ templates: { approvalDelayMs: 300 } });
    channelId = await addSimulatedChannel(post, sim, { phone: PHONE_NUMBER_ID, display: DISPLAY, rate: 40, tier: 'unlimited', credentials: CREDENTIALS, apiUrl });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'habit_run', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi {{1}}, welcome to {{2}}.' }] },
      {
        wabaId: CREDENTIALS.wabaId,
        name: 'pay_link',
        language: 'en_US',
        category: 'UTILITY',
        components: [
          { type: 'BODY', text: 'Hi {{1}}, your bill is ready.' },
          { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Pay', url: 'https://pay.example.com/p/{{1}}' }] },
        ],
      },
      { wabaId: CREDENTIALS.wabaId, name: 'later_news', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'News for {{1}}.' }] },
    ]);
    for (const c of CONTACTS) expect((await post('/v1/contacts', c)).status).toBe(201);
    expect((await post('/v1/audiences', { id: 'vip', name: 'VIP', contacts: [{ number: CONTACTS[1]!.number }, { number: CONTACTS[4]!.number }] })).status).toBe(201);
    expect((await post('/v1/templates/sync', {})).status).toBe(200);
    worker = startWorker({ REDIS_PREFIX });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('sends a blast by searchSpec with {{name}} params to every matching contact and none other, tagged', async () => {
    const created = await post('/v1/blasts', {
      template: { name: 'habit_run', language: 'en' },
      searchSpec: { 'attributes.plan': 'gold' },
      params: ['{{name}}', 'Habit Run November Edition'],
      tags: ['Habit_Bulk'],
      from: DISPLAY,
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ blastId: expect.any(String), runId: expect.any(String) });
    const blast = await finished(created.body.blastId as string);
    expect([blast.status, blast.recipients, blast.counts['skipped'] ?? 0, blast.tags]).toEqual(['completed', 3, 0, ['habit_bulk']]);
    expect(blast.results.sent).toBe(3);

    const sends = await sendsOf(`runId=${blast.runId}`);
    const gold = CONTACTS.filter((c) => c.attributes.plan === 'gold');
    expect(sends.map((s) => s.to).sort()).toEqual(gold.map((c) => c.number).sort());
    for (const s of sends) {
      const contact = CONTACTS.find((c) => c.number === s.to)!;
      expect(s.content.template).toMatchObject({ name: 'habit_run', parameters: [contact.name, 'Habit Run November Edition'] });
      expect(s.tags).toEqual(['habit_bulk']);
    }
    const tagged = await sendsOf('tag=habit_bulk');
    expect(tagged.map((s) => s.id).sort()).toEqual(sends.map((s) => s.id).sort());
    expect(await sendsOf('tag=nothing_like_it')).toEqual([]);

    // Blasts are not listed with campaigns, unless asked for.
    expect(((await get('/v1/campaigns')).body.data as Array<{ id: string }>).map((c) => c.id)).not.toContain(blast.blastId);
    expect(((await get('/v1/campaigns?kind=blast')).body.data as Array<{ id: string }>).map((c) => c.id)).toContain(blast.blastId);

    const csv = await get(`/v1/blasts/${blast.blastId}/recipients?format=csv`);
    expect([csv.status, csv.text.trim().split('\n').length]).toEqual([200, 4]);
  });

  it('sends one blast for one requestId, however often and concurrently it is asked: each contact once', async () => {
    const body = { template: { name: 'habit_run', language: 'en' }, audiences: ['vip'], params: ['{{name}}', 'Once only'], tags: ['once_bulk'], requestId: 'blast-once-1' };
    const asks = await Promise.all(Array.from({ length: 10 }, () => post('/v1/blasts', body)));
    expect(asks.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(asks.map((a) => a.body.blastId as string)).size).toBe(1);
    expect(new Set(asks.map((a) => a.body.runId as string)).size).toBe(1);
    const blast = await finished(asks[0]!.body.blastId as string);
    expect([blast.status, blast.recipients]).toEqual(['completed', 2]);
    // A retry after it finished answers it as it is now, and sends nothing.
    const again = await post('/v1/blasts', body);
    expect([again.status, again.body.blastId, again.body.status]).toEqual([202, blast.blastId, 'completed']);
    const sends = await sendsOf('tag=once_bulk');
    expect(sends.map((s) => s.to).sort()).toEqual([CONTACTS[1]!.number, CONTACTS[4]!.number].sort());
  });

  it('sends a blast to audiences, its placeholders filled per contact', async () => {
    const created = await post('/v1/blasts', { template: { name: 'habit_run', language: 'en' }, audiences: ['vip'], params: ['{{name}}', 'VIP night'], tags: ['vip_bulk'] });
    expect(created.status).toBe(202);
    const blast = await finished(created.body.blastId as string);
    expect([blast.status, blast.recipients]).toEqual(['completed', 2]);
    const sends = await sendsOf('tag=vip_bulk');
    expect(sends.map((s) => [s.to, s.content.template.parameters[0]]).sort()).toEqual([
      [CONTACTS[1]!.number, 'Asha'],
      [CONTACTS[4]!.number, 'Dee'],
    ]);
  });

  it('runs a campaign of an existing template with a URL button resolved per recipient; a recipient without the value is skipped', async () => {
    const created = await post('/v1/campaigns', {
      template: { name: 'pay_link', language: 'en_US' },
      params: ['{{name}}'],
      buttons: [{ index: 0, param: '{{attributes.ref}}' }],
      channelId,
      options: { runImmediately: true, audiences: ['all'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.templateStatus).toBe('APPROVED');
    const campaignId = created.body.campaignId as string;
    const runId = created.body.run.runId as string;
    const run = await waitFor(async () => (await get(`/v1/campaigns/${campaignId}/runs/${runId}`)).body, (r) => r.status === 'completed', 20_000);
    expect([run.status, run.recipients, run.skippedByReason]).toEqual(['completed', 5, { missing_variable: 2 }]);
    const sends = await sendsOf(`runId=${runId}`);
    for (const s of sends) {
      const contact = CONTACTS.find((c) => c.number === s.to)!;
      if (contact.attributes.ref === undefined) {
        expect([s.status, s.skipReason, s.error?.details]).toEqual(['skipped', 'missing_variable', 'No value for attributes.ref']);
      } else {
        expect(s.status).not.toBe('failed');
        expect(s.content.template).toMatchObject({ parameters: [contact.name], buttons: [{ index: 0, param: contact.attributes.ref }] });
      }
    }
    const campaign = (await get(`/v1/campaigns/${campaignId}`)).body;
    expect(campaign).toMatchObject({ templateSource: 'existing', templateName: 'pay_link', templateType: 'UTILITY', templateStatus: 'APPROVED' });
  });

  it('registers a campaign URL button ending in a variable as {{1}} with an example, and fills it per recipient; tags on the run', async () => {
    const created = await post('/v1/campaigns', {
      title: 'Bills',
      message: 'Hi {{name}}, your bill is ready.',
      templateType: 'UTILITY',
      buttons: [{ text: 'Pay now', type: 'url', url: 'https://pay.example.com/bill/{{attributes.ref}}' }],
      channelId,
    });
    expect(created.status).toBe(201);
    const campaignId = created.body.campaignId as string;
    const approved = await waitFor(async () => (await get(`/v1/campaigns/${campaignId}`)).body, (c) => c.templateStatus !== 'PENDING', 15_000);
    expect(approved.templateStatus).toBe('APPROVED');
    const atProvider = (await sim.call('GET', `/_sim/templates?wabaId=${CREDENTIALS.wabaId}`)).body as { data: Array<{ name: string; components: Array<Record<string, unknown>> }> };
    const buttons = atProvider.data.find((t) => t.name === approved.templateName)!.components.find((c) => c['type'] === 'BUTTONS')!;
    expect(buttons['buttons']).toEqual([expect.objectContaining({ type: 'URL', url: 'https://pay.example.com/bill/{{1}}' })]);

    const run = await post(`/v1/campaigns/${campaignId}/runs`, { audiences: ['vip'], tags: ['bills'] });
    expect(run.status).toBe(202);
    const done = await waitFor(async () => (await get(`/v1/campaigns/${campaignId}/runs/${run.body.runId}`)).body, (r) => r.status === 'completed', 20_000);
    expect([done.status, done.tags]).toEqual(['completed', ['bills']]);
    const sends = await sendsOf('tag=bills');
    expect(sends.map((s) => [s.to, s.content.template.buttons]).sort()).toEqual([
      [CONTACTS[1]!.number, [{ index: 0, param: 'r-2' }]],
      [CONTACTS[4]!.number, [{ index: 0, param: 'r-5' }]],
    ]);
  });

  it('pauses a blast whose template Meta pauses, and lets it go on when the template is approved again', async () => {
    const created = await post('/v1/blasts', {
      template: { name: 'later_news', language: 'en' },
      searchSpec: { name: 'Bo' },
      params: ['{{name}}'],
      scheduledFor: Math.floor(Date.now() / 1000) + 3600,
    });
    expect([created.status, created.body.status, created.body.recipients]).toEqual([202, 'scheduled', null]);
    const id = created.body.blastId as string;
    const [template] = (await get('/v1/templates/later_news?language=en')).body as Array<{ providerTemplateId: string }>;
    expect((await sim.call('PUT', `/_sim/templates/${template!.providerTemplateId}/status`, { status: 'PAUSED', reason: 'Low quality' })).status).toBe(200);
    const paused = await waitFor(async () => (await get(`/v1/blasts/${id}`)).body as Blast, (b) => b.status === 'paused', 15_000);
    expect([paused.status, paused.waiting]).toEqual(['paused', { reason: 'template_paused', until: null }]);
    expect((await post(`/v1/blasts/${id}/resume`, {})).status).toBe(409);
    expect((await sim.call('PUT', `/_sim/templates/${template!.providerTemplateId}/status`, { status: 'APPROVED' })).status).toBe(200);
    const again = await waitFor(async () => (await get(`/v1/blasts/${id}`)).body as Blast, (b) => b.status === 'scheduled', 15_000);
    expect([again.status, again.waiting]).toEqual(['scheduled', null]);

    const cancelled = await post(`/v1/blasts/${id}/cancel`, {});
    expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled']);
    expect((await post(`/v1/blasts/${id}/pause`, {})).status).toBe(409);
  });

  it('answers bad blasts and template campaigns with 400/404/409 naming what is wrong', async () => {
    const base = { template: { name: 'habit_run', language: 'en' }, searchSpec: {}, params: ['{{name}}', 'x'] };
    const unknown = await post('/v1/blasts', { ...base, template: { name: 'no_such_template', language: 'en' } });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.details[0].field]).toEqual([400, 'template_not_found', 'template.name']);
    const count = await post('/v1/blasts', { ...base, params: ['{{name}}'] });
    expect([count.status, count.body.error.code, count.body.error.message]).toEqual([400, 'template_parameters', expect.stringContaining('the body takes 2 parameters, 1 was given')]);
    const both = await post('/v1/blasts', { ...base, audiences: ['vip'] });
    expect([both.status, both.body.error.details.map((d: { field: string }) => d.field)]).toEqual([400, ['searchSpec']]);
    const far = await post('/v1/blasts', { ...base, scheduledFor: '2099-01-01T00:00:00Z' });
    expect([far.status, far.body.error.details]).toEqual([400, [{ field: 'scheduledFor', issue: 'must be at most 35 days ahead' }]]);
    const badKey = await post('/v1/blasts', { ...base, searchSpec: { shoeSize: 9 } });
    expect([badKey.status, badKey.body.error.code, badKey.body.error.details[0].field]).toEqual([400, 'invalid_search_spec', 'searchSpec.shoeSize']);
    const badPlaceholder = await post('/v1/blasts', { ...base, params: ['{{nickname}}', 'x'] });
    expect([badPlaceholder.status, badPlaceholder.body.error.details.map((d: { field: string }) => d.field)]).toEqual([400, ['params[0]']]);
    const noGroup = await post('/v1/blasts', { ...base, params: ['{{name}}', '{nogroup.x}'] });
    expect([noGroup.status, noGroup.body.error.details[0].issue]).toEqual([400, expect.stringContaining('unknown variable group "nogroup"')]);
    const noAudience = await post('/v1/blasts', { ...base, searchSpec: undefined, audiences: ['nobody'] });
    expect([noAudience.status, noAudience.body.error.details[0].field]).toEqual([400, 'audiences']);
    const noSender = await post('/v1/blasts', { ...base, from: '+1 555 000 0000' });
    expect([noSender.status, noSender.body.error.code]).toEqual([404, 'channel_not_found']);
    const noHeader = await post('/v1/campaigns', { template: { name: 'pay_link', language: 'en_US' }, params: ['{{name}}'] });
    expect([noHeader.status, noHeader.body.error.message]).toEqual([400, expect.stringContaining('button 0')]);
    const mixed = await post('/v1/campaigns', { template: { name: 'habit_run', language: 'en' }, params: ['a', 'b'], message: 'Hi' });
    expect([mixed.status, mixed.body.error.details[0].field]).toEqual([400, 'message']);
    expect((await get('/v1/blasts/not-a-blast')).status).toBe(404);
  });
});
