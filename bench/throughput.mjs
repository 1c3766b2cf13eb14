#!/usr/bin/env node
// Benchmark (not a test): how close a campaign run sends to what the provider accepts.
//
//   npm run bench:throughput                        # 100,000 recipients; target: run ÷ simulator capacity ≥ 0.70
//   npm run bench:throughput -- --smoke             # 5,000 recipients: correctness only (CI)
//   npm run bench:throughput -- --recipients 50000 --workers 2
//   npm run bench:throughput -- --profile           # CPU-profile the workers; prints the hottest functions
//
// One simulator (no status webhooks: bench/webhooks measures those), one API, a channel whose rate limit and
// tier are out of the way (messages_per_second set to 1,000,000 in SQL, tier unlimited). Then:
//   1. the simulator's capacity: a plain undici load generator posting the very template sends Herald makes,
//      with Herald's concurrency (PROVIDER_CONNECTIONS per worker process), for 5 s;
//   2. a run of N recipients with 1 worker process, then another with 2.
// A run's rate is accepted sends ÷ (last acceptance − first claim), both from Postgres. Each run is checked:
// every recipient accepted, the simulator accepted exactly N for the number, no callback data twice.
import { join } from 'node:path';
import os from 'node:os';
import { rmSync } from 'node:fs';
import { Pool } from 'undici';
import {
  Bench,
  Figures,
  call,
  CpuMeter,
  RssWatch,
  dist,
  fmt,
  int,
  parseArgs,
  requireFromRoot,
  runBench,
  stopProcess,
  summariseProfiles,
  waitFor,
} from './lib/harness.mjs';
import {
  ACCESS_TOKEN,
  Api,
  addChannel,
  approvedCampaign,
  runTruth,
  seedAudience,
  registerPhone,
  simTruth,
  startRun,
  waitRun,
} from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { recipients: 'int', workers: 'int', smoke: 'bool', keep: 'bool', profile: 'bool', capacitySeconds: 'int' },
  'node bench/throughput.mjs [--recipients N] [--workers 1|2] [--capacity-seconds S] [--smoke] [--keep] [--profile]',
);
const RECIPIENTS = opts.recipients ?? (opts.smoke ? 5_000 : 100_000);
const MAX_WORKERS = opts.workers ?? 2;
const TARGET_RATIO = 0.7;
const TARGET_SIM = 10_000;
const PHONE = '109000000000001';
const CONNECTIONS = 64; // PROVIDER_CONNECTIONS' default: each worker process keeps this many to the provider
const WORKER_ENV = { PROVIDER_CONNECTIONS: String(CONNECTIONS) };

/** CPU seconds per process → "name N µs, …" per send, and the total. */
function perSend(used, sends) {
  const parts = Object.entries(used)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${fmt((v * 1e6) / sends, 0)}`);
  return `${parts.join(', ')}; total ${fmt(perSendTotal(used, sends), 0)} µs`;
}

const perSendTotal = (used, sends) => (Object.values(used).reduce((a, b) => a + b, 0) * 1e6) / sends;

/**
 * Posts Herald's own template payloads (built with its code) for 1 s of warm-up, then for `seconds`; returns
 * accepted sends per second over the measured part.
 */
async function capacity(sim, campaign, concurrency, seconds) {
  await generate(sim, campaign, concurrency, 1);
  return generate(sim, campaign, concurrency, seconds);
}

async function generate(sim, campaign, concurrency, seconds) {
  const { toTemplateMessage } = requireFromRoot(dist('libs/campaigns/src/campaign-message.util.js'));
  const { toGraphMessage } = requireFromRoot(dist('libs/channels/src/whatsapp/graph-payload.util.js'));
  const template = {
    name: campaign.template_name,
    languageCode: campaign.language_code,
    imgUrl: campaign.img_url,
    buttons: campaign.buttons,
  };
  const pool = new Pool(sim.url, { connections: concurrency, keepAliveTimeout: 30_000 });
  const path = `/v26.0/${PHONE}/messages`;
  const headers = { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' };
  let ok = 0;
  let failed = 0;
  let next = 0;
  const meter = new CpuMeter({ simulator: sim.child }).start();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const i = next++;
        const body = JSON.stringify(
          toGraphMessage(
            `+919${String(900_000_000 + (i % 99_999_999))}`,
            toTemplateMessage(template, [`Guest ${i}`]),
            `cap:${i}`,
          ),
        );
        const res = await pool.request({ method: 'POST', path, headers, body });
        await res.body.dump();
        if (res.statusCode === 200) ok += 1;
        else failed += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const { used } = meter.stop();
  await pool.close();
  return { rate: ok / elapsed, ok, failed, used };
}

await runBench(new Bench('throughput', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const figures = new Figures('throughput', `Throughput — ${int(RECIPIENTS)} recipients per run${opts.smoke ? ' (smoke)' : ''}`);
  const pg = bench.pg();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  const { url, child: apiChild } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  const profileDir = opts.profile ? join(os.tmpdir(), `herald-throughput-profile-${Date.now().toString(36)}`) : undefined;
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  const nodeArgs = (n) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `worker-${n}`)}`] : []);
  const workers = [await bench.startWorker(WORKER_ENV, { name: 'worker-1', nodeArgs: nodeArgs(1) })];

  bench.say(`seeding ${int(RECIPIENTS)} contacts`);
  await seedAudience(pg, api.workspaceId, 'all', RECIPIENTS);
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate: 1_000_000 });
  const campaignId = await approvedCampaign(api, channelId);
  await registerPhone(sim, PHONE, 1_000_000); // no status webhooks from here on: bench/webhooks measures those
  const [campaign] = (
    await pg.query('SELECT template_name, language_code, img_url, buttons FROM campaigns WHERE id = $1', [campaignId])
  ).rows;

  // 1. The simulator's capacity with each concurrency Herald will use (sends go to the same number, so reset after).
  const capacities = {};
  const floors = {};
  for (let n = 1; n <= MAX_WORKERS; n++) {
    const c = await capacity(sim, campaign, CONNECTIONS * n, opts.smoke ? 2 : (opts.capacitySeconds ?? 5));
    capacities[n] = c.rate;
    floors[n] = { used: c.used, sends: c.ok };
    figures.add(
      `simulator capacity, ${CONNECTIONS * n} connections (load generator)`,
      `${int(c.rate)} sends/s (CPU per send: ${perSend(c.used, c.ok)})`,
      opts.smoke ? '' : `≥ ${int(TARGET_SIM)}`,
      opts.smoke ? undefined : c.rate >= TARGET_SIM,
    );
    if (c.failed > 0) figures.check('capacity sends that failed', c.failed, 0);
  }
  await call(sim.url, 'POST', '/_sim/reset', { body: {} });

  // 2. Runs with 1, then 2 workers.
  let best = 0;
  let accepted = 0;
  for (let n = 1; n <= MAX_WORKERS; n++) {
    while (workers.length < n)
      workers.push(
        await bench.startWorker(WORKER_ENV, { name: `worker-${workers.length + 1}`, nodeArgs: nodeArgs(workers.length + 1) }),
      );
    const { runId } = await startRun(api, campaignId, ['all']);
    // The CPU meter starts at the first claim: fan-out (bench/scale measures it) is not a cost of sending.
    await waitFor(
      'the first claim',
      async () =>
        (await pg.query('SELECT 1 FROM campaign_recipients WHERE run_id = $1 AND sending_at IS NOT NULL LIMIT 1', [runId]))
          .rowCount > 0,
      120_000,
      20,
    );
    const watches = workers.map((w) => new RssWatch(w));
    const meter = new CpuMeter({
      simulator: sim.child,
      api: apiChild,
      ...Object.fromEntries(workers.map((w) => [w.label, w])),
    }).start();
    const view = await waitRun(api, campaignId, runId, { timeoutMs: 20 * 60_000, everyMs: 100 });
    const { used } = meter.stop();
    const peaks = watches.map((w) => fmt(w.stop() / 1024 ** 2, 0));
    const truth = await runTruth(pg, runId);
    const seconds = (truth.lastAccept - truth.firstClaim) / 1000;
    const rate = truth.accepted / seconds;
    accepted += truth.accepted;
    best = Math.max(best, rate / capacities[n]);
    const ceiling = (2 * 1e6) / perSendTotal(used, truth.accepted);
    figures.add(
      `run with ${n} worker${n > 1 ? 's' : ''}`,
      `${int(rate)} sends/s (${int(truth.accepted)} in ${fmt(seconds, 2)} s)`,
    );
    figures.add(`  CPU per send`, perSend(used, truth.accepted));
    figures.add(`  peak RSS of the worker${n > 1 ? 's' : ''} (VmHWM)`, `${peaks.join(' / ')} MB`);
    figures.add(`  ratio to simulator capacity (${CONNECTIONS * n} connections)`, fmt(rate / capacities[n], 3));
    // What the ratio could be on these 2 cores if the worker cost no more than the bare load generator: the
    // simulator's and the load generator's CPU per send, against that plus Postgres', Redis' and the API's.
    const floor = floors[n];
    const bare = (floor.used.simulator + floor.used['load generator / bench']) / floor.sends;
    const servers = (used.postgres + used['redis-server'] + used.api) / truth.accepted;
    figures.add(
      `  ratio bound with a worker as cheap as the load generator`,
      `${fmt(bare / (bare + servers), 3)} (Postgres + Redis + API: ${fmt(servers * 1e6, 0)} µs per send)`,
    );
    figures.add(`  machine ceiling at this CPU per send (2 cores)`, `${int(ceiling)} sends/s`);
    figures.check(`run ${n}: status`, view.status, 'completed');
    figures.check(`run ${n}: recipients accepted (Postgres)`, truth.accepted, RECIPIENTS);
    figures.check(`run ${n}: distinct provider message ids`, truth.distinctIds, RECIPIENTS);
  }
  figures.add(
    'best ratio to simulator capacity',
    fmt(best, 3),
    opts.smoke ? '' : `≥ ${TARGET_RATIO}`,
    opts.smoke ? undefined : best >= TARGET_RATIO,
  );
  const sims = await simTruth(sim, PHONE);
  figures.check('simulator: sends accepted for the number (all runs)', sims.accepted, accepted);
  figures.check('simulator: callback data accepted twice', sims.duplicates, 0);
  const ok = figures.print([`workers: PROVIDER_CONNECTIONS=${CONNECTIONS}; simulator without status webhooks`]);
  if (profileDir) {
    for (const w of workers) await stopProcess(w);
    for (let n = 1; n <= workers.length; n++)
      process.stdout.write(`\nworker-${n}:\n${summariseProfiles(join(profileDir, `worker-${n}`))}\n`);
  }
  return ok;
});
