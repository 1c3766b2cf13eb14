import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Templates the business already has, end to end: the API, a worker and the Cloud API simulator. Synced from the
 * provider and listed with filters and the parameters each needs; created with an image header fetched from a URL and
 * uploaded through the simulator's Resumable Upload API (a handle, never the URL, goes to the provider); followed by
 * status and quality webhooks; deleted. Template sends are refused before anything is queued when the template is
 * unknown, not approved, or given the wrong parameters.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-templates`;
const PHONE_NUMBER_ID = '106540352243011';
const CREDENTIALS = { wabaId: '102290129343011', accessToken: 'EAAG-templates-token', appSecret: 'templates-app-secret' };
// The smallest valid PNG: 1×1, one transparent pixel.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

interface Template {
  name: string;
  language: string;
  category: string;
  status: string;
  qualityScore: string | null;
  reason: string | null;
  channelIds: string[];
  components: Array<Record<string, unknown>>;
  parameters: { header: { kind: string; format?: string }; body: { count: number }; buttons: Array<{ index: number; type: string }> };
}

describe('templates, end to end', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let media: Server;
  let mediaUrl: string;
  let flakyRequests = 0;
  let mediaRequests = 0;
  let key: string;
  let channelId: string;

  const post = (path: string, body: unknown) => api.as(key).post(path, body);
  const get = (path: string) => api.as(key).get(path);
  const send = (name: string, extra: Record<string, unknown> = {}) =>
    post('/v1/messages', { to: { number: '+447400600001' }, type: 'template', template: { name, language: 'en_US', ...extra } });

  beforeAll(async () => {
    media = createServer((req, res) => {
      mediaRequests += 1;
      if (req.url === '/banner.png') res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
      else if (req.url === '/page.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<p>not an image</p>');
      else if (req.url === '/busy.png') res.writeHead(503).end();
      // Busy once, then there: a campaign's image host failing for a moment.
      else if (req.url === '/flaky.png' && (flakyRequests += 1) === 1) res.writeHead(503).end();
      else if (req.url === '/flaky.png') res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Templates')).apiKey;
    sim = await startSimulator({ templates: { approvalDelayMs: 300 } });
    channelId = await addSimulatedChannel(post, sim, { phone: PHONE_NUMBER_ID, display: '+1 555 010 3011', rate: 40, tier: 'unlimited', credentials: CREDENTIALS, apiUrl });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} shipped.' }] },
      { wabaId: CREDENTIALS.wabaId, name: 'order_update', language: 'es', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hola {{1}}, pedido {{2}}.' }] },
      {
        wabaId: CREDENTIALS.wabaId,
        name: 'spring_banner',
        language: 'en_US',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvcG5n:seeded'] } },
          { type: 'BODY', text: 'Hi {{1}}, spring is here.' },
          { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://shop.example.com/s/{{1}}' }, { type: 'QUICK_REPLY', text: 'Stop' }] },
        ],
      },
      { wabaId: CREDENTIALS.wabaId, name: 'old_offer', language: 'en_US', category: 'MARKETING', status: 'PAUSED', components: [{ type: 'BODY', text: 'Old offer' }] },
    ]);
    // The reconciler is kept out of the way: a run waiting for its template must start on the approval webhook itself.
    worker = startWorker({ REDIS_PREFIX, CAMPAIGN_RECONCILE_INTERVAL_MS: '600000' });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
    await new Promise((resolve) => media?.close(resolve));
  });

  it('syncs the account’s templates and lists them with filters and the parameters each needs', async () => {
    const synced = await post('/v1/templates/sync', {});
    expect(synced.status).toBe(200);
    expect(synced.body.accounts).toEqual([expect.objectContaining({ wabaId: CREDENTIALS.wabaId, ok: true, templates: 4 })]);

    const all = (await get('/v1/templates')).body as { data: Template[]; nextCursor: string | null };
    expect(all.data.map((t) => `${t.name}/${t.language}`)).toEqual(['old_offer/en_US', 'order_update/en_US', 'order_update/es', 'spring_banner/en_US']);
    expect(all.data[0]!.channelIds).toEqual([channelId]);

    const marketing = (await get('/v1/templates?category=marketing&status=APPROVED')).body as { data: Template[] };
    expect(marketing.data.map((t) => t.name)).toEqual(['spring_banner']);
    expect(marketing.data[0]!.parameters).toEqual({
      header: { kind: 'media', format: 'image' },
      body: { count: 1 },
      buttons: [{ index: 0, type: 'url' }],
    });

    const paged = (await get('/v1/templates?limit=3')).body as { data: Template[]; nextCursor: string };
    expect(paged.data).toHaveLength(3);
    const rest = (await get(`/v1/templates?limit=3&cursor=${paged.nextCursor}`)).body as { data: Template[]; nextCursor: string | null };
    expect([rest.data.map((t) => t.name), rest.nextCursor]).toEqual([['spring_banner'], null]);

    const one = await get('/v1/templates/order_update?language=es');
    expect([one.status, one.body.map((t: Template) => t.language)]).toEqual([200, ['es']]);
    expect((await get('/v1/templates/order_update')).body).toHaveLength(2);
    expect((await get('/v1/templates/nothing_here')).status).toBe(404);
    expect((await get('/v1/templates?limit=0')).status).toBe(400);
    expect((await get('/v1/templates?cursor=nope')).status).toBe(400);
    expect((await get('/v1/templates?channelId=not-a-uuid')).status).toBe(400);
  });

  it('refuses a template send that names no template, one not approved, or the wrong parameters, before queueing it', async () => {
    const unknown = await send('no_such_template', { params: ['Asha'] });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'template_not_found']);
    const wrongLanguage = await post('/v1/messages', { to: { number: '+447400600001' }, type: 'template', template: { name: 'order_update', language: 'fr', params: ['a', 'b'] } });
    expect([wrongLanguage.status, wrongLanguage.body.error.message]).toEqual([400, expect.stringContaining('it has en_US, es')]);

    const paused = await send('old_offer');
    expect([paused.status, paused.body.error.code, paused.body.error.message]).toEqual([409, 'template_not_approved', expect.stringContaining('PAUSED')]);

    const tooFew = await send('order_update', { params: ['Asha'] });
    expect([tooFew.status, tooFew.body.error.code, tooFew.body.error.message]).toEqual([400, 'template_parameters', expect.stringContaining('the body takes 2 parameters, 1 was given')]);

    const noHeader = await send('spring_banner', { params: ['Asha'] });
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.error.message).toContain('an image header');
    expect(noHeader.body.error.message).toContain('button 0');

    const messages = (await get('/v1/messages?template=order_update')).body.data as unknown[];
    expect(messages).toHaveLength(0); // nothing refused was queued

    const ok = await send('order_update', { params: ['Asha', '#1234'] });
    expect(ok.status).toBe(202);
    const banner = await send('spring_banner', {
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: `${mediaUrl}/banner.png` } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Asha' }] },
        { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text', text: 'spring-24' }] },
      ],
    });
    expect(banner.status).toBe(202);
    const sent = await waitFor(async () => (await get(`/v1/messages/${ok.body.id}`)).body, (m) => m.status === 'read', 15_000);
    expect(sent.status).toBe('read');
  });

  it('creates a template with an image header fetched from a URL and uploaded for a handle; follows its review and quality', async () => {
    const created = await post('/v1/templates', {
      channelId,
      name: 'autumn_banner',
      language: 'en_US',
      category: 'MARKETING',
      header: { format: 'image', url: `${mediaUrl}/banner.png` },
      body: { text: 'Hi {{1}}, autumn is here.', examples: ['Asha'] },
      footer: { text: 'Reply STOP to opt out' },
      buttons: [{ type: 'url', text: 'Shop', url: 'https://shop.example.com/a/{{1}}', example: 'https://shop.example.com/a/x1' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'autumn_banner', status: 'PENDING', category: 'MARKETING' });
    // The provider got a handle from its upload API, not the URL.
    const atProvider = (await sim.call('GET', `/_sim/templates?wabaId=${CREDENTIALS.wabaId}`)).body as { data: Array<{ name: string; components: Array<Record<string, unknown>> }> };
    const header = atProvider.data.find((t) => t.name === 'autumn_banner')!.components.find((c) => c['type'] === 'HEADER')!;
    const handle = (header['example'] as { header_handle: string[] }).header_handle[0]!;
    expect(handle).not.toContain('http');
    expect(handle.length).toBeGreaterThan(5);

    // Approved by the provider's review; its status webhook reaches the template through the worker.
    const approved = await waitFor(async () => ((await get('/v1/templates/autumn_banner')).body as Template[])[0]!, (t) => t.status === 'APPROVED', 15_000);
    expect(approved.parameters.header).toEqual({ kind: 'media', format: 'image' });
    expect(approved.qualityScore).toBe('UNKNOWN');
    const autumn = (to: string) =>
      post('/v1/messages', {
        to: { number: to },
        type: 'template',
        template: {
          name: 'autumn_banner',
          language: 'en_US',
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { link: `${mediaUrl}/banner.png` } }] },
            { type: 'body', parameters: [{ type: 'text', text: 'Asha' }] },
            { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text', text: 'a1' }] },
          ],
        },
      });
    const asMarketing = await autumn('+447400600201');
    expect(asMarketing.status).toBe(202);
    const firstSent = await waitFor(async () => (await get(`/v1/messages/${asMarketing.body.id}`)).body, (m) => m.status === 'read', 15_000);
    expect(firstSent.category).toBe('marketing');
    const firstSentAt = Date.now();

    // Quality and category as Meta changes them after approval, by webhook.
    const providerId = (approved as Template & { providerTemplateId: string }).providerTemplateId;
    expect((await sim.call('PUT', `/_sim/templates/${providerId}/quality`, { score: 'YELLOW' })).status).toBe(200);
    expect((await sim.call('PUT', `/_sim/templates/${providerId}/category`, { category: 'UTILITY' })).status).toBe(200);
    const changed = await waitFor(
      async () => ((await get('/v1/templates/autumn_banner')).body as Template[])[0]!,
      (t) => t.qualityScore === 'YELLOW' && t.category === 'UTILITY',
      15_000,
    );
    expect([changed.qualityScore, changed.category, changed.status]).toEqual(['YELLOW', 'UTILITY', 'APPROVED']);
    // Sends follow the new category within seconds (the adapter's own lookup would keep MARKETING for 5 minutes).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstSentAt + 5_500 - Date.now())));
    const asUtility = await autumn('+447400600202');
    const secondSent = await waitFor(async () => (await get(`/v1/messages/${asUtility.body.id}`)).body, (m) => m.status === 'read', 15_000);
    expect(secondSent.category).toBe('utility');

    const wrong = await post('/v1/templates', { name: 'bad_header', language: 'en_US', category: 'MARKETING', header: { format: 'image', url: `${mediaUrl}/page.html` }, body: { text: 'Hi' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'header_media_type']);
    const missing = await post('/v1/templates', { name: 'bad_header', language: 'en_US', category: 'MARKETING', header: { format: 'image', url: `${mediaUrl}/gone.png` }, body: { text: 'Hi' } });
    expect([missing.status, missing.body.error.code]).toEqual([400, 'header_media_unreadable']);
    // A host failing for now is not the user's mistake: 503, worth asking again.
    const busy = await post('/v1/templates', { name: 'bad_header', language: 'en_US', category: 'MARKETING', header: { format: 'image', url: `${mediaUrl}/busy.png` }, body: { text: 'Hi' } });
    expect([busy.status, busy.body.error.code]).toEqual([503, 'header_media_unavailable']);
    expect(busy.body.error.message).toContain('answered HTTP 503');
    expect((await get('/v1/templates/bad_header')).status).toBe(404);
    const badName = await post('/v1/templates', { name: 'Bad Name', language: 'english', category: 'PROMO', body: {} });
    expect(badName.status).toBe(400);
    expect([...new Set(badName.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual(['body.text', 'category', 'language', 'name']);
    const duplicate = await post('/v1/templates', { name: 'order_update', language: 'en_US', category: 'UTILITY', body: { text: 'Hi {{1}}', examples: ['A'] } });
    expect([duplicate.status, duplicate.body.error.code]).toEqual([400, 'template_refused']);
  });

  it('applies a pause from the provider’s webhook, then deletes a template at the provider and here', async () => {
    const [order] = (await get('/v1/templates/order_update?language=en_US')).body as Array<Template & { providerTemplateId: string }>;
    expect((await sim.call('PUT', `/_sim/templates/${order!.providerTemplateId}/status`, { status: 'PAUSED', reason: 'Low quality' })).status).toBe(200);
    const paused = await waitFor(async () => ((await get('/v1/templates/order_update?language=en_US')).body as Template[])[0]!, (t) => t.status === 'PAUSED', 15_000);
    expect(paused.status).toBe('PAUSED');
    expect((await send('order_update', { params: ['Asha', '#1'] })).status).toBe(409);

    expect((await api.http.delete('/v1/templates/order_update').set('x-api-key', key)).status).toBe(204);
    expect((await get('/v1/templates/order_update')).status).toBe(404);
    const left = (await sim.call('GET', `/_sim/templates?wabaId=${CREDENTIALS.wabaId}`)).body as { data: Array<{ name: string }> };
    expect(left.data.map((t) => t.name)).not.toContain('order_update');
    expect((await api.http.delete('/v1/templates/order_update').set('x-api-key', key)).status).toBe(404);
  });

  it('starts a run waiting for its campaign’s template as soon as the approval webhook is applied', async () => {
    await post('/v1/audiences', { id: 'tpl-audience', name: 'Template audience', contacts: [{ number: '+447400600101', name: 'Asha' }, { number: '+447400600102', name: 'Bo' }] });
    const created = await post('/v1/campaigns', { title: 'Approval start', message: 'Hi {{name}}, thanks for waiting.', channelId });
    expect(created.status).toBe(201);
    const campaignId = created.body.campaignId as string;
    const run = await post(`/v1/campaigns/${campaignId}/runs`, { audiences: ['tpl-audience'] });
    expect(run.status).toBe(202);
    const started = Date.now();
    const done = await waitFor(
      async () => (await get(`/v1/campaigns/${campaignId}/runs/${run.body.runId}`)).body as { status: string; counts: Record<string, number> },
      (r) => r.status === 'completed',
      20_000,
    );
    expect(done.status).toBe('completed');
    // Approval comes 300 ms after submission; the reconciler would not look for 10 minutes.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('registers an image campaign with a handle from the upload API, rejects one whose image cannot be read, and retries one whose image host failed for a moment', async () => {
    const withImage = await post('/v1/campaigns', { title: 'Banner campaign', message: 'Hi {{name}}, look.', imgUrl: `${mediaUrl}/banner.png`, channelId });
    expect(withImage.status).toBe(201);
    const approved = await waitFor(async () => (await get(`/v1/campaigns/${withImage.body.campaignId}`)).body, (c) => c.templateStatus !== 'PENDING', 15_000);
    expect(approved.templateStatus).toBe('APPROVED');
    const broken = await post('/v1/campaigns', { title: 'Broken banner', message: 'Hi {{name}}.', imgUrl: `${mediaUrl}/gone.png`, channelId });
    const rejected = await waitFor(async () => (await get(`/v1/campaigns/${broken.body.campaignId}`)).body, (c) => c.templateStatus !== 'PENDING', 15_000);
    expect(rejected.templateStatus).toBe('REJECTED');
    expect(rejected.templateReason).toContain('image');
    // An image host that fails for a moment: the template is submitted again (the job retries), not rejected.
    const flaky = await post('/v1/campaigns', { title: 'Flaky banner', message: 'Hi {{name}}.', imgUrl: `${mediaUrl}/flaky.png`, channelId });
    expect(flaky.status).toBe(201);
    const retried = await waitFor(async () => (await get(`/v1/campaigns/${flaky.body.campaignId}`)).body, (c) => c.templateStatus !== 'PENDING', 15_000);
    expect([retried.templateStatus, flakyRequests]).toEqual(['APPROVED', 2]);
  });

  it('refuses header media on loopback, metadata and private addresses with MEDIA_ALLOW_PRIVATE_URLS off: 400 naming why, nothing fetched', async () => {
    const strict = await startApi({ REDIS_PREFIX, MEDIA_ALLOW_PRIVATE_URLS: 'false' });
    try {
      const before = mediaRequests;
      for (const [url, kind] of [
        [`${mediaUrl}/banner.png`, 'a loopback address (127.0.0.1)'],
        ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'a cloud metadata address (169.254.169.254)'],
        ['http://10.0.0.5/banner.png', 'a private network address (10.0.0.5)'],
      ]) {
        const header = { format: 'image', url };
        const refused = await strict.as(key).post('/v1/templates', { name: 'guarded_banner', language: 'en_US', category: 'MARKETING', header, body: { text: 'Hi' } });
        expect([refused.status, refused.body.error.code]).toEqual([400, 'header_media_unreadable']);
        expect(refused.body.error.message).toContain(`points at ${kind}`);
        expect(refused.body.error.message).toContain('MEDIA_ALLOW_PRIVATE_URLS=true');
        expect(refused.body.error.details).toEqual([{ field: 'header.url', issue: expect.stringContaining(kind) }]);
      }
      expect(mediaRequests).toBe(before);
      expect((await get('/v1/templates/guarded_banner')).status).toBe(404);
    } finally {
      await strict.close();
    }
  });
});
