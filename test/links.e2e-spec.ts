import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ClickRecorder, LinksService } from '@herald/links';
import { startApi, type ApiHarness } from './support/api-harness';

/**
 * Tracked links end to end: links created through the service as sending code will, followed through the public
 * redirect of the real API app, and the clicks read back once the recorder has written them.
 */
const BASE = 'https://go.herald.test';
const BROWSER = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36';

describe('tracked links', () => {
  let api: ApiHarness;
  let links: LinksService;
  let recorder: ClickRecorder;
  let db: DataSource;
  let workspaceId: string;
  let otherWorkspaceId: string;
  const runId = randomUUID();

  const follow = (code: string, userAgent = BROWSER) => api.http.get(`/l/${code}`).set('user-agent', userAgent).redirects(0);
  const clicksOf = (code: string): Promise<Array<{ send_ref: string; run_id: string | null; user_agent: string | null; workspace_id: string }>> =>
    db.query('SELECT send_ref, run_id, user_agent, workspace_id FROM link_clicks WHERE code = $1 ORDER BY id', [code]);

  beforeAll(async () => {
    api = await startApi();
    links = api.app.get(LinksService);
    recorder = api.app.get(ClickRecorder);
    db = api.app.get(DataSource);
    workspaceId = (await api.createWorkspace('Links')).id;
    otherWorkspaceId = (await api.createWorkspace('Links, other')).id;
  });
  afterAll(() => api?.close());

  it('rewrites a text into tracked links whose redirect goes to the URL with its UTM parameters', async () => {
    const text = 'Hi Asha, our sale: https://shop.example/sale?id=7#top. Terms: https://shop.example/terms!';
    const tracked = await links.trackText(workspaceId, 'r:1', runId, text, {
      baseUrl: BASE,
      utm: { source: 'herald', medium: 'whatsapp', campaign: 'spring sale' },
    });
    const found = [...tracked.matchAll(/https:\/\/go\.herald\.test\/l\/([A-Za-z0-9_-]{12})/g)].map((m) => m[1]!);
    expect(found).toHaveLength(2);
    expect(tracked).toBe(`Hi Asha, our sale: ${BASE}/l/${found[0]}. Terms: ${BASE}/l/${found[1]}!`);

    const res = await follow(found[0]!);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://shop.example/sale?id=7&utm_source=herald&utm_medium=whatsapp&utm_campaign=spring%20sale#top');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const location = new URL(res.headers.location as string);
    expect(Object.fromEntries(location.searchParams)).toEqual({ id: '7', utm_source: 'herald', utm_medium: 'whatsapp', utm_campaign: 'spring sale' });
  });

  it('needs no API key, answers before the click is written, and records it with its user agent once flushed', async () => {
    const [code] = await links.createLinks(workspaceId, [{ sendRef: 'r:2', runId, destination: 'https://shop.example/a' }]);
    const res = await follow(code!);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://shop.example/a');
    // Buffered, not written yet (the recorder writes every 250 ms): the answer did not wait for Postgres.
    expect(await clicksOf(code!)).toEqual([]);
    expect(await recorder.flush()).toBe(true);
    expect(await clicksOf(code!)).toEqual([{ send_ref: 'r:2', run_id: runId, user_agent: BROWSER, workspace_id: workspaceId }]);
  });

  it('answers a small HTML page with 404 for unknown and malformed codes, and never a redirect', async () => {
    for (const code of ['AAAAAAAAAAAA', 'short', 'AAAAAAAAAAAA%2F..', 'https%3A%2F%2Fevil.example']) {
      const res = await follow(code);
      expect([code, res.status]).toEqual([code, 404]);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('Link not found');
    }
    // Other methods are not redirected; other paths under /l stay the JSON API's 404.
    const posted = await api.http.post('/l/AAAAAAAAAAAA').send({});
    expect([posted.status, posted.headers.allow]).toEqual([405, 'GET, HEAD']);
    expect((await api.http.get('/l/AAAAAAAAAAAA/more')).status).toBe(404);
    // Query parameters never become the Location: only the stored destination does.
    const [code] = await links.createLinks(workspaceId, [{ sendRef: 'r:3', destination: 'https://shop.example/b' }]);
    const res = await api.http.get(`/l/${code}?url=https://evil.example&next=//evil.example`).redirects(0);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://shop.example/b');
  });

  it('refuses destinations that are not http(s) URLs when links are created', async () => {
    await expect(links.createLinks(workspaceId, [{ sendRef: 'r:4', destination: 'javascript:alert(1)' }])).rejects.toThrow(/http/);
    await expect(links.createLinks(workspaceId, [{ sendRef: 'r:4', destination: '//evil.example' }])).rejects.toThrow(/http/);
  });

  it('counts per run the unique sends clicked and every click, and per send its first click', async () => {
    const run = randomUUID();
    const codes = await links.createLinks(
      workspaceId,
      [10, 10, 11, 12].map((n, i) => ({ sendRef: `r:${n}`, runId: run, destination: `https://shop.example/p${i}` })),
    );
    expect(new Set(codes).size).toBe(4);
    // Send 10 clicks both its links, one twice; send 11 clicks once; send 12 never.
    for (const code of [codes[0]!, codes[0]!, codes[1]!, codes[2]!]) expect((await follow(code)).status).toBe(302);
    // A link preview fetcher and a HEAD are redirected but not clicks.
    expect((await follow(codes[3]!, 'facebookexternalhit/1.1')).status).toBe(302);
    expect((await api.http.head(`/l/${codes[3]}`).redirects(0)).status).toBe(302);
    await recorder.flush();

    const emptyRun = randomUUID();
    const byRun = await links.clicksFor(workspaceId, [run, emptyRun]);
    expect(byRun.get(run)).toEqual({ clicked: 2, clicks: 4 });
    expect(byRun.get(emptyRun)).toEqual({ clicked: 0, clicks: 0 });
    // Another workspace sees none of them.
    expect((await links.clicksFor(otherWorkspaceId, [run])).get(run)).toEqual({ clicked: 0, clicks: 0 });

    const bySend = await links.clicksOfSends(workspaceId, ['r:10', 'r:11', 'r:12']);
    expect(bySend.get('r:10')!.clicks).toBe(3);
    expect(bySend.get('r:11')!.clicks).toBe(1);
    expect(bySend.get('r:12')).toEqual({ firstClickedAt: null, clicks: 0 });
    const timeline = await links.clickTimeline(workspaceId, 'r:10');
    expect(timeline.map((c) => c.destination)).toEqual(['https://shop.example/p0', 'https://shop.example/p0', 'https://shop.example/p1']);
    expect(timeline.every((c) => c.userAgent === BROWSER)).toBe(true);
    expect(bySend.get('r:10')!.firstClickedAt).toEqual(timeline[0]!.clickedAt);
    expect(await links.clickTimeline(otherWorkspaceId, 'r:10')).toEqual([]);
  });

  it('creates thousands of links in one call, each redirecting to its own destination', async () => {
    const entries = Array.from({ length: 5_000 }, (_, i) => ({ sendRef: `r:${100_000 + i}`, runId, destination: `https://shop.example/item/${i}` }));
    const codes = await links.createLinks(workspaceId, entries);
    expect(new Set(codes).size).toBe(5_000);
    for (const i of [0, 2_499, 4_999]) expect((await follow(codes[i]!)).headers.location).toBe(`https://shop.example/item/${i}`);
  });

  it('rewrites many sends\' texts with one call, each send getting links of its own', async () => {
    const texts = await links.trackTexts(
      workspaceId,
      [
        { sendRef: 'r:20', runId, text: 'Yours: https://shop.example/x' },
        { sendRef: 'r:21', runId, text: 'Yours: https://shop.example/x' },
        { sendRef: 'r:22', runId, text: 'No link.' },
      ],
      { baseUrl: `${BASE}/` },
    );
    expect(texts[2]).toBe('No link.');
    expect(texts[0]).not.toBe(texts[1]);
    const code = texts[1]!.slice(`Yours: ${BASE}/l/`.length);
    await follow(code);
    await recorder.flush();
    expect((await clicksOf(code)).map((c) => c.send_ref)).toEqual(['r:21']);
  });
});
