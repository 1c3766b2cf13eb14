// Chaos: a provider that misbehaves the ways Meta's Cloud API does. During one run the simulator answers 5 % of
// sends with a 5xx (131000 / 2), holds 1 % unanswered (Herald's PROVIDER_TIMEOUT_MS is 2 s here, so they time
// out), accepts 1 % but answers only after Herald gave up (2.5–4 s: "maybe sent", settled by the status
// webhook that echoes the callback data), refuses every send with 130429 in periodic bursts, and 2 % of the
// numbers (picked by a hash of the number, as the simulator does) are not on WhatsApp (accepted, then a failed
// status with 131026).
//
// Checks: the run completes; every recipient ends terminal (0 lost); no callback data accepted twice (0
// duplicated, in-doubt sends included); every number the simulator considers not on WhatsApp, and no other,
// ends failed with 131026 (and its contact is marked); transient failures were retried (no recipient failed
// on a transient code before its attempts were used up); every send attempt Herald counted is one the
// simulator saw (Σ attempts = accepted + rejected + held).
import { collectProblems, dist, fmt, int, problemSummary, requireFromRoot, waitFor } from '../lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedCampaign,
  runTruth,
  seedAudience,
  settledChecks,
  simConfig,
  simStats,
  startRun,
  waitRun,
} from '../lib/campaign.mjs';

export const describe =
  'provider faults (5 % 5xx, 1 % timeouts, 1 % answered too late, 130429 bursts, 2 % not on WhatsApp): transient ones retried, permanent ones recorded, run completes';

const PHONE = '109000000000004';
const SEND_MAX_ATTEMPTS = 8; // Herald's default, set explicitly so the check below reads it
const PROVIDER_TIMEOUT_MS = 2_000;
const TRANSIENT_CATEGORIES = ['transient', 'throttled', 'api_rate_limited', 'pair_rate_limited', 'throughput_upgrade'];

/** The simulator has posted every status it planned, and Herald has applied every webhook it stored. */
async function webhooksSettled(sim, pg, timeoutMs) {
  await waitFor(
    'the simulator to post every status',
    async () => {
      const { webhooks: w } = await simStats(sim);
      return w.statusesPending + w.statusesBuffered + w.postsPending === 0;
    },
    timeoutMs,
    250,
  );
  await waitFor(
    'Herald to apply every stored webhook',
    async () => (await pg.query('SELECT count(*)::int AS n FROM webhook_events')).rows[0].n === 0,
    timeoutMs,
    250,
  );
}

export async function run({ bench, figures, smoke, say }) {
  const recipients = smoke ? 1_000 : 20_000;
  const rate = smoke ? 500 : 1_000;
  const burst = smoke ? { everyMs: 2_000, durationMs: 300 } : { everyMs: 5_000, durationMs: 500 };
  const faults = {
    serverErrorShare: 0.05,
    timeoutShare: 0.01,
    extraLatencyShare: 0.01,
    extraLatencyMs: { min: PROVIDER_TIMEOUT_MS + 500, max: PROVIDER_TIMEOUT_MS + 2_000 },
    throttleBurst: burst,
  };
  const notOnWhatsAppShare = 0.02;
  await bench.setup();
  const pg = bench.pg();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  const { url, child: apiChild } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  // In-doubt sends are released after 10 s (the least allowed) and the reconciler looks every 2 s, so a run
  // with timeouts ends in seconds, not minutes.
  const workerEnv = {
    PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
    SEND_MAX_ATTEMPTS: String(SEND_MAX_ATTEMPTS),
    SEND_UNCONFIRMED_AFTER_SECONDS: '10',
    CAMPAIGN_RECONCILE_INTERVAL_MS: '2000',
  };
  const workers = [
    await bench.startWorker(workerEnv, { name: 'worker-1' }),
    await bench.startWorker(workerEnv, { name: 'worker-2' }),
  ];
  for (const w of workers) w.problems = collectProblems(w);
  figures.add(
    'setup',
    `${int(recipients)} recipients at ${int(rate)}/s, 2 workers (${Object.entries(workerEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')})`,
  );
  figures.add(
    'faults',
    `5xx ${faults.serverErrorShare * 100} %, held ${faults.timeoutShare * 100} %, answered after ${fmt(faults.extraLatencyMs.min / 1000)}–${fmt(faults.extraLatencyMs.max / 1000)} s ${faults.extraLatencyShare * 100} %, 130429 for ${burst.durationMs} ms of every ${burst.everyMs / 1000} s, not on WhatsApp ${notOnWhatsAppShare * 100} %`,
  );

  say(`seeding ${int(recipients)} contacts`);
  await seedAudience(pg, api.workspaceId, 'all', recipients);
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate });
  const campaignId = await approvedCampaign(api, channelId);
  // Faults on only now: the template and the channel set-up are not what this scenario is about.
  await simConfig(sim, { faults, statuses: { notOnWhatsApp: { share: notOnWhatsAppShare } } });
  const { runId } = await startRun(api, campaignId, ['all']);
  const view = await waitRun(api, campaignId, runId, { timeoutMs: 20 * 60_000 });
  figures.check('run status', view.status, 'completed');
  figures.add('run took (start → completed)', `${fmt((Date.parse(view.completedAt) - Date.parse(view.startedAt)) / 1000, 1)} s`);
  // Faults off before waiting for the statuses of the last sends.
  await simConfig(sim, {
    faults: {
      serverErrorShare: 0,
      timeoutShare: 0,
      extraLatencyShare: 0,
      throttleBurst: { everyMs: 0, durationMs: 0 },
    },
  });
  await webhooksSettled(sim, pg, 120_000);

  const truth = await runTruth(pg, runId);
  const stats = await simStats(sim);
  figures.add('recipients by status', JSON.stringify(truth.byStatus));
  figures.add(
    'simulator faults injected',
    `5xx ${int(stats.faults.serverError)}, held ${int(stats.faults.timeout)}, late answers ${int(stats.faults.extraLatency)}, in a 130429 burst ${int(stats.faults.throttleBurst)}; over the number's rate: ${int(stats.throttle.violations)}`,
  );
  figures.add('simulator rejections by code', JSON.stringify(stats.rejected.byCode));

  // Failures by code and whether they were sent first.
  const failedRows = (
    await pg.query(
      `SELECT error->>'code' AS code, error->>'category' AS category, accepted_at IS NOT NULL AS accepted,
              attempts >= $2 AS exhausted, count(*)::int AS n
         FROM campaign_recipients WHERE run_id = $1 AND status = 'failed' GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC`,
      [runId, SEND_MAX_ATTEMPTS],
    )
  ).rows;
  figures.add(
    'failed recipients by code',
    failedRows.length === 0
      ? 'none'
      : failedRows
          .map(
            (r) =>
              `${r.code} (${r.category}${r.accepted ? ', after acceptance' : ''}${r.exhausted ? ', attempts used up' : ''}): ${int(r.n)}`,
          )
          .join('; '),
  );
  const transientTooEarly = failedRows
    .filter((r) => TRANSIENT_CATEGORIES.includes(r.category) && !r.exhausted)
    .reduce((n, r) => n + r.n, 0);
  figures.check('failed on a transient error before the attempts were used up', transientTooEarly, 0);

  // Retries: attempts per recipient, and every attempt one the simulator saw.
  const attemptRows = (
    await pg.query('SELECT attempts, count(*)::int AS n FROM campaign_recipients WHERE run_id = $1 GROUP BY 1 ORDER BY 1', [
      runId,
    ])
  ).rows;
  const retried = attemptRows.filter((r) => r.attempts > 1).reduce((n, r) => n + r.n, 0);
  const attempts = attemptRows.reduce((n, r) => n + r.attempts * r.n, 0);
  figures.add('recipients by attempts', attemptRows.map((r) => `${r.attempts}: ${int(r.n)}`).join(', '));
  figures.add('recipients sent more than once (retried)', int(retried), '> 0', retried > 0);
  const seen = stats.accepted.total + stats.rejected.total + stats.faults.timeout;
  figures.check('send attempts (Σ attempts) = simulator accepted + rejected + held', attempts, seen);
  const inDoubtAccepted = stats.faults.extraLatency; // accepted, answered after Herald's timeout (or a 5xx answered late)
  figures.add('sends answered after Herald timed out ("maybe sent")', int(inDoubtAccepted));

  // Not on WhatsApp: the simulator picks the numbers by a hash; the same function says which ones to expect.
  const { isNotOnWhatsApp } = requireFromRoot(dist('apps/simulator/src/status-plan.util.js'));
  const expected = new Set();
  for (let g = 0; g < recipients; g++) {
    const waId = `919${String(g).padStart(9, '0')}`;
    if (isNotOnWhatsApp(waId, { numbers: [], share: notOnWhatsAppShare })) expected.add(`+${waId}`);
  }
  const got = new Set(
    (
      await pg.query(
        `SELECT to_number FROM campaign_recipients WHERE run_id = $1 AND status = 'failed' AND error->>'code' = '131026'`,
        [runId],
      )
    ).rows.map((r) => r.to_number),
  );
  const missing = [...expected].filter((n) => !got.has(n));
  const extra = [...got].filter((n) => !expected.has(n));
  figures.add(
    'not on WhatsApp: expected (by the simulator hash) / failed with 131026',
    `${int(expected.size)} / ${int(got.size)} (simulator posted ${int(stats.webhooks.statusesSentByStatus.failed)} failed statuses, duplicates included)`,
  );
  figures.check('not on WhatsApp: expected but not failed with 131026', missing.length, 0);
  figures.check('not on WhatsApp: failed with 131026 but not expected', extra.length, 0);
  const marked = (
    await pg.query('SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND not_on_whatsapp_at IS NOT NULL', [
      api.workspaceId,
    ])
  ).rows[0].n;
  figures.check('contacts marked not on WhatsApp', marked, expected.size);

  const results = await api.get(`/v1/campaigns/${campaignId}/results?runId=${runId}`);
  figures.add('results', JSON.stringify(results));
  figures.check('results: numbersNotOnWhatsApp', results.numbersNotOnWhatsApp, expected.size);
  figures.check('results: sent', results.sent, truth.accepted - expected.size);

  const settled = await settledChecks(figures, pg, sim, [runId], PHONE);
  say(`settled: ${JSON.stringify(settled)}`);
  const workerProblems = new Map();
  for (const w of workers) for (const [msg, n] of w.problems) workerProblems.set(msg, (workerProblems.get(msg) ?? 0) + n);
  figures.add('worker warnings/errors logged', problemSummary(workerProblems));
}
