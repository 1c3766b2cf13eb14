// Chaos: Redis loses everything (FLUSHALL on a Redis of the scenario's own, so nobody else's data is touched).
//   a. mid-run: a run of 100,000 recipients (smoke 3,000); FLUSHALL once ~30 % are accepted. Every job, job
//      schedule and rate-limit key is gone; the reconciler sees its epoch key missing and rebuilds the chunks
//      from Postgres. The run must complete.
//   b. scheduled: two runs scheduled 20 s ahead (smoke 8 s); FLUSHALL while they are not yet due, so their
//      delayed start jobs are gone. They must still fire at their time: first claim − timeToRun ≥ 0 and within
//      the bound below, and complete.
// Then the verdict over the three runs: every recipient in a terminal state, no callback data accepted twice.
//
// Channel: 1,000 msg/s (Meta's highest rate; ≈ 100 s for the full run), smoke 250 msg/s. 2 workers with
// CAMPAIGN_RECONCILE_INTERVAL_MS=2000. The simulator posts status webhooks to the API, as in production.
//
// Bound on the lateness of a scheduled run after a flush: the reconcile interval + 5 s. After FLUSHALL the
// job schedulers are gone too; every worker registers them again within one reconcile interval, and the
// reconcile job then runs at once, sees the epoch key missing and queues every scheduled start with the delay
// left to its timeToRun. So a flush more than an interval before the due time costs nothing; the 5 s cover
// the start itself (fan-out in one statement) and the first batch's rate-limit slot on a busy 2-core machine.
import { fmt, int, sleep, stopProcess, waitFor } from '../lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedCampaign,
  refusalText,
  runTruth,
  seedAudience,
  settledChecks,
  simTruth,
  startRun,
  waitRun,
} from '../lib/campaign.mjs';

export const describe =
  'Redis flushed (FLUSHALL) mid-run, and again while runs are scheduled but not due: runs complete, scheduled runs fire at their time';

const PHONE = '109000000000012';
const WORKERS = 2;
const RECONCILE_MS = 2_000;
const LATE_BOUND_MS = RECONCILE_MS + 5_000;

export async function run({ bench, figures, smoke, say }) {
  const recipients = smoke ? 3_000 : 100_000;
  const scheduledEach = smoke ? 500 : 10_000;
  const ahead = smoke ? 8_000 : 20_000;
  const rate = smoke ? 250 : 1_000;
  const workerEnv = {
    CAMPAIGN_RECONCILE_INTERVAL_MS: String(RECONCILE_MS),
    // Smoke: chunks of 100 (30 for the mid-run flush); full: the default 1,000 (100 chunks).
    ...(smoke ? { CAMPAIGN_CHUNK_SIZE: '100' } : {}),
  };

  await bench.setup({ privateRedis: true });
  const pg = bench.pg();
  const redis = bench.redisClient();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  const { url } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace('Chaos: Redis flushed');
  const workers = [];
  for (let i = 1; i <= WORKERS; i++) workers.push(await bench.startWorker(workerEnv, { name: `worker-${i}` }));

  say(`seeding ${int(recipients)} + 2 × ${int(scheduledEach)} contacts`);
  await seedAudience(pg, api.workspaceId, 'now', recipients);
  await seedAudience(pg, api.workspaceId, 'later-1', scheduledEach, { offset: recipients });
  await seedAudience(pg, api.workspaceId, 'later-2', scheduledEach, { offset: recipients + scheduledEach });
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate });
  const campaignId = await approvedCampaign(api, channelId, 'Chaos Redis flushed');

  const acceptedSoFar = async (runId) =>
    (
      await pg.query(
        'SELECT count(*) FILTER (WHERE accepted_at IS NOT NULL)::int AS n FROM campaign_recipients WHERE run_id = $1',
        [runId],
      )
    ).rows[0].n;
  const flush = async () => {
    const keysBefore = await redis.dbsize();
    await redis.flushall();
    return keysBefore;
  };
  const progress = (runId, total) => {
    let toldAt = 0;
    return async (r) => {
      if (Date.now() - toldAt < 5_000) return;
      toldAt = Date.now();
      say(`run ${runId.slice(0, 8)} ${r.status}: ${int(await acceptedSoFar(runId))} of ${int(total)} accepted`);
    };
  };
  const timeout = (smoke ? 5 : 20) * 60_000;

  // a. FLUSHALL mid-run.
  const now = await startRun(api, campaignId, ['now']);
  await waitFor('30 % of the run accepted', async () => (await acceptedSoFar(now.runId)) >= recipients * 0.3, timeout, 50);
  const acceptedAtFlush = await acceptedSoFar(now.runId);
  const keysA = await flush();
  const flushedA = Date.now();
  say(`FLUSHALL mid-run (${int(keysA)} keys) with ${int(acceptedAtFlush)} of ${int(recipients)} accepted`);
  const viewA = await waitRun(api, campaignId, now.runId, { timeoutMs: timeout, onTick: progress(now.runId, recipients) });
  const doneA = Date.now();
  const truthA = await runTruth(pg, now.runId);
  const sendingA = (truthA.lastAccept - truthA.firstClaim) / 1000;

  figures.add('channel rate; workers', `${int(rate)} msg/s; ${WORKERS} (CAMPAIGN_RECONCILE_INTERVAL_MS=${RECONCILE_MS})`);
  figures.add('a. run: recipients', int(recipients));
  figures.add(
    'a. FLUSHALL mid-run at',
    `${int(acceptedAtFlush)} accepted (${fmt((100 * acceptedAtFlush) / recipients, 0)} %), ${int(keysA)} keys flushed`,
    'mid-run',
    acceptedAtFlush > 0 && acceptedAtFlush < recipients,
  );
  figures.add('a. FLUSHALL → run completed', `${fmt((doneA - flushedA) / 1000)} s`);
  figures.add(
    'a. sending (first claim → last acceptance)',
    `${fmt(sendingA)} s, ${int(truthA.accepted / sendingA)} sends/s (channel rate ${int(rate)})`,
  );
  figures.check('a. run status', viewA.status, 'completed');
  figures.check('a. recipients the provider took (Postgres accepted)', truthA.accepted, recipients);

  // b. FLUSHALL while two runs are scheduled but not due.
  const timeToRun = new Date(Date.now() + ahead);
  const later = [];
  for (const audience of ['later-1', 'later-2']) later.push(await startRun(api, campaignId, [audience], timeToRun));
  // Their start jobs are in Redis now (the API queues them, delayed to timeToRun): the flush must take them.
  const jobsBefore = (await Promise.all(later.map((r) => redis.exists(`${bench.redisPrefix}:campaigns:${r.runId}`)))).filter(
    (n) => n === 1,
  ).length;
  await sleep(Math.min(2_000, ahead / 4));
  const keysB = await flush();
  const flushedB = Date.now();
  const jobsAfter = (await Promise.all(later.map((r) => redis.exists(`${bench.redisPrefix}:campaigns:${r.runId}`)))).filter(
    (n) => n === 1,
  ).length;
  say(`FLUSHALL with 2 runs due in ${fmt((timeToRun.getTime() - flushedB) / 1000)} s (${int(keysB)} keys)`);
  const views = [];
  for (const r of later)
    views.push(await waitRun(api, campaignId, r.runId, { timeoutMs: timeout, onTick: progress(r.runId, scheduledEach) }));

  figures.add('b. runs scheduled; recipients each', `2; ${int(scheduledEach)}`);
  figures.add(
    'b. FLUSHALL before the runs were due',
    `${fmt((timeToRun.getTime() - flushedB) / 1000)} s before timeToRun`,
    `> ${fmt((2 * RECONCILE_MS) / 1000, 0)} s`,
    timeToRun.getTime() - flushedB > 2 * RECONCILE_MS,
  );
  figures.check('b. start jobs in Redis before FLUSHALL', jobsBefore, 2);
  figures.check('b. start jobs in Redis right after FLUSHALL', jobsAfter, 0);
  for (const [i, r] of later.entries()) {
    const truth = await runTruth(pg, r.runId);
    const late = truth.firstClaim ? truth.firstClaim.getTime() - timeToRun.getTime() : NaN;
    figures.add(
      `b. run ${i + 1}: first claim − timeToRun`,
      `${fmt(late / 1000, 2)} s`,
      `0 … ${fmt(LATE_BOUND_MS / 1000, 0)} s`,
      late >= 0 && late <= LATE_BOUND_MS,
    );
    figures.check(`b. run ${i + 1}: status`, views[i].status, 'completed');
    figures.check(`b. run ${i + 1}: recipients the provider took`, truth.accepted, scheduledEach);
  }

  // When each refusal came against the flushes, and what the number's window held then (the simulator's record of
  // its first refusals): a burst after a flush would show as refusals within a second or two of it with sends too
  // close all along; a receiver-side pause as a pause then sends taken in together.
  const { violations, stats } = await simTruth(sim, PHONE);
  const refusals = (stats.throttle.refusals ?? []).filter((r) => r.phoneNumberId === PHONE);
  const since = (at) => {
    const t = Date.parse(at);
    const [flush, ms] = t >= flushedB ? ['b', t - flushedB] : ['a', t - flushedA];
    return `${fmt(ms / 1000, 1)} s after flush ${flush}`;
  };
  const told = refusals.slice(0, 5).map((r) => `${since(r.at)}: ${refusalText(r, rate)}`);
  figures.add(
    'simulator throttle violations (the flush also resets the rate limiter)',
    violations === 0 ? 0 : `${int(violations)}${told.length ? ` (${told.join('; ')})` : ''}`,
  );
  await settledChecks(figures, pg, sim, [now.runId, ...later.map((r) => r.runId)], PHONE);
  await Promise.all(workers.map((w) => stopProcess(w)));
}
