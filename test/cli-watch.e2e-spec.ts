import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { RunProgressHub } from '@herald/campaigns';
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
 * `npm run cli -- runs watch | blasts watch | imports watch`, the built CLI run as a child process with its output piped
 * (no terminal: one plain line per update) against the API, a worker and the simulator. It follows a run to its end
 * and exits 0 with the final counts on its last line; a cancelled run exits 2; an import is followed by polling.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-cli-watch`;
const PHONE_NUMBER_ID = '106540352249902';
const CREDENTIALS = { wabaId: '102290129349902', accessToken: 'EAAG-cli-watch-token', appSecret: 'cli-watch-app-secret' };
const RECIPIENTS = 120;

interface CliResult {
  code: number | null;
  lines: string[];
  stderr: string;
}

describe('npm run cli -- runs watch', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let apiUrl: string;
  let campaignId: string;

  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('x-api-key', key)
      .send(body as object);
  const get = (path: string) => api.http.get(path).set('x-api-key', key);

  /** The CLI in a child process (the API answers from this one, so never spawnSync); no local stack file is read. */
  function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', ...args], {
        env: { ...process.env, HERALD_STACK_FILE: 'test/support/no-such.env', HERALD_URL: '', HERALD_API_KEY: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, lines: stdout.trim().split('\n'), stderr });
      });
    });
  }

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('CLI watch')).apiKey;
    sim = await startSimulator();
    await addSimulatedChannel(post, sim, {
      phone: PHONE_NUMBER_ID,
      display: '+1 555 010 9902',
      rate: 50,
      tier: 'unlimited',
      credentials: CREDENTIALS,
    });
    await sim.call('PUT', '/_sim/templates', [
      {
        wabaId: CREDENTIALS.wabaId,
        name: 'watch_news',
        language: 'en',
        category: 'MARKETING',
        components: [{ type: 'BODY', text: 'News for {{1}}.' }],
      },
    ]);
    expect((await post('/v1/templates/sync', {})).status).toBe(200);
    const contacts = Array.from({ length: RECIPIENTS }, (_, i) => ({ number: `+4474008${String(i).padStart(5, '0')}` }));
    expect((await post('/v1/audiences', { id: 'watchers', name: 'Watchers', contacts })).status).toBe(201);
    const created = await post('/v1/campaigns', {
      title: 'Watch news',
      template: { name: 'watch_news', language: 'en' },
      params: ['{{number}}'],
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

  it('follows a run to its end with a line per update, exits 0, and ends on the final counts', async () => {
    const run = await post(`/v1/campaigns/${campaignId}/runs`, { audiences: ['watchers'] });
    expect(run.status).toBe(202);
    const runId = run.body.runId as string;
    const result = await cli(['runs', 'watch', runId], { HERALD_URL: apiUrl, HERALD_API_KEY: key });
    expect([result.code, result.stderr]).toEqual([0, '']);

    const body = (await get(`/v1/campaigns/${campaignId}/runs/${runId}`)).body as {
      status: string;
      counts: Record<string, number>;
    };
    expect(body.status).toBe('completed');
    const last = result.lines[result.lines.length - 1]!;
    expect(last).toMatch(new RegExp(`^Run ${runId} completed: ${RECIPIENTS} recipients, [\\d.]+/s \\| `));
    // Every status that holds someone, as the API counts them.
    const shown = Object.fromEntries(
      [...last.split(' | ')[1]!.matchAll(/(\w+) ([\d,]+)/g)].map((m) => [m[1], Number(m[2]!.replace(/,/g, ''))]),
    );
    expect(shown).toEqual(Object.fromEntries(Object.entries(body.counts).filter(([, n]) => n > 0)));
    // Lines while it ran: no bar redraws, a line per update with the share done.
    const updates = result.lines.slice(0, -1);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (const line of updates) expect(line).toMatch(new RegExp(`^Run ${runId} (scheduled|running) \\| `));
    expect(result.lines.join('\n')).not.toContain('\r');
    expect(updates.some((l) => / \| \d+\/120 \(\d+%\) \| /.test(l))).toBe(true);
  }, 30_000);

  it('exits 2 when the run is cancelled, and 1 with the reason for a run it cannot see', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const run = await post(`/v1/campaigns/${campaignId}/runs`, { audiences: ['watchers'], timeToRun: later });
    expect(run.status).toBe(202);
    const runId = run.body.runId as string;
    const watching = cli(['runs', 'watch', runId, '--url', apiUrl, '--key', key]);
    // Cancel once the watcher is connected (the hub follows the run).
    const hub = api.app.get(RunProgressHub);
    expect(
      await waitFor(
        async () => hub.size().watchers,
        (n) => n === 1,
        10_000,
      ),
    ).toBe(1);
    expect((await post(`/v1/campaigns/${campaignId}/runs/${runId}/cancel`, {})).status).toBe(200);
    const result = await watching;
    expect(result.code).toBe(2);
    expect(result.lines[result.lines.length - 1]).toMatch(new RegExp(`^Run ${runId} cancelled: `));

    const unknown = await cli(['runs', 'watch', '7d1e2f3a-4b5c-4d6e-8f70-112233445566', '--url', apiUrl, '--key', key]);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      1,
      'herald-cli: No run with id "7d1e2f3a-4b5c-4d6e-8f70-112233445566" exists in this workspace.',
    ]);
    const noKey = await cli(['runs', 'watch', runId, '--url', apiUrl]);
    expect([noKey.code, noKey.stderr]).toEqual([64, expect.stringContaining('give an API key: --key KEY or HERALD_API_KEY')]);
  }, 30_000);

  it('follows an import by polling until it completes', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `+4474008${String(500 + i).padStart(5, '0')},Reader ${i}`);
    const upload = await api.http
      .post('/v1/audiences/readers/contacts/import?name=Readers')
      .set('x-api-key', key)
      .set('content-type', 'text/csv')
      .send(`number,name\n${rows.join('\n')}\nnot-a-number,Nobody\n`);
    expect(upload.status).toBe(202);
    const importId = upload.body.importId as string;
    const result = await cli(['imports', 'watch', importId, '--url', apiUrl, '--key', key]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.lines[result.lines.length - 1]).toMatch(
      new RegExp(
        `^Import ${importId} completed: 51 rows, [\\d.,]+ rows/s \\| imported 50 · updated 0 · invalid 1 · duplicates 0$`,
      ),
    );
  }, 30_000);
});
