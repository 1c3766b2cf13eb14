import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * One view of every send, end to end: single messages and a campaign run's recipients in `GET /v1/messages`
 * (paged across both without loss or repeats, filtered by campaign, run, tag, status), a campaign send by its
 * `r:<n>` id, and the provider's pricing from status webhooks kept per send and counted in the run's results.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-sends`;
const PHONE_NUMBER_ID = '106540352242977';
const CREDENTIALS = { wabaId: '102290129340477', accessToken: 'EAAG-sends-token', appSecret: 'sends-app-secret' };

interface Send {
  id: string;
  status: string;
  to: string;
  campaignId: string | null;
  runId: string | null;
  template: string | null;
  tags: string[];
  providerMessageId: string | null;
  pricing: { billable: boolean | null; category: string | null; pricingModel: string | null; type: string | null } | null;
  statuses: Array<{ status: string; at: string }>;
}

describe('every send in one view, with its pricing', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let campaignId: string;
  let runId: string;
  const singles: string[] = [];

  const post = (path: string, body: unknown) => api.as(key).post(path, body);
  const get = (path: string) => api.as(key).get(path);

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Sends view')).apiKey;
    sim = await startSimulator({
      templates: { approvalDelayMs: 200 },
      statuses: { latencyMs: 0, deliveredProbability: 1, readProbability: 1, duplicateProbability: 0, reorderProbability: 0 },
    });
    await addSimulatedChannel(post, sim, { phone: PHONE_NUMBER_ID, display: '+1 555 010 0977', rate: 40, tier: 'unlimited', credentials: CREDENTIALS, apiUrl });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, your order shipped.' }] },
    ]);
    worker = startWorker({ REDIS_PREFIX, CAMPAIGN_CHUNK_SIZE: '10', CAMPAIGN_RECONCILE_INTERVAL_MS: '1000' });

    for (const number of ['+447400600001', '+447400600002']) {
      const sent = await post('/v1/messages', { to: { number }, type: 'template', template: { name: 'order_update', language: 'en_US', params: ['Asha'] }, tags: ['orders'] });
      expect(sent.status).toBe(202);
      singles.push(sent.body.id as string);
    }
    const created = await post('/v1/campaigns', { title: 'Sends view', message: 'Hi {{name}}, our offer is back.' });
    expect(created.status).toBe(201);
    campaignId = created.body.campaignId as string;
    await waitFor(async () => (await get(`/v1/campaigns/${campaignId}`)).body.templateStatus, (s) => s === 'APPROVED', 15_000);
    const audience = ['+447400600011', '+447400600012', '+447400600013'];
    expect((await post('/v1/audiences', { id: 'sends-view', name: 'Sends view', contacts: audience.map((number) => ({ number, name: 'Guest' })) })).status).toBe(201);
    const started = await post(`/v1/campaigns/${campaignId}/runs`, { audiences: ['sends-view'] });
    expect(started.status).toBe(202);
    runId = started.body.runId as string;
    // Every send read: the statuses (and their pricing) have been applied.
    const read = await waitFor(async () => (await get(`/v1/campaigns/${campaignId}/results?runId=${runId}`)).body.read, (n) => n === 3, 30_000);
    if (read !== 3) throw new Error(`run not read: ${JSON.stringify((await get(`/v1/campaigns/${campaignId}/runs/${runId}`)).body)}\n${worker.output()}`);
    for (const id of singles) await waitFor(async () => (await get(`/v1/messages/${id}`)).body.status, (s) => s === 'read', 15_000);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('pages through single messages and campaign sends together, none lost or repeated', async () => {
    const seen: Send[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`/v1/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.data as Send[]));
      cursor = page.body.nextCursor as string | null;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen.map((s) => s.id).sort()).toEqual([...new Set(seen.map((s) => s.id))].sort());
    expect(seen).toHaveLength(5);
    expect(seen.filter((s) => s.campaignId === null).map((s) => s.id).sort()).toEqual([...singles].sort());
    const fromRun = seen.filter((s) => s.runId === runId);
    expect(fromRun).toHaveLength(3);
    for (const s of fromRun) expect(s).toMatchObject({ id: expect.stringMatching(/^r:\d+$/), campaignId, status: 'read', providerMessageId: expect.stringMatching(/^wamid\./) });
    // Newest first: the run started after both single messages were accepted.
    expect(seen.slice(0, 3).every((s) => s.runId === runId)).toBe(true);
  });

  it('filters by run, campaign, tag and status, and refuses filters it cannot read', async () => {
    const byRun = (await get(`/v1/messages?runId=${runId}`)).body.data as Send[];
    expect(byRun.map((s) => s.to).sort()).toEqual(['+447400600011', '+447400600012', '+447400600013']);
    expect(((await get(`/v1/messages?campaignId=${campaignId}&status=read`)).body.data as Send[]).length).toBe(3);
    expect(((await get(`/v1/messages?campaignId=${campaignId}&status=failed`)).body.data as Send[]).length).toBe(0);
    const tagged = (await get('/v1/messages?tag=orders')).body.data as Send[];
    expect(tagged.map((s) => s.id).sort()).toEqual([...singles].sort());
    expect(((await get('/v1/messages?number=%2B447400600012')).body.data as Send[]).map((s) => s.runId)).toEqual([runId]);
    expect((await get('/v1/messages?runId=not-a-run')).status).toBe(400);
    expect((await get('/v1/messages?cursor=bm9wZQ')).status).toBe(400);
  });

  it('shows one campaign send by its id, with every status and its pricing', async () => {
    const [first] = (await get(`/v1/messages?runId=${runId}&limit=1`)).body.data as Send[];
    const one = await get(`/v1/messages/${first!.id}`);
    expect(one.status).toBe(200);
    expect((one.body as Send).statuses.map((s) => s.status)).toEqual(['queued', 'sending', 'accepted', 'sent', 'delivered', 'read']);
    expect((one.body as Send).pricing).toMatchObject({ billable: true, category: 'marketing', pricingModel: 'PMP' });
    expect((await get('/v1/messages/r:999999999')).status).toBe(404);
  });

  it("keeps each single message's pricing, and counts a run's billable sends by category", async () => {
    const single = (await get(`/v1/messages/${singles[0]}`)).body as Send;
    expect(single.pricing).toMatchObject({ category: 'utility', pricingModel: 'PMP' });
    const results = (await get(`/v1/campaigns/${campaignId}/results?runId=${runId}`)).body;
    expect(results.billable).toEqual({ total: 3, byCategory: { marketing: 3 } });
    expect(results.sent).toBe(3);
  });
});
