#!/usr/bin/env node
// Benchmark (not a test): does a number's rate limit hold, shared by several worker processes, and is it used?
//
//   npm run bench:rate-limit                   # 3 workers; 80 msg/s for 60 s, then 1,000 msg/s for 20 s
//   npm run bench:rate-limit -- --smoke        # 3 workers; 80 msg/s for 5 s, then 1,000 msg/s for 3 s (CI)
//   npm run bench:rate-limit -- --seconds 30   # both phases this long
//   npm run bench:rate-limit -- --limit 1000   # only the 1,000 msg/s phase
//   npm run bench:rate-limit -- --without-statuses   # the simulator sends no status webhooks (diagnosis)
//
// For each limit L and duration D: a channel whose number the simulator also limits to L messages per any
// sliding second (it answers 130429 beyond and counts a violation), a run of L × D recipients with 3 worker
// processes, statuses flowing back as in production. Figures: achieved ÷ L, where achieved is the rate the
// provider saw (the simulator's accepted sends for the number − 1, over the time from its first to its last),
// and the simulator's violations in any 1-second window. Also printed, without a target: the end-to-end rate
// from Postgres, recipients ÷ (last acceptance recorded − first claim), which adds the claim's lead before the
// first slot and the recording after the last send. Targets: achieved ÷ L ≥ 0.97 and 0 violations (the smoke
// form checks violations and completeness only).
import { Bench, Figures, fmt, int, parseArgs, runBench } from './lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedCampaign,
  registerPhone,
  runTruth,
  seedAudience,
  simTruth,
  startRun,
  waitRun,
} from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { smoke: 'bool', keep: 'bool', seconds: 'int', workers: 'int', limit: 'int', withoutStatuses: 'bool' },
  'node bench/rate-limit.mjs [--seconds S] [--workers N] [--limit 80|1000] [--without-statuses] [--smoke] [--keep]',
);
const WORKERS = opts.workers ?? 3;
const TARGET_USE = 0.97;
const PHASES = [
  { limit: 80, seconds: opts.seconds ?? (opts.smoke ? 5 : 60), phone: '109000000000080' },
  { limit: 1000, seconds: opts.seconds ?? (opts.smoke ? 3 : 20), phone: '109000000001000' },
].filter((phase) => opts.limit === undefined || phase.limit === opts.limit);
if (PHASES.length === 0) throw new Error('--limit: 80 or 1000');

await runBench(new Bench('rate-limit', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const figures = new Figures(
    'rate-limit',
    `Rate limits — ${WORKERS} worker processes, one number per phase${opts.smoke ? ' (smoke)' : ''}`,
  );
  const pg = bench.pg();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  const { url } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  for (let n = 1; n <= WORKERS; n++) await bench.startWorker({}, { name: `worker-${n}` });

  let offset = 0;
  for (const phase of PHASES) {
    const recipients = phase.limit * phase.seconds;
    const audience = `rate-${phase.limit}`;
    await seedAudience(pg, api.workspaceId, audience, recipients, { offset });
    offset += recipients;
    const channelId = await addChannel(api, sim, pg, { phone: phase.phone, rate: phase.limit });
    const campaignId = await approvedCampaign(api, channelId, `Rate ${phase.limit}`);
    // Diagnosis: the same run without status webhooks (the workers then only send).
    if (opts.withoutStatuses) await registerPhone(sim, phase.phone, phase.limit);
    bench.say(`${int(recipients)} recipients at ${phase.limit} msg/s`);
    const { runId } = await startRun(api, campaignId, [audience]);
    const view = await waitRun(api, campaignId, runId, { timeoutMs: (phase.seconds * 3 + 120) * 1000 });
    const truth = await runTruth(pg, runId);
    const s = await simTruth(sim, phase.phone);
    const spanMs = s.stats.accepted.timesByPhoneNumberId?.[phase.phone]?.spanMs ?? 0;
    const achieved = spanMs > 0 ? ((s.accepted - 1) * 1000) / spanMs : 0;
    const seconds = (truth.lastAccept - truth.firstClaim) / 1000;
    const endToEnd = truth.accepted / seconds;
    const violations = s.stats.throttle.byPhoneNumberId?.[phase.phone] ?? 0;
    const label = `${phase.limit} msg/s for ${phase.seconds} s`;
    figures.add(
      `${label}: achieved at the provider`,
      `${fmt(achieved, 1)} msg/s (${int(s.accepted)} in ${fmt(spanMs / 1000, 3)} s)`,
    );
    figures.add(
      `${label}: end to end (first claim → last acceptance recorded)`,
      `${fmt(endToEnd, 1)} msg/s (${int(truth.accepted)} in ${fmt(seconds, 2)} s), ${fmt(endToEnd / phase.limit, 4)} of the limit`,
    );
    figures.add(
      `${label}: achieved ÷ limit`,
      fmt(achieved / phase.limit, 4),
      opts.smoke ? '' : `≥ ${TARGET_USE}`,
      opts.smoke ? undefined : achieved / phase.limit >= TARGET_USE,
    );
    figures.add(`${label}: simulator violations (any 1-s window)`, violations, '= 0', violations === 0);
    figures.check(`${label}: run status`, view.status, 'completed');
    figures.check(`${label}: recipients accepted`, truth.accepted, recipients);
    figures.check(`${label}: simulator accepted for the number`, s.accepted, recipients);
  }
  const s = await simTruth(sim, PHASES[0].phone);
  figures.check('simulator: callback data accepted twice', s.duplicates, 0);
  return figures.print([`the simulator limits each number to its rate over any sliding second and counts each refusal`]);
});
