// Chaos: Postgres stopped (fast shutdown: every client cut off) in the middle of a run and started again a few
// seconds later, on the same URL. The API and the workers must back off and recover on their own (no process
// exits), /health/ready must tell the truth meanwhile, and the run must complete with 0 lost, 0 duplicated.
//
// "Tells the truth", precisely. From before the stop until both answer "up" again after the start, the bench
// polls /health/ready every 200 ms and Postgres itself (a new connection and SELECT 1) every 50 ms. Postgres is
// down for sure from the completed stop (`downAt`) to the sending of the last probe it refused (`downUntil`;
// it does not bounce in between), and back when a probe first succeeds (`backAt`).
// - While down: every /health/ready sent after `downAt` and answered before `downUntil` must be non-200
//   (a 200 there is a lie: 0 allowed), there must be at least one, and its 503 must name postgres.
// - After: the first 200 must come within RECOVERY_TARGET_S of `backAt`.
// The probes and polls run in this process, so "down" is as this process saw it; the API sees the same server.
import { collectProblems, fmt, int, problemSummary, request, running, sleep, waitFor } from '../lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedCampaign,
  runTruth,
  seedAudience,
  settledChecks,
  simStats,
  startRun,
  waitRun,
} from '../lib/campaign.mjs';

export const describe =
  'Postgres stopped mid-run and started again: API and workers recover, /health/ready answers 503 while it is down, the run completes';

const PHONE = '109000000000003';
const POLL_MS = 200;
const PROBE_MS = 50;
const RECOVERY_TARGET_S = 10;

/** Campaign jobs in Redis, by state (BullMQ's keys under the bench's prefix). */
async function campaignJobs(bench) {
  const redis = bench.redisClient();
  const q = `${bench.redisPrefix}:campaigns`;
  const [wait, active, delayed, prioritized] = await Promise.all([
    redis.llen(`${q}:wait`),
    redis.llen(`${q}:active`),
    redis.zcard(`${q}:delayed`),
    redis.zcard(`${q}:prioritized`),
  ]);
  return `${wait + active + delayed + prioritized} (waiting ${wait + prioritized}, active ${active}, delayed ${delayed})`;
}

export async function run({ bench, figures, smoke, say }) {
  const recipients = smoke ? 2_000 : 30_000;
  const rate = smoke ? 500 : 1_000;
  const downMs = smoke ? 3_000 : 5_000;
  await bench.setup({ privatePostgres: true });
  const pg = bench.pg();
  // Meta retries a webhook for days; the simulator gives up after maxAttempts. Enough attempts to outlast the
  // outage (0.5 + 1 + 2 + … s), so statuses posted while Postgres is down arrive once it is back.
  const sim = await bench.startSimulator({
    SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200',
    SIMULATOR_CONFIG: JSON.stringify({ webhooks: { maxAttempts: 8 } }),
  });
  const { url, child: apiChild } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  // Full size: the workers' default settings, so the stall is the real one. Smoke (CI): recovery mechanisms on a
  // shorter clock (reconciler every 2 s, in-doubt sends released after 20 s), so a stall costs seconds, not minutes.
  const workerEnv = smoke ? { CAMPAIGN_RECONCILE_INTERVAL_MS: '2000', SEND_UNCONFIRMED_AFTER_SECONDS: '20' } : {};
  const workers = [
    await bench.startWorker(workerEnv, { name: 'worker-1' }),
    await bench.startWorker(workerEnv, { name: 'worker-2' }),
  ];
  figures.add(
    'setup',
    `${int(recipients)} recipients at ${int(rate)}/s, API + 2 workers (${
      Object.entries(workerEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'default settings'
    }), Postgres stopped for ${downMs / 1000} s at 30 %`,
  );
  const apiProblems = collectProblems(apiChild);
  for (const w of workers) w.problems = collectProblems(w);

  say(`seeding ${int(recipients)} contacts`);
  await seedAudience(pg, api.workspaceId, 'all', recipients);
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate });
  const campaignId = await approvedCampaign(api, channelId);
  const { runId } = await startRun(api, campaignId, ['all']);

  // The simulator's acceptances over time, to see how long sending stalled.
  const timeline = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const s = await simStats(sim).catch(() => undefined);
      if (s) timeline.push({ t: Date.now(), accepted: s.accepted.byPhoneNumberId?.[PHONE] ?? 0 });
      await sleep(100);
    }
  })();

  // Stop Postgres about a third of the way in.
  const stopAt = Math.round(recipients * 0.3);
  await waitFor(`${int(stopAt)} acceptances`, async () => (timeline.at(-1)?.accepted ?? 0) >= stopAt, 120_000, 50);

  // Two pollers from before the stop: /health/ready every POLL_MS, and Postgres itself (a fresh connection
  // and SELECT 1 every PROBE_MS), which says when it really was down and up again.
  const samples = [];
  const probes = [];
  let downAt = Infinity;
  let startedAt = Infinity;
  let polling = true;
  const poll = async (list, everyMs, once) => {
    while (polling) {
      const sent = Date.now();
      const entry = { sent, ...(await once()), answered: Date.now() };
      list.push(entry);
      // Done once it has answered "up" after Postgres was started again.
      if (entry.ok && sent > startedAt) return;
      await sleep(Math.max(0, everyMs - (Date.now() - sent)));
    }
  };
  const poller = poll(samples, POLL_MS, async () => {
    const res = await request(url, 'GET', '/health/ready', { timeoutMs: 5_000 }).catch((e) => ({
      status: `error (${e.message})`,
      json: undefined,
    }));
    return { ok: res.status === 200, status: res.status, body: res.json };
  });
  // Whether Postgres takes a new connection and answers SELECT 1 (within a second): the local-services probe.
  const prober = poll(probes, PROBE_MS, () => bench.services.probePostgres(bench.databaseUrl, 1_000));
  await sleep(POLL_MS * 2); // a couple of 200s before the stop
  say(`stopping Postgres for ${downMs / 1000} s (at ${int(timeline.at(-1)?.accepted ?? 0)} acceptances)`);
  const downFor = await bench.restartPostgres(downMs, async () => {
    downAt = Date.now();
  });
  startedAt = Date.now() - 1; // the start has completed: from here on the pollers stop at their first "up"
  say(`Postgres back after ${fmt(downFor / 1000, 2)} s`);
  await Promise.race([Promise.all([poller, prober]), sleep(60_000)]);
  polling = false;

  // Down for sure: from the completed stop to the send of the last refused probe (Postgres does not bounce).
  const lastRefused = probes.filter((p) => !p.ok && p.sent >= downAt).at(-1);
  const firstUp = probes.find((p) => p.ok && p.sent >= downAt);
  const downUntil = lastRefused?.sent ?? downAt;
  const backAt = firstUp?.answered ?? Infinity;
  if (process.env.CHAOS_DEBUG) {
    say(`down until ${downUntil - downAt}, Postgres answered again at ${backAt - downAt}, start done at ${startedAt - downAt}`);
    for (const x of samples) say(`poll sent ${x.sent - downAt} answered ${x.answered - downAt}: ${x.status}`);
  }
  const during = samples.filter((s) => s.sent >= downAt && s.answered <= downUntil);
  const lies = during.filter((s) => s.ok);
  const firstNot200 = samples.find((s) => s.sent >= downAt && !s.ok);
  const firstBack = samples.find((s) => s.ok && s.answered >= downUntil);
  const statuses = [...new Set(during.map((s) => String(s.status)))].join(', ') || 'none';
  const namesPostgres = during.some((s) => s.status === 503 && JSON.stringify(s.body ?? {}).includes('postgres'));
  figures.add(
    'Postgres down (stop done → first connection again)',
    `${fmt((backAt - downAt) / 1000, 2)} s (start done after ${fmt((startedAt - downAt) / 1000, 2)} s)`,
  );
  figures.add(
    '/health/ready polls sent and answered while down',
    `${during.length} (answers: ${statuses})`,
    '≥ 1 non-200',
    during.some((s) => !s.ok),
  );
  figures.add('/health/ready 200s while Postgres was down (lies)', lies.length, '= 0', lies.length === 0);
  figures.add('/health/ready 503 names postgres', namesPostgres ? 'yes' : 'no', 'yes', namesPostgres);
  figures.add(
    '/health/ready first non-200 after the stop',
    firstNot200 ? `${fmt((firstNot200.answered - downAt) / 1000, 2)} s after` : 'never',
  );
  const recovery = firstBack ? Math.max(0, firstBack.answered - backAt) / 1000 : Infinity;
  figures.add(
    '/health/ready 200 again after Postgres is back',
    firstBack ? `${fmt(recovery, 2)} s after` : 'never (60 s)',
    `≤ ${RECOVERY_TARGET_S} s`,
    recovery <= RECOVERY_TARGET_S,
  );

  // A few seconds after Postgres is back: what is left to send, and whether Redis still has chunk jobs for it.
  await sleep(Math.max(0, backAt + 5_000 - Date.now()));
  const after = await runTruth(pg, runId);
  const jobs = await campaignJobs(bench);
  figures.add(
    '5 s after Postgres was back',
    `${int(after.byStatus.queued ?? 0)} queued, ${int(after.byStatus.sending ?? 0)} sending; campaign jobs in Redis: ${jobs}`,
  );

  const view = await waitRun(api, campaignId, runId, { timeoutMs: 15 * 60_000 });
  sampling = false;
  await sampler;
  figures.check('run status', view.status, 'completed');
  figures.add(
    'run took (start → completed)',
    `${fmt((Date.parse(view.completedAt) - Date.parse(view.startedAt)) / 1000, 1)} s (${fmt(recipients / rate, 1)} s at the channel's rate without an outage)`,
  );

  // Stall: the longest time in which the simulator accepted nothing for the number, between the first
  // acceptance and the last; and how long after Postgres was back acceptances resumed.
  let stall = { ms: 0, from: 0 };
  const active = timeline.filter((p, i) => i === 0 || p.accepted !== timeline[i - 1].accepted);
  for (let i = 1; i < active.length; i++) {
    const gap = active[i].t - active[i - 1].t;
    if (active[i - 1].accepted > 0 && gap > stall.ms) stall = { ms: gap, from: active[i - 1].t };
  }
  const acceptedAtUp = timeline.filter((p) => p.t <= backAt).at(-1)?.accepted ?? 0;
  const resumed = timeline.find((p) => p.t > backAt && p.accepted > acceptedAtUp);
  figures.add(
    'sending stalled (longest gap between acceptances)',
    `${fmt(stall.ms / 1000, 2)} s (from ${fmt((stall.from - downAt) / 1000, 2)} s relative to the stop)`,
  );
  figures.add(
    'acceptances resumed after Postgres was back',
    resumed ? `${fmt((resumed.t - backAt) / 1000, 2)} s after` : 'not seen',
  );

  const alive = [apiChild, ...workers].filter(running).length;
  figures.check('processes still running (API + 2 workers)', alive, 3);
  const truth = await runTruth(pg, runId);
  figures.add('recipients by status', JSON.stringify(truth.byStatus));
  figures.check('recipients', truth.total, recipients);
  figures.check('recipients accepted (Postgres)', truth.accepted, recipients);
  const settled = await settledChecks(figures, pg, sim, [runId], PHONE);
  say(`settled: ${JSON.stringify(settled)}`);
  const workerProblems = new Map();
  for (const w of workers)
    for (const [msg, n] of w.problems)
      workerProblems.set(`${w.label}: ${msg}`, (workerProblems.get(`${w.label}: ${msg}`) ?? 0) + n);
  figures.add('worker warnings/errors logged', problemSummary(workerProblems));
  figures.add('API warnings/errors logged', problemSummary(apiProblems));
}
