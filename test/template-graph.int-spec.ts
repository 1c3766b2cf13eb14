// The WhatsApp adapter's template management against the simulator's real HTTP server: what one side sends the
// other must take. Upload a header image (learning the app from GET /app), create an IMAGE-header template with the
// handle, list it back page by page with its quality, read the webhooks the simulator sends, delete it.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { parseWebhook, WhatsAppCloudAdapter, type WhatsAppCredentials } from '@herald/channels';
import { defaultRuntimeConfig, mergeRuntimeConfig } from '../apps/simulator/src/simulator.config';
import { SimulatorServer } from '../apps/simulator/src/simulator-server.service';
import { Simulator } from '../apps/simulator/src/simulator.service';
import type { WebhookPost } from '../apps/simulator/src/webhook-delivery.service';

const PHONE = '106540352242922';
const WABA = '102290129340398';
const TOKEN = 'EAA-template-graph';

let simulator: Simulator;
let server: SimulatorServer;
let adapter: WhatsAppCloudAdapter;
let credentials: WhatsAppCredentials;
const posts: WebhookPost[] = [];

beforeAll(async () => {
  const merged = mergeRuntimeConfig(defaultRuntimeConfig(), { seed: 1, templates: { approvalDelayMs: 0 } });
  if (!merged.ok) throw new Error(merged.problems.join('; '));
  simulator = new Simulator({ config: merged.config });
  jest.spyOn(simulator.delivery, 'post').mockImplementation((post: WebhookPost) => {
    posts.push(post);
  });
  server = new SimulatorServer(simulator);
  const { port } = await server.listen(0, '127.0.0.1');
  const registered = await fetch(`http://127.0.0.1:${port}/_sim/phone-numbers/${PHONE}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      wabaId: WABA,
      displayPhoneNumber: '+1 555 078 3881',
      accessToken: TOKEN,
      appSecret: 'template-graph-secret',
      webhookUrl: 'http://127.0.0.1:1/hook',
    }),
  });
  expect(registered.status).toBe(201);
  adapter = new WhatsAppCloudAdapter({ requestTimeoutMs: 5_000 });
  credentials = { graphBaseUrl: `http://127.0.0.1:${port}/v26.0`, phoneNumberId: PHONE, wabaId: WABA, accessToken: TOKEN };
});

afterAll(async () => {
  await adapter.close();
  await server.close(500);
});

describe('template management: adapter ↔ simulator', () => {
  let handle: string;
  let templateId: string;

  it('uploads a header image through the Resumable Upload API, the app learned from GET /app', async () => {
    const uploaded = await adapter.uploadMedia(credentials, {
      bytes: new Uint8Array(2_048).fill(0xff),
      mimeType: 'image/jpeg',
      fileName: 'sale.jpg',
    });
    expect(uploaded).toEqual({ ok: true, handle: expect.stringMatching(/^4::/) });
    handle = uploaded.ok ? uploaded.handle : '';
  });

  it('creates an IMAGE-header template with the handle; a URL is refused as Meta refuses it', async () => {
    const refused = await adapter.createTemplate(credentials, {
      name: 'spring_sale',
      language: 'en_US',
      category: 'MARKETING',
      header: { format: 'image', exampleHandle: 'https://example.com/sale.jpg' },
      body: { text: 'Spring sale, {{1}}!', examples: ['Ann'] },
    });
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: '100', retriable: false }) });

    const created = await adapter.createTemplate(credentials, {
      name: 'spring_sale',
      language: 'en_US',
      category: 'MARKETING',
      header: { format: 'image', exampleHandle: handle },
      body: { text: 'Spring sale, {{1}}!', examples: ['Ann'] },
    });
    // approvalDelayMs 0: reviewed (approved) before the answer.
    expect(created).toMatchObject({ ok: true, template: { id: expect.any(String), status: 'APPROVED' } });
    templateId = created.ok ? created.template.id : '';
  });

  it('lists the templates page by page with their quality and components', async () => {
    for (const language of ['de', 'fr', 'es']) {
      const more = await adapter.createTemplate(credentials, {
        name: 'order_update',
        language,
        category: 'UTILITY',
        body: { text: 'Order {{1}}', examples: ['42'] },
      });
      expect(more.ok).toBe(true);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const listed = await adapter.listTemplates(credentials, { limit: 3, ...(after === undefined ? {} : { after }) });
      if (!listed.ok) throw new Error(listed.error.details);
      seen.push(...listed.templates.map((t) => `${t.name}/${t.language}`));
      after = listed.next;
      if (after === undefined) break;
    }
    expect(seen).toEqual(['spring_sale/en_US', 'order_update/de', 'order_update/fr', 'order_update/es']);

    const first = await adapter.listTemplates(credentials, { limit: 1 });
    expect(first).toMatchObject({
      ok: true,
      next: expect.any(String),
      templates: [
        {
          id: templateId,
          name: 'spring_sale',
          category: 'MARKETING',
          status: 'APPROVED',
          qualityScore: 'UNKNOWN',
          parameterFormat: 'positional',
          components: [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: [handle] } }, { type: 'BODY' }],
        },
      ],
    });
  });

  it('sends quality and category webhooks that parseWebhook reads', async () => {
    posts.length = 0;
    expect(simulator.setTemplateQuality(templateId, 'YELLOW')?.webhook).toBe(true);
    expect(simulator.setTemplateCategory(templateId, 'UTILITY')?.webhook).toBe(true);
    const parsed = posts.map((post) => parseWebhook(JSON.parse(JSON.stringify(post.payload))));
    expect(parsed.flatMap((p) => p.problems)).toEqual([]);
    expect(parsed.flatMap((p) => p.templateQualityUpdates)).toEqual([
      expect.objectContaining({ wabaId: WABA, templateId, previousQualityScore: 'UNKNOWN', newQualityScore: 'YELLOW' }),
    ]);
    expect(parsed.flatMap((p) => p.templateCategoryUpdates)).toEqual([
      expect.objectContaining({ templateId, kind: 'completed', previousCategory: 'MARKETING', newCategory: 'UTILITY' }),
    ]);
  });

  it('deletes one language by id, then every language of a name; an unknown name is refused', async () => {
    const listed = await adapter.listTemplates(credentials);
    const fr = listed.ok ? listed.templates.find((t) => t.language === 'fr') : undefined;
    expect(await adapter.deleteTemplate(credentials, { name: 'order_update', id: fr!.id })).toEqual({ ok: true });
    expect(await adapter.deleteTemplate(credentials, { name: 'spring_sale' })).toEqual({ ok: true });
    const left = await adapter.listTemplates(credentials);
    expect(left.ok && left.templates.map((t) => `${t.name}/${t.language}`)).toEqual(['order_update/de', 'order_update/es']);
    expect(await adapter.deleteTemplate(credentials, { name: 'spring_sale' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: '100' }),
    });
  });
});
