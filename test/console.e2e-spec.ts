import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { Page } from 'playwright-core';
import { createHerald, type Herald } from '@herald/client';
import { startApi, type ApiHarness } from './support/api-harness';
import { launchBrowser, type Browser } from './support/browser';
import { whatsappInboundText } from './support/meta-webhooks';
import { addSimulatedChannel, freePort, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/** axe-core's browser bundle, injected into each page for the accessibility check. */
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// The console in a real browser against a real API, worker and simulator: what a marketer does in the first hour.
// With HERALD_CONSOLE_SCREENSHOTS=1 the spec also saves a screenshot of every page to docs/console/ (docs/CONSOLE.md).
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-console`;
const SCREENSHOTS = process.env.HERALD_CONSOLE_SCREENSHOTS === '1' ? join(process.cwd(), 'docs', 'console') : undefined;
const PHONE_NUMBER_ID = '106540352242977';
const CREDENTIALS = { wabaId: '102290129340477', accessToken: 'EAAG-console-token', appSecret: 'console-app-secret' };
const RECIPIENTS = 40;
const numberOf = (i: number) => `+9199100${String(i).padStart(5, '0')}`;
// Meta answers these as "not on WhatsApp" (131026) in the status webhook.
const FAILING = [numberOf(3), numberOf(17)];
const DOCS_HOST = 'developers.facebook.com';

describe('the console in a browser', () => {
  let api: ApiHarness;
  let apiUrl: string;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let browser: Browser;
  let page: Page;
  let herald: Herald;
  let apiKey: string;
  let receiver: Server;
  let channelId: string;
  const pageErrors: string[] = [];
  const section = (name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });

  /** An inbound text a worker could not apply, put in the set-aside table as the worker puts it there. */
  const setAsideEvent = async (wamid: string, text: string, error: string) => {
    const body = whatsappInboundText({ wabaId: CREDENTIALS.wabaId, phoneNumberId: PHONE_NUMBER_ID, from: '919910099999', id: wamid, text });
    await api.app.get(DataSource).query(
      `INSERT INTO webhook_events_failed (id, channel_id, body, received_at, error)
       VALUES (nextval(pg_get_serial_sequence('webhook_events', 'id')), $1, $2::json, now(), $3)`,
      [channelId, JSON.stringify(body), error],
    );
  };

  // The top of each page, at most 1,400 px tall, so the PNGs stay small.
  const shot = async (name: string, p: Page = page) => {
    if (!SCREENSHOTS) return;
    const height = Math.min(1_400, await p.evaluate<number>('document.documentElement.scrollHeight'));
    await p.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width: p.viewportSize()!.width, height } });
  };

  beforeAll(async () => {
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    [api, sim, browser] = await Promise.all([
      startApi({ REDIS_PREFIX, CALLBACK_ALLOW_PRIVATE_URLS: 'true' }),
      startSimulator({
        statuses: {
          latencyMs: { min: 5, max: 20 },
          deliveredProbability: 1,
          readProbability: 1,
          duplicateProbability: 0,
          reorderProbability: 0,
          notOnWhatsApp: { numbers: FAILING },
        },
      }),
      launchBrowser(),
    ]);
    await api.app.listen(port, '127.0.0.1');
    apiKey = (await api.createWorkspace('Console')).apiKey;
    herald = createHerald({ baseUrl: apiUrl, apiKey });
    const post = async (path: string, body: unknown) => {
      const { data, error, response } = await herald.api.POST(path as '/v1/channels', { body: body as never });
      return { status: response.status, body: data ?? error };
    };
    channelId = await addSimulatedChannel(post, sim, { phone: PHONE_NUMBER_ID, display: '+1 555 010 0477', rate: 200, tier: 'unlimited', credentials: CREDENTIALS, apiUrl });
    // A callback endpoint that answers 204, so the callbacks page has a delivery log to show (its events in batches).
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = await herald.api.POST('/v1/webhook-endpoints', {
      body: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/herald`, events: ['run.status'], description: 'Order system', batchSize: 10 } as never,
    });
    expect(hook.response.status).toBe(201);
    worker = startWorker({ REDIS_PREFIX, CAMPAIGN_RECONCILE_INTERVAL_MS: '1000', WORKER_CONCURRENCY: '4' });
    // The docs link leaves Herald: answer it here so the spec needs no internet and still sees where it leads.
    await browser.context.route(`https://${DOCS_HOST}/**`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>Error codes</title><h1>Error codes</h1>' }));
    page = await browser.context.newPage();
    // A step that cannot happen fails within seconds with what Playwright was waiting for, not at jest's timeout.
    page.setDefaultTimeout(8_000);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await sim?.stop();
    const redis = new Redis(process.env.REDIS_URL!);
    const keys = await redis.keys(`${REDIS_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await api?.close();
    receiver?.close();
  });

  it('signs in with an API key kept in the tab only, refusing a wrong one', async () => {
    await page.goto(`${apiUrl}/console/`);
    await shot('sign-in');
    await page.getByLabel('API key').fill('hrld_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not accepted');
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    expect(page.url()).not.toContain(apiKey);
    // The page's own storage (evaluated in the browser): the key in sessionStorage, nothing in localStorage.
    expect(await page.evaluate("({ session: sessionStorage.getItem('herald.apiKey'), local: localStorage.length })")).toEqual({ session: apiKey, local: 0 });
  });

  it('imports a CSV with a progress bar and lists its invalid rows', async () => {
    const csv = ['number,name', ...Array.from({ length: RECIPIENTS }, (_, i) => `${numberOf(i)},Guest ${i}`), 'not-a-number,Nobody'].join('\n');
    await section('Audiences').click();
    await page.getByLabel('New audience name').fill('Spring leads');
    await page.getByLabel('CSV file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // The first read of the import's progress fails, as during an API restart: the page says so and keeps following.
    let failedReads = 0;
    await page.route('**/v1/imports/*', (route) =>
      failedReads++ === 0
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The API is restarting.' } }) })
        : route.continue(),
    );
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Could not read the import’s progress' }).textContent()).resolves.toContain('The API is restarting.');
    const importBar = page.getByRole('progressbar', { name: 'Import' });
    await expect(waitFor(() => importBar.getAttribute('aria-valuenow'), (v) => v === '100', 15_000)).resolves.toBe('100');
    await page.unroute('**/v1/imports/*');
    expect(failedReads).toBeGreaterThan(1);
    const invalid = page.getByRole('table').filter({ hasText: 'Invalid rows' });
    await expect(invalid.getByRole('row').nth(1).textContent()).resolves.toContain('not-a-number');
    await page.getByRole('row', { name: /Spring leads/ }).waitFor();
    await expect(page.getByRole('row', { name: /Spring leads/ }).textContent()).resolves.toContain(String(RECIPIENTS));
    await shot('audiences');
  });

  let campaignId: string;
  let runId: string;

  it('creates a campaign with a live preview of the bubble and its buttons', async () => {
    await section('Campaigns').click();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Title').fill('Spring sale');
    await page.getByRole('textbox', { name: 'Message' }).fill('Hi {{name}}, spring prices start today.');
    await page.getByRole('button', { name: 'Add a button' }).click();
    await page.getByLabel('Label 1').fill('Show me');
    const bubble = page.getByTestId('wa-bubble');
    await expect(bubble.textContent()).resolves.toContain('spring prices start today');
    await expect(page.getByRole('list', { name: 'Buttons' }).textContent()).resolves.toBe('Show me');
    await shot('campaign-new');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'Spring sale' }).waitFor();
    campaignId = /#\/campaigns\/([^/?]+)/.exec(page.url())![1]!;
    const { data } = await herald.api.GET('/v1/campaigns/{id}', { params: { path: { id: campaignId } } });
    expect(data?.message).toBe('Hi {{name}}, spring prices start today.');
    expect(JSON.stringify(data?.buttons)).toContain('Show me');
  });

  it('starts a run and follows its progress bar to 100 %', async () => {
    const streams: string[] = [];
    page.on('request', (r) => r.url().endsWith('/events') && streams.push(new URL(r.url()).pathname));
    await page.getByLabel(/Spring leads/).check();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('heading', { name: /Run of Spring sale/ }).waitFor();
    runId = /runs\/([^/?]+)/.exec(page.url())![1]!;
    // Started with an idempotency key (a second click or a retry answers this run instead of starting another).
    const [{ request_id: key }] = (await api.app.get(DataSource).query('SELECT request_id FROM campaign_runs WHERE id = $1', [runId])) as Array<{ request_id: string | null }>;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const bar = page.getByRole('progressbar', { name: 'Run progress' });
    const seen: string[] = [];
    const full = await waitFor(
      async () => {
        const v = (await bar.getAttribute('aria-valuenow')) ?? '';
        if (seen[seen.length - 1] !== v) seen.push(v);
        return v;
      },
      (v) => v === '100',
      30_000,
      100,
    );
    expect(full).toBe('100');
    await expect(page.getByTestId('progress-value').textContent()).resolves.toBe('100 %');
    const { data: run } = await herald.api.GET('/v1/campaigns/{id}/runs/{runId}', { params: { path: { id: campaignId, runId } } });
    expect(run?.progress).toBe(1);
    expect(run?.recipients).toBe(RECIPIENTS);
    // Live figures come from the run's event stream, not from polling.
    expect(streams).toContain(`/v1/campaigns/${campaignId}/runs/${runId}/events`);
  });

  it('shows the funnel with the numbers the API reports, and failures grouped by code', async () => {
    // Delivered and read arrive by webhook after the sends: wait until the API has them all, then read the page.
    const results = await waitFor(
      async () => (await herald.api.GET('/v1/campaigns/{id}/results', { params: { path: { id: campaignId }, query: { runId } } })).data!,
      (r) => r.read === RECIPIENTS - FAILING.length && r.deliveryErrors + r.numbersNotOnWhatsApp >= FAILING.length,
      20_000,
    );
    // The page follows the statuses that arrive after the last send without being reloaded.
    const funnel = async (step: string) => Number(((await page.getByTestId(`funnel-${step}`).textContent()) ?? '').replace(/\D/g, ''));
    const expected = {
      queued: RECIPIENTS,
      sent: results.sent,
      delivered: results.delivered,
      read: results.read,
      replied: results.replied,
      clicked: results.clicked,
    };
    const shown = async () => ({
      queued: await funnel('queued'),
      sent: await funnel('sent'),
      delivered: await funnel('delivered'),
      read: await funnel('read'),
      replied: await funnel('replied'),
      clicked: await funnel('clicked'),
    });
    // The page reads the results every few seconds after the end: it catches up with the API's.
    await expect(waitFor(shown, (f) => JSON.stringify(f) === JSON.stringify(expected), 10_000)).resolves.toEqual(expected);
    const failures = page.locator('.failures li');
    await failures.first().waitFor();
    await expect(failures.first().textContent()).resolves.toMatch(new RegExp(`^${FAILING.length}\\s*131026`));
    await shot('run');
  });

  it('exports the recipients as CSV, all of them or one status', async () => {
    const [all] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const text = await readFile((await all.path())!, 'utf8');
    const lines = text.trim().split(/\r?\n/);
    expect(lines).toHaveLength(RECIPIENTS + 1);
    for (const n of FAILING) expect(lines.find((l) => l.includes(n))).toContain('failed');
    await page.getByLabel('Status').selectOption('failed');
    await waitFor(() => page.locator('#recipients-table tbody tr').count(), (n) => n === FAILING.length, 5_000);
    const [failed] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(failed.suggestedFilename()).toBe(`run-${runId}-failed.csv`);
    const failedLines = (await readFile((await failed.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(failedLines).toHaveLength(FAILING.length + 1);
  });

  it('finds a failed message by filter and opens its Meta docs link', async () => {
    await section('Messages').click();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByLabel('Number').fill(FAILING[1]!);
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('table tbody tr');
    await waitFor(() => rows.count(), (n) => n === 1, 5_000);
    await expect(rows.first().textContent()).resolves.toContain('131026');
    await shot('messages');
    const { data } = await herald.api.GET('/v1/messages', { params: { query: { status: 'failed', number: FAILING[1]!, limit: 10 } as never } });
    const docsUrl = data!.data[0]!.error!.docsUrl!;
    expect(docsUrl).toContain(DOCS_HOST);
    const [docs] = await Promise.all([browser.context.waitForEvent('page'), rows.first().getByRole('link', { name: /Meta docs/ }).click()]);
    await docs.waitForLoadState();
    expect(docs.url()).toBe(docsUrl);
    await docs.close();
    await rows.first().getByRole('link').first().click();
    await page.getByRole('heading', { name: `Message to ${FAILING[1]}` }).waitFor();
    await expect(page.locator('.timeline').textContent()).resolves.toMatch(/failed/);
    await shot('message');
  });

  it('shows the other pages: templates, channels, callbacks, queue health', async () => {
    await section('Templates').click();
    await page.getByRole('cell', { name: /Hi \{\{1\}\}|spring prices/ }).first().waitFor();
    await shot('templates');
    await setAsideEvent('wamid.console-set-aside', 'Is it in stock?', 'TypeError: a body of a shape no parser foresaw');
    await section('Channels').click();
    await expect(page.getByRole('row', { name: /Simulated/ }).textContent()).resolves.toMatch(/active.*200 \/ s.*unlimited/);
    const setAside = page.getByRole('region', { name: /Webhook events set aside/ });
    await setAside.getByRole('row', { name: /a body of a shape no parser foresaw/ }).waitFor();
    await shot('channels');
    await setAside.getByRole('button', { name: 'Replay' }).click();
    await setAside.getByRole('status').filter({ hasText: /is being applied again/ }).waitFor();
    await setAside.getByRole('row', { name: /a body of a shape no parser foresaw/ }).waitFor({ state: 'detached' });
    // A worker applied it: the customer's question is among the inbound messages.
    const applied = await waitFor(
      async () => ((await herald.api.GET('/v1/inbound-messages' as never, {} as never)) as { data?: { data: Array<{ text: string | null }> } }).data?.data ?? [],
      (list) => list.some((m) => m.text === 'Is it in stock?'),
      15_000,
    );
    expect(applied.some((m) => m.text === 'Is it in stock?')).toBe(true);
    // One left set aside, for the accessibility check below to see the table.
    await setAsideEvent('wamid.console-set-aside-2', 'And in blue?', 'RangeError: Invalid time value');
    await section('Queues').click();
    await page.getByRole('row', { name: /campaigns/ }).waitFor();
    // Cells: workers, the 6 states, then completed / s, failed / s, last minute, in total. The spec's one worker
    // drains every queue. The run's start and chunk jobs were finished by it; the rate appears once a second reading
    // of /metrics (2 s later) gives a difference.
    const importCells = page.getByRole('row', { name: /imports/ }).getByRole('cell');
    await expect(importCells.first().textContent()).resolves.toBe('1');
    await expect(importCells.nth(1).textContent()).resolves.toMatch(/^\d+$/);
    const campaignCells = page.getByRole('row', { name: /campaigns/ }).getByRole('cell');
    await expect(campaignCells.first().textContent()).resolves.toBe('1');
    await expect(campaignCells.last().textContent()).resolves.toMatch(/^[1-9][\d,]*( · [\d,]+ failed)?$/);
    await campaignCells.nth(7).filter({ hasText: /^\d[\d.,]* \/ s$/ }).waitFor({ timeout: 5_000 });
    expect(await page.getByRole('link', { name: /Open Bull Board/ }).getAttribute('href')).toBe('/admin/queues');
    await shot('queues');
    await section('Callbacks').click();
    const endpointRow = page.getByRole('row', { name: /Order system/ });
    await endpointRow.waitFor();
    await expect(endpointRow.getByRole('cell').allTextContents()).resolves.toEqual([
      'run.status',
      'herald' + 'up to 10 events per POST',
      expect.stringMatching(/^enabled/),
      expect.any(String),
    ]);
    await page.getByRole('link', { name: /127\.0\.0\.1/ }).click();
    await page.getByRole('row', { name: /run\.status/ }).first().waitFor();
    await expect(page.getByRole('row', { name: /run\.status/ }).first().textContent()).resolves.toMatch(/delivered.*204/);
    await page.getByRole('button', { name: 'Send a test ping' }).click();
    await page.getByRole('row', { name: /ping/ }).waitFor({ timeout: 10_000 });
    await shot('callbacks');
    await section('Campaigns').click();
    const row = page.getByRole('row', { name: /Spring sale/ });
    await row.waitFor();
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual([
      'sent',
      expect.stringMatching(/^APPROVED spring_sale/),
      String(RECIPIENTS - FAILING.length),
      String(RECIPIENTS - FAILING.length),
      String(RECIPIENTS - FAILING.length),
      expect.any(String),
    ]);
    await shot('campaigns');
  });

  it('follows a blast on the same live view as a run', async () => {
    const { data: campaign } = await herald.api.GET('/v1/campaigns/{id}', { params: { path: { id: campaignId } } });
    const created = await herald.api.POST('/v1/blasts', {
      body: { title: 'Spring reminder', template: { name: campaign!.templateName, language: campaign!.languageCode }, audiences: ['spring-leads'], params: ['{{name}}'] } as never,
    });
    expect(created.response.status).toBe(202);
    const blastId = (created.data as { blastId: string }).blastId;
    await section('Blasts').click();
    await page.getByRole('link', { name: 'Spring reminder' }).click();
    const bar = page.getByRole('progressbar', { name: 'Blast progress' });
    await expect(waitFor(() => bar.getAttribute('aria-valuenow'), (v) => v === '100', 20_000, 100)).resolves.toBe('100');
    const { data: blast } = await herald.api.GET('/v1/blasts/{id}', { params: { path: { id: blastId } } });
    expect(blast!.recipients).toBe(RECIPIENTS);
    // Herald remembers the numbers Meta said are not on WhatsApp: the blast skips them instead of failing again.
    await expect(page.locator('.skipped').textContent()).resolves.toContain(`${FAILING.length} not on whatsapp`);
    const results = await waitFor(
      async () => (await herald.api.GET('/v1/blasts/{id}', { params: { path: { id: blastId } } })).data!.results,
      (r) => r.read === RECIPIENTS - FAILING.length,
      10_000,
    );
    const funnel = async (step: string) => Number(((await page.getByTestId(`funnel-${step}`).textContent()) ?? '').replace(/\D/g, ''));
    const shown = async () => [await funnel('queued'), await funnel('sent'), await funnel('delivered'), await funnel('read')];
    const expected = [RECIPIENTS, results.sent, results.delivered, results.read];
    await expect(waitFor(shown, (f) => JSON.stringify(f) === JSON.stringify(expected), 10_000)).resolves.toEqual(expected);
    await shot('blast');
  });

  it('keeps the messages filters and paging in step with the address, the back button included', async () => {
    await section('Messages').click();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('table tbody tr');
    await waitFor(() => rows.count(), (n) => n === FAILING.length, 5_000);
    // Every send of the run and the blast: more than one page.
    await page.getByRole('link', { name: 'Clear' }).click();
    await waitFor(() => rows.count(), (n) => n === 50, 5_000);
    const firstPage = await rows.first().textContent();
    await page.getByRole('button', { name: 'Older' }).click();
    await waitFor(() => rows.first().textContent(), (t) => t !== firstPage, 5_000);
    await page.getByRole('button', { name: 'Newer' }).waitFor();
    // Back to the failed ones: their first page, and the form shows the filter it lists.
    await page.goBack();
    await waitFor(() => rows.count(), (n) => n === FAILING.length, 5_000);
    await expect(page.getByLabel('Status').inputValue()).resolves.toBe('failed');
    await expect(page.getByRole('button', { name: 'Newer' }).count()).resolves.toBe(0);
  });

  it('pages through more campaigns than one page holds', async () => {
    const { data: campaign } = await herald.api.GET('/v1/campaigns/{id}', { params: { path: { id: campaignId } } });
    const template = { name: campaign!.templateName, language: campaign!.languageCode };
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => herald.api.POST('/v1/campaigns', { body: { title: `Autumn ${i}`, template, params: ['{{name}}'] } as never }).then((r) => r.response.status)),
    );
    expect(new Set(created)).toEqual(new Set([201]));
    await section('Campaigns').click();
    const rows = page.locator('table tbody tr');
    await waitFor(() => rows.count(), (n) => n === 50, 5_000);
    await expect(page.getByRole('row', { name: /Spring sale/ }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Older' }).click();
    const spring = page.getByRole('row', { name: /Spring sale/ });
    await spring.waitFor();
    await expect(spring.getByRole('cell').first().textContent()).resolves.toBe('sent');
    await expect(rows.count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Newer' }).click();
    await waitFor(() => rows.count(), (n) => n === 50, 5_000);
  });

  it('passes an automated accessibility check (axe-core, WCAG 2 A/AA) on every page', async () => {
    const pages = [
      'campaigns',
      'campaigns/new',
      `campaigns/${campaignId}`,
      `campaigns/${campaignId}/runs/${runId}`,
      'blasts',
      'messages',
      'audiences',
      'templates',
      'channels',
      'callbacks',
      'queues',
    ];
    const axeSource = await readFile(AXE, 'utf8');
    const found: string[] = [];
    for (const at of pages) {
      await page.goto(`${apiUrl}/console/#/${at}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      // Evaluated through the DevTools protocol: the console's CSP (script-src 'self') rightly refuses an injected tag.
      await page.evaluate(`${axeSource};0`);
      const result = await page.evaluate<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }>(
        "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })",
      );
      for (const v of result.violations) found.push(`#/${at}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }
    expect(found).toEqual([]);
  });

  it('fits a phone screen: one column, no sideways scrolling of the page', async () => {
    // The same tab (the key is in its sessionStorage), narrowed to a phone's width.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${apiUrl}/console/#/campaigns/${campaignId}/runs/${runId}`);
    await page.locator('#recipients-table').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('run-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    // Nothing on any page threw.
    expect(pageErrors).toEqual([]);
  });
});
