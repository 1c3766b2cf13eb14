import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ALL_QUEUES } from '@herald/queues';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from './support/api-harness';
import { testApiConfig } from './support/test-env';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  responses: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown }> }>;
  requestBody?: { content: Record<string, { schema?: unknown; examples?: unknown; example?: unknown }> };
}

/** Every route the Nest app registered, as `METHOD /path` with `{param}` placeholders. */
function registeredRoutes(api: ApiHarness): string[] {
  const discovery = api.app.get(DiscoveryService);
  const scanner = api.app.get(MetadataScanner);
  const reflector = api.app.get(Reflector);
  const routes: string[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const base = String(reflector.get(PATH_METADATA, wrapper.metatype) ?? '');
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as object;
      const path = reflector.get<string | undefined>(PATH_METADATA, handler as never);
      const method = reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler as never);
      if (path === undefined || method === undefined) continue;
      const full = `/${[base, path].map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`.replace(/:([A-Za-z]+)/g, '{$1}');
      routes.push(`${RequestMethod[method]} ${full}`);
    }
  }
  return routes.sort();
}

describe('operations endpoints', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('documents every route in OpenAPI 3 with a summary, schemas and an example', async () => {
    const res = await api.http.get('/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = res.body.paths as Record<string, Record<string, OpenApiOperation>>;
    const documented = Object.entries(paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const routes = registeredRoutes(api);
    expect(routes.length).toBeGreaterThanOrEqual(7);
    expect(documented).toEqual(routes);

    const schemas = JSON.stringify(res.body.components?.schemas ?? {});
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, op.summary?.length ?? 0]).not.toEqual([where, 0]);
        const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
        expect([where, success.length]).not.toEqual([where, 0]);
        const withContent = success.filter(([, r]) => r.content);
        // Each response body has a schema, and the schema (or the response) carries an example.
        for (const [, r] of withContent) {
          for (const media of Object.values(r.content!)) {
            expect([where, media.schema !== undefined]).toEqual([where, true]);
            const text = JSON.stringify(media) + (JSON.stringify(media.schema).includes('$ref') ? schemas : '');
            expect([where, text.includes('"example')]).toEqual([where, true]);
          }
        }
        if (op.requestBody) {
          for (const media of Object.values(op.requestBody.content)) {
            const text = JSON.stringify(media) + (JSON.stringify(media.schema).includes('$ref') ? schemas : '');
            expect([where, /"examples?"/.test(text)]).toEqual([where, true]);
          }
        }
      }
    }
    // Each vendor surface under its own tag, with its vendor's auth scheme declared.
    const vendorTags = new Map<string, Set<string>>();
    for (const [path, ops] of Object.entries(paths)) {
      const vendor = /^\/compat\/([^/]+)\//.exec(path)?.[1];
      if (!vendor) continue;
      for (const op of Object.values(ops)) vendorTags.set(vendor, new Set([...(vendorTags.get(vendor) ?? []), ...(op.tags ?? [])]));
    }
    expect(Object.fromEntries([...vendorTags].map(([vendor, tags]) => [vendor, [...tags]]))).toEqual({
      whautochat: ['compat: WhautoChat'],
      chitchatlabs: ['compat: ChitChatLabs'],
      chatinc: ['compat: Chat Inc'],
      bird: ['compat: Bird'],
      engagelab: ['compat: EngageLab'],
      'cloud-api': ['compat: Meta Cloud API'],
    });
    expect(Object.keys(res.body.components?.securitySchemes ?? {}).sort()).toEqual(
      ['AccessKey', 'Authorization', 'admin-token', 'api-key', 'basic', 'x-api-key', 'x-tenant-api-key'].sort(),
    );
    const ui = await api.http.get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('exposes Prometheus metrics: HTTP latency and queue depth for every queue', async () => {
    await api.http.get('/health');
    const res = await api.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(/herald_http_request_duration_seconds_bucket\{.*route="\/health".*\}/);
    for (const queue of ALL_QUEUES) {
      expect(res.text).toContain(`herald_queue_jobs{queue="${queue}",state="waiting"}`);
      expect(res.text).toContain(`herald_queue_jobs{queue="${queue}",state="failed"}`);
      expect(res.text).toMatch(new RegExp(`^herald_queue_jobs_processed_total\\{queue="${queue}",result="completed"\\} \\d+$`, 'm'));
      expect(res.text).toMatch(new RegExp(`^herald_queue_jobs_processed_total\\{queue="${queue}",result="failed"\\} \\d+$`, 'm'));
      expect(res.text).toMatch(new RegExp(`^herald_queue_jobs_last_minute\\{queue="${queue}",result="completed"\\} \\d+$`, 'm'));
    }
  });

  it('counts the webhook events set aside, and tells how long the oldest waiting one has waited', async () => {
    const gauge = (text: string, name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
    const db = api.app.get(DataSource);
    const before = (await api.http.get('/metrics')).text;
    expect(gauge(before, 'herald_webhook_events_failed')).toBeGreaterThanOrEqual(0);
    expect(gauge(before, 'herald_webhook_events_oldest_waiting_seconds')).toBeGreaterThanOrEqual(0);
    const channelId = '00000000-0000-4000-8000-00000000c0de';
    const [{ id }] = (await db.query(
      `INSERT INTO webhook_events_failed (id, channel_id, body, received_at, error) VALUES ((SELECT coalesce(max(id), 0) + 1000000 FROM webhook_events_failed), $1, '{}', now(), 'a test') RETURNING id`,
      [channelId],
    )) as Array<{ id: string }>;
    const [{ id: waiting }] = (await db.query(`INSERT INTO webhook_events (channel_id, body, received_at) VALUES ($1, '{}', now() - interval '90 seconds') RETURNING id`, [channelId])) as Array<{ id: string }>;
    try {
      const after = (await api.http.get('/metrics')).text;
      expect(gauge(after, 'herald_webhook_events_failed')).toBe(gauge(before, 'herald_webhook_events_failed') + 1);
      expect(gauge(after, 'herald_webhook_events_oldest_waiting_seconds')).toBeGreaterThanOrEqual(90);
    } finally {
      await db.query('DELETE FROM webhook_events_failed WHERE id = $1', [id]);
      await db.query('DELETE FROM webhook_events WHERE id = $1', [waiting]);
    }
  });

  it('guards Bull Board with basic auth and shows every queue', async () => {
    const config = testApiConfig();
    const none = await api.http.get('/admin/queues');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic/);
    const wrong = await api.http.get('/admin/queues').auth(config.bullBoardUser, 'wrong-password');
    expect(wrong.status).toBe(401);
    const page = await api.http.get('/admin/queues').auth(config.bullBoardUser, config.bullBoardPassword);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    const queues = await api.http.get('/admin/queues/api/queues').auth(config.bullBoardUser, config.bullBoardPassword);
    expect(queues.status).toBe(200);
    const names = (queues.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
    expect(names).toEqual([...ALL_QUEUES].sort());
  });
});

/** The value of one `herald_queue_jobs_processed_total` series in a /metrics text (0 when absent). */
function processedTotal(text: string, queue: string, result: 'completed' | 'failed'): number {
  const line = new RegExp(`^herald_queue_jobs_processed_total\\{queue="${queue}",result="${result}"\\} (\\d+)$`, 'm').exec(text);
  return line ? Number(line[1]) : 0;
}

describe('jobs processed per queue in /metrics', () => {
  const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-queue-metrics`;
  const PHONE_NUMBER_ID = '106540352242988';
  const CREDENTIALS = { wabaId: '102290129340488', accessToken: 'EAAG-metrics-token', appSecret: 'metrics-app-secret' };
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  const post = (path: string, body: unknown) => api.as(key).post(path, body);
  const metrics = async () => (await api.http.get('/metrics')).text;

  beforeAll(async () => {
    [api, sim] = await Promise.all([startApi({ REDIS_PREFIX }), startSimulator()]);
    key = (await api.createWorkspace('Queue metrics')).apiKey;
    await addSimulatedChannel(post, sim, { phone: PHONE_NUMBER_ID, display: '+1 555 010 0488', rate: 50, tier: 'unlimited', credentials: CREDENTIALS });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'shipped', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, it shipped.' }] },
    ]);
    // Every queue but imports: /metrics then counts one worker on each of them and none on imports.
    worker = startWorker({ REDIS_PREFIX, WORKER_QUEUES: 'campaigns,messages,webhooks,callbacks,maintenance' });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('counts the jobs a queue finished: the messages queue\'s completed total rises once a message is sent', async () => {
    const before = processedTotal(await metrics(), 'messages', 'completed');
    const res = await post('/v1/messages', { to: { number: '+447400800488' }, type: 'template', template: { name: 'shipped', language: 'en_US', params: ['Asha'] } });
    expect(res.status).toBe(202);
    const sent = await waitFor(
      async () => (await api.as(key).get(`/v1/messages/${res.body.id as string}`)).body.status as string,
      (status) => !['queued', 'sending'].includes(status),
      15_000,
    );
    // Accepted by the provider: the worker's send job is done (no status webhooks come back here, the API is not listening).
    expect(sent).toBe('accepted');
    const after = await waitFor(metrics, (text) => processedTotal(text, 'messages', 'completed') > before, 5_000);
    expect(processedTotal(after, 'messages', 'completed')).toBe(before + 1);
    expect(processedTotal(after, 'messages', 'failed')).toBe(0);
  }, 30_000);

  it('counts the worker processes draining each queue, and none on a queue no worker drains', async () => {
    const workersOn = (text: string, queue: string) => Number(new RegExp(`^herald_queue_workers\\{queue="${queue}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    const text = await waitFor(metrics, (t) => workersOn(t, 'messages') === 1 && workersOn(t, 'imports') === 0, 10_000);
    for (const queue of ['campaigns', 'messages', 'webhooks', 'callbacks', 'maintenance']) expect([queue, workersOn(text, queue)]).toEqual([queue, 1]);
    expect(workersOn(text, 'imports')).toBe(0);
  }, 30_000);
});
