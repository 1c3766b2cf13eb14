#!/usr/bin/env node
// Benchmark (not a test): does a run start at its timeToRun?
//
//   npm run bench:schedule                  # 5 runs, scheduled 10 s to 30 s ahead; target: ≤ 1 s late each
//   npm run bench:schedule -- --smoke       # 2 runs, 4 s and 6 s ahead (CI)
//   npm run bench:schedule -- --runs 10
//
// Each run (100 recipients) is created through the API with a timeToRun a few seconds ahead; its delayed start
// job waits in BullMQ until then; 2 worker processes. The figure per run is the first acceptance by the
// provider (min accepted_at: the send has returned) minus timeToRun; the first claim (min sending_at, just
// before the send) is printed too. Target: every run's first send ≤ 1 s after timeToRun, and none before it.
import { Bench, Figures, fmt, parseArgs, runBench, sleep } from './lib/harness.mjs';
import { Api, addChannel, approvedCampaign, runTruth, seedAudience, simTruth, startRun, waitRun } from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { smoke: 'bool', keep: 'bool', runs: 'int' },
  'node bench/schedule.mjs [--runs N] [--smoke] [--keep]',
);
const RUNS = opts.runs ?? (opts.smoke ? 2 : 5);
const FIRST_AHEAD_S = opts.smoke ? 4 : 10;
const SPACING_S = opts.smoke ? 2 : 5;
const TARGET_LATE_S = 1;
const PHONE = '109000000000555';

await runBench(new Bench('schedule', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const figures = new Figures('schedule', `Schedule precision — ${RUNS} runs${opts.smoke ? ' (smoke)' : ''}`);
  const pg = bench.pg();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  const { url } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  await bench.startWorker({}, { name: 'worker-1' });
  await bench.startWorker({}, { name: 'worker-2' });
  await seedAudience(pg, api.workspaceId, 'all', 100);
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate: 1000 });
  const campaignId = await approvedCampaign(api, channelId);

  const base = Date.now() + FIRST_AHEAD_S * 1000;
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    // Whole seconds plus a varying fraction, so nothing lines up with a timer tick by accident.
    const timeToRun = new Date(Math.floor(base / 1000) * 1000 + i * SPACING_S * 1000 + ((i * 337) % 1000));
    runs.push({ ...(await startRun(api, campaignId, ['all'], timeToRun)), timeToRun });
  }
  let worst = -Infinity;
  let early = 0;
  for (const [i, run] of runs.entries()) {
    const wait = run.timeToRun.getTime() - Date.now();
    if (wait > 0) await sleep(wait);
    const view = await waitRun(api, campaignId, run.runId, { timeoutMs: 120_000, everyMs: 200 });
    const truth = await runTruth(pg, run.runId);
    const lateSend = (truth.firstAccept - run.timeToRun) / 1000;
    const lateClaim = (truth.firstClaim - run.timeToRun) / 1000;
    worst = Math.max(worst, lateSend);
    if (lateClaim < 0) early += 1;
    figures.add(
      `run ${i + 1}: first send − timeToRun`,
      `${fmt(lateSend, 3)} s (first claim ${fmt(lateClaim, 3)} s)`,
      opts.smoke ? '' : `≤ ${TARGET_LATE_S} s`,
      opts.smoke ? undefined : lateSend <= TARGET_LATE_S && lateClaim >= 0,
    );
    figures.check(`run ${i + 1}: status`, view.status, 'completed');
  }
  figures.add('worst first send − timeToRun', `${fmt(worst, 3)} s`, `≤ ${TARGET_LATE_S} s`, worst <= TARGET_LATE_S);
  figures.check('runs that sent before their timeToRun', early, 0);
  const s = await simTruth(sim, PHONE);
  figures.check('simulator accepted', s.accepted, RUNS * 100);
  figures.check('simulator: callback data accepted twice', s.duplicates, 0);
  return figures.print();
});
