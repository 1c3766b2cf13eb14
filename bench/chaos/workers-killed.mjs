// Chaos: workers killed mid-run. A run across 3 worker processes; every ~2 s the oldest worker (round robin)
// is killed with SIGKILL — no drain, chunks and claimed recipients left mid-flight — and a fresh one is started.
// Then: the run completes, every recipient is in a terminal state, no callback data reached the provider twice.
//
// Full: 100,000 recipients at 1,000 msg/s (Meta's highest rate: ≈ 100 s of sending), 10 kills.
// Smoke: 3,000 recipients at 250 msg/s (≈ 12 s), 3 kills.
// Workers: CAMPAIGN_RECONCILE_INTERVAL_MS=2000; SEND_UNCONFIRMED_AFTER_SECONDS=30 (smoke 15): how long a send a
// killed worker claimed waits for its status webhook before it is released and sent again (production: 120).
// The simulator posts status webhooks to the API (as in production), which settle the sends a killed worker
// made but never recorded.
import { fmt, int, sleep, stopProcess, waitFor } from '../lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedCampaign,
  runTruth,
  seedAudience,
  settledChecks,
  simTruth,
  startRun,
  waitRun,
} from '../lib/campaign.mjs';

export const describe =
  'a 100,000-recipient run across 3 workers; one killed with SIGKILL every ~2 s (10 times) and replaced; 0 lost, 0 duplicated';

const PHONE = '109000000000011';
const WORKERS = 3;
const KILL_EVERY_MS = 2_000;

export async function run({ bench, figures, smoke, say }) {
  const recipients = smoke ? 3_000 : 100_000;
  const rate = smoke ? 250 : 1_000;
  const kills = smoke ? 3 : 10;
  const unconfirmedAfter = smoke ? 15 : 30;
  const workerEnv = {
    CAMPAIGN_RECONCILE_INTERVAL_MS: '2000',
    SEND_UNCONFIRMED_AFTER_SECONDS: String(unconfirmedAfter),
    // Smoke: chunks of 50, so 60 chunks: more than the 3 workers take at once (WORKER_CONCURRENCY 10 each), as
    // in the full run (100 chunks of 1,000), and a replacement finds work waiting.
    ...(smoke ? { CAMPAIGN_CHUNK_SIZE: '50' } : {}),
  };

  await bench.setup();
  const pg = bench.pg();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  const { url } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace('Chaos: workers killed');

  let started = 0;
  const startWorker = () => bench.startWorker(workerEnv, { name: `worker-${++started}` });
  const workers = [];
  for (let i = 0; i < WORKERS; i++) workers.push(await startWorker());

  say(`seeding ${int(recipients)} contacts`);
  await seedAudience(pg, api.workspaceId, 'all', recipients);
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate });
  const campaignId = await approvedCampaign(api, channelId, 'Chaos workers killed');

  const acceptedSoFar = async (runId) =>
    (
      await pg.query(
        'SELECT count(*) FILTER (WHERE accepted_at IS NOT NULL)::int AS n FROM campaign_recipients WHERE run_id = $1',
        [runId],
      )
    ).rows[0].n;

  const { runId, requestedAt } = await startRun(api, campaignId, ['all']);
  // Kills start once sending is well under way (2 % accepted): the start and the fan-out are not what is tested.
  await waitFor('2 % of the run accepted', async () => (await acceptedSoFar(runId)) >= recipients * 0.02, 300_000, 100);

  // What became of the sends a killed worker had in hand (`sending` under its claim at the kill), AFTER_KILL_MS later:
  // queued again or taken by another worker (they never left it: rule 5 of ADR 0009), settled by their status, or
  // still waiting for the evidence. The victim is the worker among the claimants whose beats stopped.
  const AFTER_KILL_MS = 6_000;
  const inHand = { total: 0, requeued: 0, settled: 0, inDoubt: 0 };
  const looks = [];
  const lookAfterKill = async (killAt, snapshot, alive) => {
    await sleep(Math.max(0, killAt + AFTER_KILL_MS - Date.now()));
    const { rows: gone } = await pg.query(`SELECT id FROM send_workers WHERE id = ANY($1::uuid[]) AND seen_at < now() - interval '3 seconds'`, [alive]);
    if (gone.length !== 1) return; // not told apart (should not happen): left out of the figure
    const victimId = gone[0].id;
    const ids = snapshot.filter((r) => r.claimed_by === victimId).map((r) => r.id);
    const { rows } = await pg.query(
      `SELECT count(*) FILTER (WHERE status = 'sending' AND claimed_by = $2)::int AS in_doubt,
              count(*) FILTER (WHERE status = 'queued' OR (claimed_by IS DISTINCT FROM $2 AND claimed_by IS NOT NULL))::int AS requeued
         FROM campaign_recipients WHERE id = ANY($1::bigint[])`,
      [ids, victimId],
    );
    inHand.total += ids.length;
    inHand.inDoubt += rows[0].in_doubt;
    inHand.requeued += rows[0].requeued;
    inHand.settled += ids.length - rows[0].in_doubt - rows[0].requeued;
  };

  const log = [];
  let lastKillAt = 0;
  for (let k = 1; k <= kills; k++) {
    const killAt = Date.now();
    const victim = workers.shift();
    const accepted = await acceptedSoFar(runId);
    victim.kill('SIGKILL');
    await victim.exited;
    const { rows: snapshot } = await pg.query(
      `SELECT id, claimed_by FROM campaign_recipients WHERE run_id = $1 AND status = 'sending' AND claimed_by IS NOT NULL`,
      [runId],
    );
    // Claimants still beating at the kill (the victim's last beat is under a second old): earlier victims are not.
    const { rows: alive } = await pg.query(`SELECT id FROM send_workers WHERE id = ANY($1::uuid[]) AND seen_at > now() - interval '2 seconds'`, [
      [...new Set(snapshot.map((r) => r.claimed_by))],
    ]);
    looks.push(lookAfterKill(killAt, snapshot, alive.map((r) => r.id)));
    lastKillAt = Date.now();
    log.push({ k, name: victim.label, accepted, at: killAt });
    say(`kill ${k}/${kills}: ${victim.label} (SIGKILL) with ${int(accepted)} of ${int(recipients)} accepted`);
    workers.push(await startWorker());
    if (k < kills) await sleep(Math.max(0, KILL_EVERY_MS - (Date.now() - killAt)));
  }
  const duringRun = log.filter((l) => l.accepted > 0 && l.accepted < recipients).length;
  // Sending while the kills go on: a killed worker's chunks wait for their lock to expire (10 s) and for the
  // stalled-job check, and the rate-limit slots it had reserved go unused.
  const stormSeconds = (log.at(-1).at - log[0].at) / 1000;
  const stormSent = log.at(-1).accepted - log[0].accepted;

  await Promise.all(looks);
  let toldAt = 0;
  const view = await waitRun(api, campaignId, runId, {
    timeoutMs: (smoke ? 5 : 20) * 60_000,
    everyMs: 500,
    onTick: async (r) => {
      if (Date.now() - toldAt < 5_000) return;
      toldAt = Date.now();
      say(`run ${r.status}: ${int(await acceptedSoFar(runId))} of ${int(recipients)} accepted`);
    },
  });
  const finishedAt = Date.now();
  const truth = await runTruth(pg, runId);
  const [again] = (
    await pg.query('SELECT count(*) FILTER (WHERE attempts > 1)::int AS n FROM campaign_recipients WHERE run_id = $1', [runId])
  ).rows;
  const sending = (truth.lastAccept - truth.firstClaim) / 1000;
  const s = await simTruth(sim, PHONE);

  figures.add('recipients; channel rate', `${int(recipients)}; ${int(rate)} msg/s`);
  figures.add(
    'workers',
    `${WORKERS} at a time, ${started} started in all (CAMPAIGN_RECONCILE_INTERVAL_MS=2000, SEND_UNCONFIRMED_AFTER_SECONDS=${unconfirmedAfter})`,
  );
  figures.add('kills (SIGKILL) done', kills, `= ${kills}`, log.length === kills);
  figures.add('kills while the run was sending', duringRun, `= ${kills}`, duringRun === kills);
  figures.add('accepted at each kill', log.map((l) => `${fmt((100 * l.accepted) / recipients, 0)} %`).join(', '));
  figures.add(
    'sends/s from the first kill to the last',
    `${int(stormSent / stormSeconds)} (${int(stormSent)} in ${fmt(stormSeconds)} s)`,
  );
  figures.add(
    'run duration (requested → completed)',
    `${fmt((new Date(view.completedAt ?? finishedAt).getTime() - requestedAt) / 1000)} s`,
  );
  figures.add('sending (first claim → last acceptance)', `${fmt(sending)} s`);
  figures.add('sends/s over the run', `${int(truth.accepted / sending)} (channel rate ${int(rate)})`);
  figures.add('last kill → run completed', `${fmt((finishedAt - lastKillAt) / 1000)} s`);
  figures.add('recipients claimed more than once (handed over after a kill)', int(again.n));
  figures.add(
    `a killed worker's sends in hand, ${AFTER_KILL_MS / 1000} s after the kill`,
    `${int(inHand.total)}: ${int(inHand.requeued)} queued again (never left it), ${int(inHand.settled)} settled by their status, ${int(inHand.inDoubt)} in doubt`,
  );
  figures.add('simulator throttle violations', int(s.violations));
  figures.check('run status', view.status, 'completed');
  figures.check('recipients the provider took (Postgres accepted)', truth.accepted, recipients);
  await settledChecks(figures, pg, sim, [runId], PHONE);

  await Promise.all(workers.map((w) => stopProcess(w)));
}
