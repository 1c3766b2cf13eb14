import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { CallbackOutbox } from '@herald/callbacks';
import { startApi, type ApiHarness } from './support/api-harness';
import { startWorker, waitFor, type ChildHarness } from './support/process-harness';

/**
 * Callbacks end to end: the API, a worker (retry base 100 ms) and a receiver on 127.0.0.1 that checks every delivery
 * with the verification snippet of docs/CALLBACKS.md — the block itself, read from the file — so the docs cannot drift
 * from what Herald sends.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-callbacks`;

type Verify = (
  rawBody: Buffer | string,
  header: string | undefined,
  secrets: string | string[],
  toleranceSeconds?: number,
) => boolean;

/** The ```js block after the verify-snippet marker in docs/CALLBACKS.md, as a function. */
function docsVerifier(): Verify {
  const doc = readFileSync('docs/CALLBACKS.md', 'utf8');
  const block = /<!-- verify-snippet[^>]*-->\s*```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/CALLBACKS.md has no verify-snippet block');
  const require = (name: string): unknown => {
    if (name === 'node:crypto') return crypto;
    throw new Error(`the snippet requires ${name}`);
  };
  return new Function('require', `${block}\nreturn verifyHerald;`)(require) as Verify;
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: { id: string; type: string; createdAt: string; workspaceId: string; data: Record<string, unknown> };
}

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  secret?: string;
}

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

describe('callbacks, end to end', () => {
  const verify = docsVerifier();
  let api: ApiHarness;
  let strict: ApiHarness;
  let worker: ChildHarness;
  let receiver: Server;
  let base: string;
  let db: DataSource;
  let key: string;
  let workspaceId: string;
  const received: Received[] = [];
  /** Per path: the statuses to answer next, in order (then 200). */
  const script = new Map<string, number[]>();
  /** Paths that answer 500 until removed. */
  const down = new Set<string>();
  /** Paths whose next request gets no answer (held open). */
  const hang = new Set<string>();
  const held: Array<{ end(): void }> = [];

  const as = () => api.as(key);
  const del = (path: string) => api.http.delete(path).set('x-api-key', key);
  const create = async (path: string, events = ['message.status']): Promise<Endpoint> => {
    const res = await as().post('/v1/webhook-endpoints', { url: `${base}${path}`, events, description: path });
    expect(res.status).toBe(201);
    return res.body as Endpoint;
  };
  const deliveries = async (id: string, query = '', apiKey = key): Promise<Delivery[]> =>
    (await api.as(apiKey).get(`/v1/webhook-endpoints/${id}/deliveries${query}`)).body.data as Delivery[];
  const at = (path: string) => received.filter((r) => r.path === path);
  /** The envelopes a batched POST carried. */
  const eventsOf = (r: Received) => (r.body as unknown as { events: Array<Received['body']> }).events;
  /** A workspace of its own with one `message.status` endpoint batching up to `batchSize`, and a way to produce for it. */
  const batchingEndpoint = async (name: string, path: string, batchSize: number) => {
    const ws = await api.createWorkspace(name);
    const res = await api
      .as(ws.apiKey)
      .post('/v1/webhook-endpoints', { url: `${base}${path}`, events: ['message.status'], batchSize });
    expect(res.status).toBe(201);
    const outbox = api.app.get(CallbackOutbox);
    /** `message.status` events with these datas, recorded in one transaction (one claim takes them all), then kicked. */
    const produce = async (datas: Array<Record<string, unknown>>, occurredAt: (i: number) => Date = () => new Date()) =>
      outbox.kick(
        await db.transaction((m) =>
          outbox.record(
            m,
            datas.map((data, i) => ({ workspaceId: ws.id, type: 'message.status' as const, occurredAt: occurredAt(i), data })),
          ),
        ),
      );
    return { ws, ep: res.body as Endpoint, produce };
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const path = req.url ?? '/';
        received.push({ path, headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) as Received['body'] });
        if (hang.delete(path)) {
          held.push(res);
          return;
        }
        const next = script.get(path)?.shift();
        const status = down.has(path) ? 500 : (next ?? 200);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver says no');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    api = await startApi({ REDIS_PREFIX });
    strict = await startApi({ REDIS_PREFIX, CALLBACK_ALLOW_PRIVATE_URLS: 'false' });
    db = api.app.get(DataSource);
    const ws = await api.createWorkspace('Callbacks');
    key = ws.apiKey;
    workspaceId = ws.id;
    worker = startWorker({ REDIS_PREFIX, CALLBACK_RETRY_BASE_MS: '100' });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await strict?.close();
    await api?.close();
    for (const res of held) res.end();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('creates, lists, shows, changes and deletes endpoints, showing the secret only on creation', async () => {
    const created = await create('/crud', ['message.status', 'run.status']);
    expect(created.secret).toMatch(/^whsec_/);
    expect(created).toMatchObject({
      url: `${base}/crud`,
      events: ['message.status', 'run.status'],
      batchSize: 1,
      enabled: true,
      disabledReason: null,
      failingSince: null,
    });

    const one = await as().get(`/v1/webhook-endpoints/${created.id}`);
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    const list = await as().get('/v1/webhook-endpoints');
    expect(list.body.data.map((e: Endpoint) => e.id)).toContain(created.id);
    expect(JSON.stringify(list.body)).not.toContain(created.secret);

    const changed = await as().patch(`/v1/webhook-endpoints/${created.id}`, {
      events: ['template.status'],
      description: null,
      enabled: false,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      events: ['template.status'],
      description: null,
      enabled: false,
      disabledReason: 'disabled through the API',
    });
    const enabled = await as().patch(`/v1/webhook-endpoints/${created.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });

    expect((await del(`/v1/webhook-endpoints/${created.id}`)).status).toBe(204);
    expect((await as().get(`/v1/webhook-endpoints/${created.id}`)).status).toBe(404);
    expect((await del(`/v1/webhook-endpoints/${created.id}`)).status).toBe(404);
  });

  it('answers bad input with 400 and unknown ids with 404, in the one error shape', async () => {
    const unknownType = await as().post('/v1/webhook-endpoints', { url: `${base}/x`, events: ['message.sent'] });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.code).toBe('validation_failed');
    expect((await as().post('/v1/webhook-endpoints', { url: `${base}/x`, events: [] })).status).toBe(400);
    const ftp = await as().post('/v1/webhook-endpoints', { url: 'ftp://example.com/x', events: ['message.status'] });
    expect(ftp.status).toBe(400);
    expect(ftp.body.error.code).toBe('invalid_callback_url');
    expect(
      (await as().post('/v1/webhook-endpoints', { url: 'https://u:p@example.com/', events: ['message.status'] })).body.error
        .message,
    ).toMatch(/credentials/);
    expect((await as().get('/v1/webhook-endpoints/not-a-uuid')).status).toBe(404);
    expect((await as().get('/v1/webhook-endpoints/3f1c2a10-5b0e-4a8e-9d53-2f6f1f3c2a10')).status).toBe(404);
    const ep = await create('/bad-input');
    expect((await as().get(`/v1/webhook-endpoints/${ep.id}/deliveries?status=lost`)).status).toBe(400);
    expect((await as().get(`/v1/webhook-endpoints/${ep.id}/deliveries?cursor=nonsense!`)).status).toBe(400);
    expect((await as().post(`/v1/webhook-endpoints/${ep.id}/deliveries/99999999/redeliver`, {})).status).toBe(404);
    expect((await as().post(`/v1/webhook-endpoints/${ep.id}/deliveries/abc/redeliver`, {})).status).toBe(404);
    expect(
      (await as().post(`/v1/webhook-endpoints/${ep.id}/redeliver`, { from: 'yesterday', to: '2026-12-04T00:00:00Z' })).status,
    ).toBe(400);
    expect(
      (await as().post(`/v1/webhook-endpoints/${ep.id}/redeliver`, { from: '2026-12-05T00:00:00Z', to: '2026-12-04T00:00:00Z' }))
        .status,
    ).toBe(400);
    // Another workspace's endpoint is not found, exactly like one that does not exist.
    const other = await api.createWorkspace('Callbacks other');
    expect((await api.as(other.apiKey).get(`/v1/webhook-endpoints/${ep.id}`)).status).toBe(404);
  });

  it('takes batchSize 1 to 100 on a herald endpoint only, and answers anything else with a 400 naming the field', async () => {
    const post = (body: Record<string, unknown>) =>
      as().post('/v1/webhook-endpoints', { url: `${base}/batch-input`, events: ['message.status'], ...body });
    for (const batchSize of [0, 101, 2.5, '5', true]) {
      const res = await post({ batchSize });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(res.body.error)).toContain('batchSize');
    }
    const vendor = await post({ batchSize: 5, format: 'engagelab' });
    expect(vendor.status).toBe(400);
    expect(vendor.body.error.code).toBe('batching_unsupported_for_format');

    const ok = await post({ batchSize: 100 });
    expect(ok.status).toBe(201);
    expect(ok.body.batchSize).toBe(100);
    expect((await as().get(`/v1/webhook-endpoints/${ok.body.id as string}`)).body.batchSize).toBe(100);
    // A vendor format cannot be switched on while the endpoint batches, nor batching on a vendor format.
    const toVendor = await as().patch(`/v1/webhook-endpoints/${ok.body.id as string}`, { format: 'engagelab' });
    expect(toVendor.status).toBe(400);
    expect(toVendor.body.error.code).toBe('batching_unsupported_for_format');
    const both = await as().patch(`/v1/webhook-endpoints/${ok.body.id as string}`, { format: 'engagelab', batchSize: 1 });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ format: 'engagelab', batchSize: 1 });
    const onVendor = await as().patch(`/v1/webhook-endpoints/${ok.body.id as string}`, { batchSize: 2 });
    expect(onVendor.status).toBe(400);
    expect(onVendor.body.error.code).toBe('batching_unsupported_for_format');
    expect((await as().patch(`/v1/webhook-endpoints/${ok.body.id as string}`, { batchSize: 0 })).status).toBe(400);
  });

  it('posts the events due together in batches of batchSize, signed once (verified with the docs snippet), each once', async () => {
    const { ws, ep, produce } = await batchingEndpoint('Callbacks batches', '/batches', 3);
    // The receiver's first answer is a 500: the whole POST is one failed attempt for each event it carried.
    script.set('/batches', [500]);
    // One transaction: the first claim after its commit takes all seven.
    await produce(
      Array.from({ length: 7 }, (_, i) => ({ messageId: `m${i}`, status: 'delivered' })),
      (i) => new Date(Date.UTC(2026, 11, 3, 10, 0, i)),
    );

    const log = await waitFor(
      () => deliveries(ep.id, '?limit=50', ws.apiKey),
      (d) => d.length === 7 && d.every((x) => x.status === 'delivered'),
      20_000,
    );
    const posts = at('/batches');
    for (const r of posts) {
      expect(verify(r.raw, r.headers['herald-signature'] as string, ep.secret!)).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['herald-event-id']).toBeUndefined();
      expect(r.headers['herald-event-type']).toBeUndefined();
      expect(r.headers['user-agent']).toBe('Herald-Callbacks/1');
      const batch = eventsOf(r);
      expect(Object.keys(r.body)).toEqual(['events']);
      expect(r.headers['herald-event-count']).toBe(String(batch.length));
      expect(batch.length).toBeGreaterThanOrEqual(1);
      expect(batch.length).toBeLessThanOrEqual(3);
      for (const e of batch)
        expect(e).toMatchObject({ type: 'message.status', workspaceId: ws.id, data: { status: 'delivered' } });
    }
    const ids = (rs: Received[]) => rs.flatMap((r) => eventsOf(r).map((e) => e.id));
    // The first claim took all seven: three POSTs at once (3, 3 and 1 events), the first answered 500. Its events
    // came again under the same ids (each delivery keeps its own backoff, so perhaps in more than one POST); every
    // event was delivered by a 2xx exactly once.
    const firstRound = posts.slice(0, 3);
    expect(firstRound.map((r) => ids([r]).length).sort()).toEqual([1, 3, 3]);
    const failed = posts[0]!;
    const retries = posts.slice(3);
    expect(ids(retries).sort()).toEqual(ids([failed]).sort());
    const delivered = [...posts.slice(1, 3), ...retries];
    expect(ids(delivered).sort()).toEqual(log.map((d) => d.eventId).sort());
    expect(new Set(ids(delivered)).size).toBe(7);
    const failedOnce = new Set(ids([failed]));
    for (const d of log) {
      expect(d).toMatchObject({ status: 'delivered', lastStatusCode: 200, lastError: null });
      expect(d.attempts).toBe(failedOnce.has(d.eventId) ? 2 : 1);
    }
    // A ping to a batching endpoint comes in the same shape, a batch of one.
    const ping = await api.as(ws.apiKey).post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    const pinged = await waitFor(
      async () => at('/batches'),
      (r) => r.length === posts.length + 1,
    );
    const last = pinged.at(-1)!;
    expect(eventsOf(last).map((e) => [e.id, e.type])).toEqual([[ping.body.eventId, 'ping']]);
    expect(verify(last.raw, last.headers['herald-signature'] as string, ep.secret!)).toBe(true);
  });

  it('keeps a batch within 64 KB of envelopes, so large events go in smaller batches (alone when one is that big)', async () => {
    const { ep, produce } = await batchingEndpoint('Callbacks large batches', '/large', 100);
    // Five events of ~25 KB (two fit in 64 KB, three do not) and one of 70 KB, recorded together.
    const sized = (i: number, bytes: number) => ({
      messageId: `big${i}`,
      status: 'sent',
      customArgs: { pad: 'x'.repeat(bytes) },
    });
    await produce([...Array.from({ length: 5 }, (_, i) => sized(i, 25_000)), sized(5, 70_000)]);
    const posts = await waitFor(
      async () => at('/large'),
      (r) => r.flatMap((p) => eventsOf(p)).length >= 6,
    );
    const sizes = posts.map((p) => eventsOf(p));
    for (const p of posts) {
      expect(verify(p.raw, p.headers['herald-signature'] as string, ep.secret!)).toBe(true);
      const batch = eventsOf(p);
      // Over 64 KB only when it is one event alone.
      if (batch.length > 1) expect(p.raw.length).toBeLessThanOrEqual(64 * 1024 + 32);
    }
    expect(
      sizes
        .flat()
        .map((e) => e.data.messageId)
        .sort(),
    ).toEqual(['big0', 'big1', 'big2', 'big3', 'big4', 'big5']);
    expect(sizes.map((b) => b.length).sort()).toEqual([1, 1, 2, 2]);
    expect(sizes.find((b) => b.some((e) => e.data.messageId === 'big5'))).toHaveLength(1);
  });

  it('opens the circuit of a batching endpoint that fails whole, probes it with a batch of one, then delivers the rest', async () => {
    const { ws, ep, produce } = await batchingEndpoint('Callbacks batches down', '/batch-down', 10);
    down.add('/batch-down');
    await produce(Array.from({ length: 5 }, (_, i) => ({ messageId: `down${i}`, status: 'read' })));
    const failing = await waitFor(
      () =>
        api
          .as(ws.apiKey)
          .get(`/v1/webhook-endpoints/${ep.id}`)
          .then((r) => r.body as Endpoint),
      (e) => e.failingSince !== null,
    );
    expect(failing.failingSince).toEqual(expect.any(String));
    // The first batch carried all five; while the endpoint fails, each later request is a probe of one event.
    const tries = await waitFor(
      async () => at('/batch-down'),
      (r) => r.length >= 3,
      20_000,
    );
    const sizes = tries.map((r) => eventsOf(r).length);
    expect(sizes[0]).toBe(5);
    expect(sizes.slice(1).every((n) => n === 1)).toBe(true);
    down.delete('/batch-down');
    const log = await waitFor(
      () => deliveries(ep.id, '?limit=50', ws.apiKey),
      (d) => d.length === 5 && d.every((x) => x.status === 'delivered'),
      20_000,
    );
    expect(log.every((d) => d.attempts >= 2)).toBe(true);
    expect((await api.as(ws.apiKey).get(`/v1/webhook-endpoints/${ep.id}`)).body.failingSince).toBeNull();
  });

  it('delivers a test ping, signed (verified with the docs snippet), with the headers and envelope documented', async () => {
    const ep = await create('/ping');
    const ping = await as().post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    expect(ping.status).toBe(202);
    const got = await waitFor(
      async () => at('/ping'),
      (r) => r.length === 1,
    );
    expect(got).toHaveLength(1);
    const r = got[0]!;
    expect(r.body).toEqual({
      id: ping.body.eventId,
      type: 'ping',
      createdAt: expect.any(String),
      workspaceId,
      data: { endpointId: ep.id, message: expect.any(String) },
    });
    expect(r.headers['herald-event-id']).toBe(ping.body.eventId);
    expect(r.headers['herald-event-type']).toBe('ping');
    expect(r.headers['user-agent']).toBe('Herald-Callbacks/1');
    expect(r.headers['content-type']).toBe('application/json');
    const header = r.headers['herald-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(r.raw, header, ep.secret!)).toBe(true);
    expect(verify(r.raw, header, 'whsec_someone-else')).toBe(false);
    expect(verify(Buffer.from(r.raw.toString().replace('ping', 'pong')), header, ep.secret!)).toBe(false);
    // A replay: the same bytes and header, five minutes and more later.
    const t = Number(/t=(\d+)/.exec(header)![1]);
    const realNow = Date.now;
    try {
      Date.now = () => (t + 301) * 1000;
      expect(verify(r.raw, header, ep.secret!)).toBe(false);
    } finally {
      Date.now = realNow;
    }
    const log = await waitFor(
      () => deliveries(ep.id),
      (d) => d[0]?.status === 'delivered',
    );
    expect(log[0]).toMatchObject({
      id: ping.body.deliveryId,
      eventId: ping.body.eventId,
      eventType: 'ping',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(log[0]!.lastLatencyMs).toEqual(expect.any(Number));
    expect(log[0]!.deliveredAt).toEqual(expect.any(String));
  });

  it('retries a failing receiver (500, 500, then 200) with the same event id, and logs every attempt', async () => {
    const ep = await create('/flaky');
    script.set('/flaky', [500, 500]);
    const ping = await as().post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    const firstFailure = await waitFor(
      () => deliveries(ep.id),
      (d) => d[0]?.attempts === 1 && d[0]?.lastStatusCode === 500,
    );
    expect(firstFailure[0]).toMatchObject({ status: 'pending', lastStatusCode: 500, lastError: 'HTTP 500' });
    const log = await waitFor(
      () => deliveries(ep.id),
      (d) => d[0]?.status === 'delivered',
      20_000,
    );
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
    const got = at('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.body.id))).toEqual(new Set([ping.body.eventId]));
    for (const r of got) expect(verify(r.raw, r.headers['herald-signature'] as string, ep.secret!)).toBe(true);
    // Filters of the log.
    expect(await deliveries(ep.id, '?status=failed')).toEqual([]);
    expect((await deliveries(ep.id, `?event=${ping.body.eventId}`)).map((d) => d.id)).toEqual([ping.body.deliveryId]);
    expect((await deliveries(ep.id, '?event=ping&status=delivered')).length).toBe(1);
  });

  it('redelivers one delivery, and in bulk every failed one of a time range', async () => {
    const ep = await create('/redeliver');
    const first = await as().post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    await waitFor(
      () => deliveries(ep.id),
      (d) => d[0]?.status === 'delivered',
    );
    const again = await as().post(`/v1/webhook-endpoints/${ep.id}/deliveries/${first.body.deliveryId}/redeliver`, {});
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: first.body.deliveryId, status: 'pending' });
    await waitFor(
      async () => at('/redeliver'),
      (r) => r.length === 2,
    );
    expect(at('/redeliver').map((r) => r.body.id)).toEqual([first.body.eventId, first.body.eventId]);

    // Two deliveries fail for good: the receiver is down and their 24 h have passed.
    down.add('/redeliver');
    const a = await as().post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    const b = await as().post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    await db.query(`UPDATE callback_deliveries SET pending_since = now() - interval '25 hours' WHERE id = ANY($1::bigint[])`, [
      [a.body.deliveryId, b.body.deliveryId],
    ]);
    const failed = await waitFor(
      () => deliveries(ep.id, '?status=failed'),
      (d) => d.length === 2,
      20_000,
    );
    expect(failed.map((d) => d.id).sort()).toEqual([a.body.deliveryId, b.body.deliveryId].sort());
    expect(failed[0]).toMatchObject({ lastStatusCode: 500, nextAttemptAt: null });

    down.delete('/redeliver');
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const bulk = await as().post(`/v1/webhook-endpoints/${ep.id}/redeliver`, { from, to, status: 'failed' });
    expect(bulk.status).toBe(202);
    expect(bulk.body).toEqual({ redelivered: 2 });
    await waitFor(
      () => deliveries(ep.id, '?status=delivered'),
      (d) => d.length === 3,
      20_000,
    );
    const ids = at('/redeliver').map((r) => r.body.id);
    expect(ids).toContain(a.body.eventId);
    expect(ids).toContain(b.body.eventId);
    expect((await as().post(`/v1/webhook-endpoints/${ep.id}/redeliver`, { from, to })).body).toEqual({ redelivered: 0 });
  });

  it('signs with both secrets for 24 h after a rotation, then with the new one only', async () => {
    const ep = await create('/rotate');
    const rotated = await as().post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(ep.secret);
    const expires = Date.parse(rotated.body.previousSecretExpiresAt as string);
    expect(Math.abs(expires - Date.now() - 24 * 3600_000)).toBeLessThan(60_000);
    expect((await as().get(`/v1/webhook-endpoints/${ep.id}`)).body.secret).toBeUndefined();

    await as().post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    const [during] = await waitFor(
      async () => at('/rotate'),
      (r) => r.length === 1,
    );
    const header = during!.headers['herald-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verify(during!.raw, header, fresh)).toBe(true);
    expect(verify(during!.raw, header, ep.secret!)).toBe(true);

    // 24 h later (the stored expiry moved into the past rather than waiting a day).
    await db.query(`UPDATE callback_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [
      ep.id,
    ]);
    await as().post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    const after = (
      await waitFor(
        async () => at('/rotate'),
        (r) => r.length === 2,
      )
    )[1]!;
    const later = after.headers['herald-signature'] as string;
    expect(later).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(after.raw, later, fresh)).toBe(true);
    expect(verify(after.raw, later, ep.secret!)).toBe(false);
  });

  it('refuses URLs on loopback, private, metadata and names resolving to them unless allowed (SSRF)', async () => {
    const strictKey = (await strict.createWorkspace('Callbacks strict')).apiKey;
    for (const [url, why] of [
      ['http://127.0.0.1:8080/hook', /loopback/],
      ['http://10.1.2.3/hook', /private network/],
      ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
      ['http://localhost:8080/hook', /resolves to a loopback address/],
      ['http://[::1]/hook', /loopback/],
      ['http://192.168.0.1/hook', /private network/],
    ] as const) {
      const res = await strict.as(strictKey).post('/v1/webhook-endpoints', { url, events: ['message.status'] });
      expect([url, res.status]).toEqual([url, 400]);
      expect(res.body.error.code).toBe('invalid_callback_url');
      expect(res.body.error.message).toMatch(why);
    }
    const ok = await strict
      .as(strictKey)
      .post('/v1/webhook-endpoints', { url: 'https://93.184.216.34/hook', events: ['message.status'] });
    expect(ok.status).toBe(201);
    const moved = await strict.as(strictKey).patch(`/v1/webhook-endpoints/${ok.body.id}`, { url: 'http://10.0.0.5/hook' });
    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('invalid_callback_url');
    // The same URLs are fine where the operator allows private addresses (this run's default).
    expect((await as().post('/v1/webhook-endpoints', { url: 'http://10.1.2.3/hook', events: ['message.status'] })).status).toBe(
      201,
    );
  });

  it('disables an endpoint failing for 3 days, says why, and tells the other endpoints of the workspace', async () => {
    const ws = await api.createWorkspace('Callbacks disable');
    const other = api.as(ws.apiKey);
    const dead = (await other.post('/v1/webhook-endpoints', { url: `${base}/dead`, events: ['message.status'] }))
      .body as Endpoint;
    const watcher = (await other.post('/v1/webhook-endpoints', { url: `${base}/watcher`, events: ['run.status'] }))
      .body as Endpoint;
    down.add('/dead');
    await other.post(`/v1/webhook-endpoints/${dead.id}/test`, {});
    const failing = await waitFor(
      async () => (await other.get(`/v1/webhook-endpoints/${dead.id}`)).body as Endpoint,
      (e) => e.failingSince !== null,
    );
    expect(failing).toMatchObject({ enabled: true, disabledReason: null });
    // Three days of failures, as the clock would have them.
    await db.query(
      `UPDATE callback_endpoints SET failing_since = now() - interval '3 days 1 minute', blocked_until = NULL WHERE id = $1`,
      [dead.id],
    );
    const disabled = await waitFor(
      async () => (await other.get(`/v1/webhook-endpoints/${dead.id}`)).body as Endpoint,
      (e) => !e.enabled,
      20_000,
    );
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failing continuously for 3 days' });
    expect(disabled.disabledAt).toEqual(expect.any(String));
    const notice = (
      await waitFor(
        async () => at('/watcher'),
        (r) => r.length === 1,
      )
    )[0]!;
    expect(notice.body).toMatchObject({
      type: 'webhook_endpoint.disabled',
      workspaceId: ws.id,
      data: { endpointId: dead.id, reason: 'failing continuously for 3 days' },
    });
    expect(verify(notice.raw, notice.headers['herald-signature'] as string, watcher.secret!)).toBe(true);
    // A disabled endpoint cannot be tested until enabled again.
    expect((await other.post(`/v1/webhook-endpoints/${dead.id}/test`, {})).status).toBe(409);
    down.delete('/dead');
    const revived = await other.patch(`/v1/webhook-endpoints/${dead.id}`, { enabled: true });
    expect(revived.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('records producers’ events for subscribed endpoints and per-send callback URLs, signed with the workspace callback secret', async () => {
    const ws = await api.createWorkspace('Callbacks outbox');
    const them = api.as(ws.apiKey);
    const outbox = api.app.get(CallbackOutbox);
    expect((await them.get('/v1/callback-secret')).body).toEqual({
      exists: false,
      createdAt: null,
      previousSecretExpiresAt: null,
    });

    const statuses = (await them.post('/v1/webhook-endpoints', { url: `${base}/statuses`, events: ['message.status'] }))
      .body as Endpoint;
    const templates = (await them.post('/v1/webhook-endpoints', { url: `${base}/templates`, events: ['template.status'] }))
      .body as Endpoint;
    // Exact at once: the endpoint created a moment ago counts.
    expect([...(await outbox.subscribed([ws.id, workspaceId], 'message.status'))]).toContain(ws.id);
    expect([...(await outbox.subscribed([ws.id], 'contact.opted_out'))]).toEqual([]);

    const before = Number((await db.query('SELECT count(*) AS n FROM callback_events WHERE workspace_id = $1', [ws.id]))[0].n);
    const kick = await db.transaction((m) =>
      outbox.record(m, [
        {
          workspaceId: ws.id,
          type: 'message.status',
          occurredAt: new Date('2026-12-03T10:00:00Z'),
          data: { messageId: 'm1', status: 'delivered' },
        },
        { workspaceId: ws.id, type: 'contact.opted_out', occurredAt: new Date(), data: { number: '+447400600001' } },
        {
          workspaceId: ws.id,
          type: 'run.status',
          occurredAt: new Date(),
          data: { runId: 'r1' },
          callbackUrl: `${base}/per-send`,
        },
      ]),
    );
    expect(kick.endpointIds).toEqual([statuses.id]);
    expect(kick.direct).toBe(true);
    await outbox.kick(kick);
    // The opt-out had no target: not written.
    const after = Number((await db.query('SELECT count(*) AS n FROM callback_events WHERE workspace_id = $1', [ws.id]))[0].n);
    expect(after - before).toBe(2);

    const status = (
      await waitFor(
        async () => at('/statuses'),
        (r) => r.length === 1,
      )
    )[0]!;
    expect(status.body).toMatchObject({
      type: 'message.status',
      createdAt: '2026-12-03T10:00:00.000Z',
      workspaceId: ws.id,
      data: { messageId: 'm1', status: 'delivered' },
    });
    expect(verify(status.raw, status.headers['herald-signature'] as string, statuses.secret!)).toBe(true);
    expect(at('/templates')).toEqual([]);
    expect(templates.id).toBeDefined();

    // The per-send URL got its event, signed with a workspace secret made for it (never shown): rotating shows a new one.
    const direct = (
      await waitFor(
        async () => at('/per-send'),
        (r) => r.length === 1,
      )
    )[0]!;
    expect(direct.body).toMatchObject({ type: 'run.status', data: { runId: 'r1' } });
    const made = (await them.get('/v1/callback-secret')).body;
    expect(made).toMatchObject({ exists: true, createdAt: expect.any(String), previousSecretExpiresAt: null });
    const secret = (await them.post('/v1/callback-secret', {})).body;
    expect(secret.secret).toMatch(/^whsec_/);
    expect(secret.previousSecretExpiresAt).toEqual(expect.any(String));
    expect(verify(direct.raw, direct.headers['herald-signature'] as string, secret.secret as string)).toBe(false);

    await outbox.kick(
      await outbox.record(null, [
        {
          workspaceId: ws.id,
          type: 'run.status',
          occurredAt: new Date(),
          data: { runId: 'r2' },
          callbackUrl: `${base}/per-send`,
        },
      ]),
    );
    const second = (
      await waitFor(
        async () => at('/per-send'),
        (r) => r.length === 2,
      )
    )[1]!;
    expect(second.body.data).toEqual({ runId: 'r2' });
    const header = second.headers['herald-signature'] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verify(second.raw, header, secret.secret as string)).toBe(true);
  });

  it('claims again, after its lease, a delivery whose worker was killed mid-post: nothing is lost', async () => {
    const ep = await create('/killed');
    hang.add('/killed');
    const ping = await as().post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    await waitFor(
      async () => at('/killed'),
      (r) => r.length === 1,
    );
    await worker.stop('SIGKILL');
    const [leased] = await deliveries(ep.id);
    expect(leased).toMatchObject({ status: 'pending', attempts: 1 });
    // Leased for 2 minutes from the claim: no other worker takes it before then.
    expect(Date.parse(leased!.nextAttemptAt!) - Date.now()).toBeGreaterThan(60_000);
    // The lease runs out (moved, rather than waiting two minutes); a new worker takes the delivery.
    await db.query('UPDATE callback_deliveries SET next_attempt_at = now() WHERE id = $1', [ping.body.deliveryId]);
    worker = startWorker({ REDIS_PREFIX, CALLBACK_RETRY_BASE_MS: '100' });
    const log = await waitFor(
      () => deliveries(ep.id),
      (d) => d[0]?.status === 'delivered',
      20_000,
    );
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200 });
    expect(at('/killed').map((r) => r.body.id)).toEqual([ping.body.eventId, ping.body.eventId]);
  });
});
