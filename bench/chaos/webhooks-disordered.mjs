// Chaos: status webhooks duplicated and reordered. The simulator posts 20 % of statuses a second time in a later
// POST and holds 30 % back behind newer ones (a `delivered` before its `sent`, a `sent` after its `read`; the
// steps are 50–500 ms apart, so a status held back one flush is often overtaken); 1 % of the numbers are not
// on WhatsApp (a lone `failed`, 131026). Statuses only move forward in Herald, so
// none of this may change what it ends up with.
//
// The simulator's truth per message: its webhook POSTs go through a tap in this process that records every
// status item and forwards the POST untouched (body and signature) to the API. The simulator posts each status
// it planned at least once, so a message's final status is the last step of its plan: read if a `read` was
// posted, else delivered, else failed, else sent.
//
// Checks, once the simulator has posted everything and Herald has applied every stored webhook: each
// recipient's status in Postgres equals the simulator's final status for its message; the GROUP BY over
// campaign_recipients equals those counts and the run's counters (campaign_run_counts summed, and the run
// view); the results endpoint (sent, delivered, read, delivery errors, numbers not on WhatsApp) equals what
// the simulator reported; 0 lost, 0 duplicated.
import http from 'node:http';
import { fmt, int, waitFor } from '../lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedCampaign,
  registerPhone,
  runTruth,
  seedAudience,
  settledChecks,
  simStats,
  startRun,
  waitRun,
} from '../lib/campaign.mjs';

export const describe =
  'status webhooks duplicated (20 %) and reordered (30 %): every recipient ends at the status the simulator reported, counters equal the truth';

const PHONE = '109000000000005';
const RANK = { sent: 1, failed: 2, delivered: 3, read: 4 }; // Herald's order: failed outranks sent only

/**
 * An HTTP server that records the status items of every POST and forwards it, byte for byte with its
 * signature, to `target`; answers what the target answered.
 */
async function startTap(target) {
  const byMessage = new Map(); // callback data → { statuses: Set, order: [] }
  const counts = { posts: 0, items: 0, duplicates: 0, late: 0, forwardErrors: 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      counts.posts += 1;
      try {
        const json = JSON.parse(body.toString('utf8'));
        for (const entry of json.entry ?? [])
          for (const change of entry.changes ?? [])
            for (const s of change.value?.statuses ?? []) {
              counts.items += 1;
              const key = s.biz_opaque_callback_data ?? s.id;
              let m = byMessage.get(key);
              if (!m) byMessage.set(key, (m = { wamid: s.id, statuses: new Set(), top: 0 }));
              if (m.statuses.has(s.status)) counts.duplicates += 1;
              else if (RANK[s.status] < m.top) counts.late += 1;
              m.statuses.add(s.status);
              m.top = Math.max(m.top, RANK[s.status]);
            }
      } catch {
        // not JSON: forwarded as is; the API will say what it thinks
      }
      const headers = { ...req.headers, host: new URL(target).host };
      const out = http.request(new URL(req.url, target), { method: req.method, headers, agent }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      out.on('error', (error) => {
        counts.forwardErrors += 1;
        res.writeHead(502).end(error.message);
      });
      out.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    byMessage,
    counts,
    close: () => new Promise((r) => server.close(() => r(agent.destroy()))),
  };
}

/** The simulator's final status for a message it reported on. */
function finalStatus(m) {
  if (m.statuses.has('read')) return 'read';
  if (m.statuses.has('delivered')) return 'delivered';
  if (m.statuses.has('failed')) return 'failed';
  return 'sent';
}

export async function run({ bench, figures, smoke, say }) {
  const recipients = smoke ? 1_000 : 20_000;
  const rate = smoke ? 500 : 1_000;
  // Steps 50–500 ms apart (default 200–1500): a status held back for one flush (250 ms) is often overtaken.
  const statuses = {
    latencyMs: { min: 50, max: 500 },
    duplicateProbability: 0.2,
    reorderProbability: 0.3,
    notOnWhatsApp: { share: 0.01 },
  };
  await bench.setup();
  const pg = bench.pg();
  const sim = await bench.startSimulator({
    SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200',
    SIMULATOR_CONFIG: JSON.stringify({ statuses }),
  });
  const { url } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  const workers = [await bench.startWorker({}, { name: 'worker-1' }), await bench.startWorker({}, { name: 'worker-2' })];
  const tap = await startTap(url);
  bench.closers.push(() => tap.close());
  figures.add(
    'setup',
    `${int(recipients)} recipients at ${int(rate)}/s, API + ${workers.length} workers; simulator: duplicates ${statuses.duplicateProbability * 100} %, reordered ${statuses.reorderProbability * 100} %, not on WhatsApp ${statuses.notOnWhatsApp.share * 100} %, steps ${statuses.latencyMs.min}–${statuses.latencyMs.max} ms apart, delivered 97 %, read 60 % of delivered`,
  );

  say(`seeding ${int(recipients)} contacts`);
  await seedAudience(pg, api.workspaceId, 'all', recipients);
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate });
  // The simulator posts to the tap, which forwards to the channel's webhook URL on the API.
  await registerPhone(sim, PHONE, rate, `${tap.url}/webhooks/whatsapp/${channelId}`);
  const campaignId = await approvedCampaign(api, channelId);
  const { runId } = await startRun(api, campaignId, ['all']);
  const view = await waitRun(api, campaignId, runId, { timeoutMs: 20 * 60_000 });
  figures.check('run status', view.status, 'completed');

  const settleStarted = Date.now();
  await waitFor(
    'the simulator to post every status',
    async () => {
      const { webhooks: w } = await simStats(sim);
      return w.statusesPending + w.statusesBuffered + w.postsPending === 0;
    },
    180_000,
    250,
  );
  await waitFor(
    'Herald to apply every stored webhook',
    async () => (await pg.query('SELECT count(*)::int AS n FROM webhook_events')).rows[0].n === 0,
    180_000,
    250,
  );
  figures.add('statuses settled after the run completed', `${fmt((Date.now() - settleStarted) / 1000, 1)} s`);
  const stats = await simStats(sim);
  const w = stats.webhooks;
  figures.add(
    'simulator status POSTs',
    `${int(w.delivered.statuses)} delivered, ${int(w.retries)} retries, ${int(w.abandoned)} abandoned; statuses ${JSON.stringify(w.statusesSentByStatus)}`,
  );
  figures.check('status POSTs the simulator gave up on', w.abandoned, 0);
  figures.add(
    'status items through the tap',
    `${int(tap.counts.items)} in ${int(tap.counts.posts)} POSTs: ${int(tap.counts.duplicates)} repeats, ${int(tap.counts.late)} after a later status of their message`,
    '> 0 of each',
    tap.counts.duplicates > 0 && tap.counts.late > 0,
  );
  figures.check('tap forwarding errors', tap.counts.forwardErrors, 0);

  // Per message: Postgres against the simulator.
  const rows = (await pg.query('SELECT id, status, provider_message_id FROM campaign_recipients WHERE run_id = $1', [runId]))
    .rows;
  const simCounts = {};
  let mismatched = 0;
  let unreported = 0;
  const examples = [];
  for (const r of rows) {
    const m = tap.byMessage.get(`r:${r.id}`);
    if (!m) {
      unreported += 1;
      continue;
    }
    const want = finalStatus(m);
    simCounts[want] = (simCounts[want] ?? 0) + 1;
    if (r.status !== want || r.provider_message_id !== m.wamid) {
      mismatched += 1;
      if (examples.length < 3) examples.push(`r:${r.id} ${r.status}≠${want}`);
    }
  }
  figures.check('recipients the simulator sent no status for', unreported, 0);
  figures.add(
    'recipients whose status ≠ the simulator’s final status',
    `${int(mismatched)}${examples.length ? ` (${examples.join(', ')})` : ''}`,
    '= 0',
    mismatched === 0,
  );

  // Counters against the truth.
  const truth = await runTruth(pg, runId);
  const order = ['queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'];
  const norm = (o) => JSON.stringify(Object.fromEntries(order.filter((k) => (o[k] ?? 0) !== 0).map((k) => [k, o[k]])));
  const counters = {};
  for (const [bucket, n] of Object.entries(truth.counts))
    counters[bucket.split(':')[0]] = (counters[bucket.split(':')[0]] ?? 0) + n;
  figures.add('GROUP BY status (Postgres)', norm(truth.byStatus));
  figures.check('simulator final statuses = GROUP BY', norm(simCounts), norm(truth.byStatus));
  figures.check('run counters (campaign_run_counts) = GROUP BY', norm(counters), norm(truth.byStatus));
  const runView = await api.get(`/v1/campaigns/${campaignId}/runs/${runId}`);
  figures.check('run view counts = GROUP BY', norm(runView.counts), norm(truth.byStatus));

  // The results against the simulator: every `failed` it posted is 131026 (the only failure it makes after
  // accepting), so those are the numbers not on WhatsApp, and there are no other delivery errors.
  const failedCodes = (
    await pg.query(
      `SELECT coalesce(error->>'code', 'none') AS code, count(*)::int AS n FROM campaign_recipients
        WHERE run_id = $1 AND status = 'failed' GROUP BY 1 ORDER BY 1`,
      [runId],
    )
  ).rows;
  figures.add('failed recipients by error code', failedCodes.map((r) => `${r.code}: ${int(r.n)}`).join(', ') || 'none');
  const s = (k) => simCounts[k] ?? 0;
  const want = {
    sent: rows.length - s('failed'),
    delivered: s('delivered') + s('read'),
    read: s('read'),
    deliveryErrors: 0,
    numbersNotOnWhatsApp: s('failed'),
  };
  const results = await api.get(`/v1/campaigns/${campaignId}/results?runId=${runId}`);
  const gotResults = Object.fromEntries(Object.keys(want).map((k) => [k, results[k]]));
  figures.add('results endpoint', JSON.stringify(results));
  figures.check('results = the simulator’s truth', JSON.stringify(gotResults), JSON.stringify(want));

  const settled = await settledChecks(figures, pg, sim, [runId], PHONE);
  say(`settled: ${JSON.stringify(settled)}`);
}
