import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { RUN_PROGRESS_TICK_SQL, RunProgressHub } from '@herald/campaigns';
import { RunEventsError, watchBlast, watchRun, type RunEventsOptions, type RunProgress } from '@herald/client';
import { startApi, type ApiHarness } from './support/api-harness';
import {
  addSimulatedChannel,
  startSimulator,
  startWorker,
  waitFor,
  type ChildHarness,
  type SimulatorHarness,
} from './support/process-harness';

/**
 * Live progress (GET …/runs/:runId/events and GET /v1/blasts/:id/events) against the API, a worker and the simulator:
 * a run of 300 recipients at 100 a second followed by three watchers through the client's SSE reader. Each sees the
 * counts grow at most once a second and an `end` event whose results are GET results'; Postgres is read once a tick
 * for the run whatever the number of watchers (the hub's statements, counted on the API's own DataSource); a client
 * that leaves is dropped; another workspace gets 404; an ended run's stream ends at once.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-run-events`;
const PHONE_NUMBER_ID = '106540352249901';
const CREDENTIALS = { wabaId: '102290129349901', accessToken: 'EAAG-run-events-token', appSecret: 'run-events-app-secret' };
const RECIPIENTS = 300;
const RATE = 100;

interface Received {
  at: number;
  progress: RunProgress;
}

describe('live progress of runs (Server-Sent Events)', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let otherKey: string;
  let apiUrl: string;
  let campaignId: string;
  let runId: string;

  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('x-api-key', key)
      .send(body as object);
  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const client = (apiKey = key, extra: Partial<RunEventsOptions> = {}): RunEventsOptions => ({
    baseUrl: apiUrl,
    apiKey,
    ...extra,
  });

  async function collect(stream: AsyncIterable<RunProgress>): Promise<Received[]> {
    const got: Received[] = [];
    for await (const progress of stream) got.push({ at: Date.now(), progress });
    return got;
  }
  const sentOf = (p: RunProgress) => p.results.sent + p.results.sendErrors;

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Live progress')).apiKey;
    otherKey = (await api.createWorkspace('Someone else')).apiKey;
    sim = await startSimulator();
    await addSimulatedChannel(post, sim, {
      phone: PHONE_NUMBER_ID,
      display: '+1 555 010 9901',
      rate: RATE,
      tier: 'unlimited',
      credentials: CREDENTIALS,
    });
    await sim.call('PUT', '/_sim/templates', [
      {
        wabaId: CREDENTIALS.wabaId,
        name: 'live_news',
        language: 'en',
        category: 'MARKETING',
        components: [{ type: 'BODY', text: 'News for {{1}}.' }],
      },
    ]);
    expect((await post('/v1/templates/sync', {})).status).toBe(200);
    const crowd = Array.from({ length: RECIPIENTS }, (_, i) => ({
      number: `+4474009${String(i).padStart(5, '0')}`,
      name: `Guest ${i}`,
    }));
    expect((await post('/v1/audiences', { id: 'crowd', name: 'Crowd', contacts: crowd })).status).toBe(201);
    expect((await post('/v1/audiences', { id: 'few', name: 'Few', contacts: crowd.slice(0, 5) })).status).toBe(201);
    const created = await post('/v1/campaigns', {
      title: 'Live news',
      template: { name: 'live_news', language: 'en' },
      params: ['{{name}}'],
    });
    expect(created.status).toBe(201);
    campaignId = created.body.campaignId as string;
    worker = startWorker({ REDIS_PREFIX });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('follows a run to its end: growing counts at most once a second, one read a tick for all watchers, the results of GET results', async () => {
    const db = api.app.get(DataSource);
    const hub = api.app.get(RunProgressHub);
    const query = jest.spyOn(db, 'query');
    const ticks = () => query.mock.calls.filter(([sql]) => String(sql).startsWith(RUN_PROGRESS_TICK_SQL));

    const run = await post(`/v1/campaigns/${campaignId}/runs`, { audiences: ['crowd'] });
    expect(run.status).toBe(202);
    runId = run.body.runId as string;
    const opened = Date.now();
    const watchers = [1, 2, 3].map(() => collect(watchRun(client(), { campaignId, runId })));
    // A fourth watcher reads the first event and leaves: the hub drops it when its connection closes.
    await waitFor(
      async () => hub.size().watchers,
      (n) => n === 3,
    );
    for await (const first of watchRun(client(), { campaignId, runId })) {
      expect(first.runId).toBe(runId);
      expect(hub.size()).toEqual({ runs: 1, watchers: 4 });
      break;
    }
    expect(
      await waitFor(
        async () => hub.size().watchers,
        (n) => n === 3,
        2_000,
        10,
      ),
    ).toBe(3);
    const streams = await Promise.all(watchers);
    const elapsed = Date.now() - opened;
    expect(elapsed).toBeLessThan(20_000);

    const results = await get(`/v1/campaigns/${campaignId}/results?runId=${runId}`);
    const { clicked: _c, clickRate: _r, replied: _p, runs: _n, ...figures } = results.body as Record<string, unknown>;
    for (const events of streams) {
      const last = events[events.length - 1]!.progress;
      // The last event ends the run, with the results GET results gives (and every recipient accounted for).
      expect([last.final, last.status, last.progress, last.recipients, sentOf(last)]).toEqual([
        true,
        'completed',
        1,
        RECIPIENTS,
        RECIPIENTS,
      ]);
      expect(last.results).toEqual(figures);
      expect(last.rate).toBeGreaterThan(0);
      expect(events.slice(0, -1).every((e) => !e.progress.final)).toBe(true);
      // Counts grow, and were seen growing while it ran (not only the start and the end).
      const sent = events.map((e) => sentOf(e.progress));
      expect(sent).toEqual([...sent].sort((a, b) => a - b));
      expect(sent.filter((n) => n > 0 && n < RECIPIENTS).length).toBeGreaterThanOrEqual(1);
      expect(events.some((e) => e.progress.status === 'running' && e.progress.eta !== null)).toBe(true);
      // After the figures on connecting, at most one event a tick.
      const gaps = events.slice(2).map((e, i) => e.at - events[i + 1]!.at);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(800);
    }
    // Postgres: one statement a tick for the run, whatever the number of watchers (four here), each naming the run once.
    const reads = ticks();
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    for (const [, params] of reads) expect(params).toEqual([[runId]]);
    // The run ended: the hub forgets it and stops reading.
    expect(hub.size()).toEqual({ runs: 0, watchers: 0 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(ticks().length).toBe(reads.length);
    query.mockRestore();
  }, 30_000);

  it("streams an ended run's last figures at once and closes", async () => {
    const started = Date.now();
    const events = await collect(watchRun(client(), { campaignId, runId }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(events.map((e) => [e.progress.status, e.progress.final])).toEqual([['completed', true]]);

    // On the wire: an event stream that proxies must not buffer, `end` its only event.
    const raw = await fetch(`${apiUrl}/v1/campaigns/${campaignId}/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect([raw.status, raw.headers.get('content-type'), raw.headers.get('x-accel-buffering')]).toEqual([
      200,
      'text/event-stream',
      'no',
    ]);
    expect(raw.headers.get('cache-control')).toContain('no-cache');
    const text = await raw.text();
    expect(text).toMatch(/^\nevent: end\nid: 1\ndata: \{.*"final":true.*\}\n\n$/s);
  });

  it("answers 404 for another workspace's run, an unknown run or blast, and 401 without a key", async () => {
    await expect(collect(watchRun(client(otherKey), { campaignId, runId }))).rejects.toMatchObject({
      status: 404,
      code: 'run_not_found',
    });
    const other = await fetch(`${apiUrl}/v1/campaigns/${campaignId}/runs/${runId}/events`, {
      headers: { 'x-api-key': otherKey },
    });
    expect([other.status, other.headers.get('content-type')]).toEqual([404, expect.stringContaining('application/json')]);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain(runId);
    await expect(collect(watchRun(client(), { campaignId, runId: 'not-a-run' }))).rejects.toMatchObject({ status: 404 });
    await expect(collect(watchBlast(client(), campaignId))).rejects.toMatchObject({ status: 404, code: 'blast_not_found' });
    const error = await collect(watchRun(client('hrld_wrong'), { campaignId, runId })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunEventsError);
    expect((error as RunEventsError).status).toBe(401);
  });

  it('says why a run waits (its sending window is closed, until it opens), and ends when it is cancelled', async () => {
    const hour = new Date().getUTCHours();
    const at = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
    const created = await post('/v1/campaigns', {
      title: 'Night news',
      template: { name: 'live_news', language: 'en' },
      params: ['{{name}}'],
      sendWindow: { start: at(hour + 2), end: at(hour + 3), timezone: 'UTC' },
    });
    expect(created.status).toBe(201);
    const night = created.body.campaignId as string;
    const run = await post(`/v1/campaigns/${night}/runs`, { audiences: ['few'] });
    const nightRun = run.body.runId as string;
    let waiting: RunProgress | undefined;
    for await (const p of watchRun(client(key, { signal: AbortSignal.timeout(15_000) }), { campaignId: night, runId: nightRun })) {
      if (p.waiting) {
        waiting = p;
        break;
      }
    }
    const opens = new Date();
    opens.setUTCHours(hour + 2, 0, 0, 0);
    expect(waiting).toMatchObject({ status: 'running', waiting: { reason: 'sending_window', until: opens.toISOString() }, counts: { queued: 5 } });
    expect(Date.parse(waiting!.eta!)).toBeGreaterThanOrEqual(opens.getTime());

    const watching = collect(watchRun(client(), { runId: nightRun }));
    await new Promise((r) => setTimeout(r, 200));
    expect((await post(`/v1/campaigns/${night}/runs/${nightRun}/cancel`, {})).status).toBe(200);
    const last = (await watching).at(-1)!.progress;
    expect([last.status, last.final, last.waiting, last.counts.cancelled]).toEqual(['cancelled', true, null, 5]);
  });

  it('follows a blast to its end on GET /v1/blasts/:id/events', async () => {
    const created = await post('/v1/blasts', {
      template: { name: 'live_news', language: 'en' },
      audiences: ['few'],
      params: ['{{name}}'],
    });
    expect(created.status).toBe(202);
    const blastId = created.body.blastId as string;
    const events = await collect(watchBlast(client(), blastId));
    const last = events[events.length - 1]!.progress;
    expect([last.blastId, last.campaignId, last.status, last.final, sentOf(last)]).toEqual([blastId, null, 'completed', true, 5]);
    const blast = (await get(`/v1/blasts/${blastId}`)).body as { results: Record<string, unknown> };
    const { clicked: _c, clickRate: _r, replied: _p, ...figures } = blast.results;
    expect(last.results).toEqual(figures);
  });
});
