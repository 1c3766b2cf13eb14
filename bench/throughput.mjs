#!/usr/bin/env node
// Benchmark (not a test): how close a campaign run sends to what the provider accepts.
//
//   npm run bench:throughput                        # 100,000 recipients; targets below
//   npm run bench:throughput -- --smoke             # 5,000 recipients: correctness only (CI)
//   npm run bench:throughput -- --recipients 50000 --workers 2
//   npm run bench:throughput -- --profile           # CPU-profile the workers and the API; prints the hottest functions
//   npm run bench:throughput -- --alloc-profile     # what the workers allocate (the collector's work), by function
//   npm run bench:throughput -- --without-statuses  # diagnosis: no status webhooks (as before 2026-12-02)
//
// One simulator, one API, a channel whose rate limit and tier are out of the way (messages_per_second set to
// 1,000,000 in SQL, tier unlimited), a Redis of the benchmark's own (its CPU: its process tree) and the shared
// Postgres (its CPU: this database's backends and the server's writers, PostgresCpu). Then:
//   1. the simulator's capacity: a plain undici load generator in this process posting the very template sends
//      Herald makes over 64 keep-alive connections per worker process, for 5 s (no webhook URL: the bare
//      simulator);
//   2. a run of N recipients with 1 worker process, then another with 2, with status webhooks on as Meta sends
//      them: sent, delivered and read for every send (probabilities 1; no duplicates or reordering), posted to
//      the API and applied by the workers while the run sends. Workers as shipped: PROVIDER_CONNECTIONS unset
//      (no bound on connections to the provider).
// A run's rate is accepted sends ÷ (last acceptance − first claim), both from Postgres; its ratio is that ÷ the
// capacity. Its CPU is measured from the first claim until every send is `read` in Postgres (the statuses are part
// of a send's cost), per process, per send. Targets (full form): best ratio ≥ 0.35; for each run, Herald's CPU per
// send (workers + API + Postgres + Redis) ≤ 3 × the load generator's own per send. Each run is checked: every
// recipient accepted and read, the simulator accepted exactly N for the number, no callback data twice.
import { join } from 'node:path';
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { Pool } from 'undici';
import {
  Bench,
  Figures,
  call,
  CpuMeter,
  FdWatch,
  PostgresCpu,
  RssWatch,
  dist,
  fmt,
  int,
  parseArgs,
  requireFromRoot,
  runBench,
  stopProcess,
  summariseAllocations,
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
  simConfig,
  simTruth,
  startRun,
  waitRun,
} from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  {
    recipients: 'int',
    workers: 'int',
    smoke: 'bool',
    keep: 'bool',
    profile: 'bool',
    allocProfile: 'bool',
    capacitySeconds: 'int',
    withoutStatuses: 'bool',
  },
  'node bench/throughput.mjs [--recipients N] [--workers 1|2] [--capacity-seconds S] [--without-statuses] [--smoke] [--keep] [--profile] [--alloc-profile]',
);
const RECIPIENTS = opts.recipients ?? (opts.smoke ? 5_000 : 100_000);
const MAX_WORKERS = opts.workers ?? 2;
const TARGET_RATIO = 0.35;
const TARGET_CPU_MULTIPLE = 3;
const TARGET_SIM = 10_000;
const PHONE = '109000000000001';
/** The load generator's connections per worker process (Herald's workers open what they need: no bound). */
const CONNECTIONS = 64;
const WORKER_ENV = {};
const HERALD = (n) => ['api', 'postgres', 'redis-server', ...Array.from({ length: n }, (_, i) => `worker-${i + 1}`)];

/** CPU seconds per process → "name N µs, …" per send, and the total. */
function perSend(used, sends) {
  const parts = Object.entries(used)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${fmt((v * 1e6) / sends, 0)}`);
  return `${parts.join(', ')}; total ${fmt(perSendTotal(used, sends), 0)} µs`;
}

const perSendTotal = (used, sends) => (Object.values(used).reduce((a, b) => a + b, 0) * 1e6) / sends;
const perSendOf = (used, names, sends) => (names.reduce((a, k) => a + (used[k] ?? 0), 0) * 1e6) / sends;

/**
 * Posts Herald's own template payloads (built with its code) for 1 s of warm-up, then for `seconds`; returns
 * accepted sends per second over the measured part.
 */
async function capacity(sim, campaign, concurrency, seconds, servers) {
  await generate(sim, campaign, concurrency, 1, servers);
  return generate(sim, campaign, concurrency, seconds, servers);
}

async function generate(sim, campaign, concurrency, seconds, servers) {
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
  const meter = new CpuMeter({ simulator: sim.child }, { servers }).start();
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
  // A Redis of the benchmark's own (its CPU is then this benchmark's alone: its process tree); Postgres is the
  // shared server (PostgreSQL 15 here, as every earlier figure), its CPU counted by backend (PostgresCpu).
  await bench.setup({ privateRedis: true });
  const servers = { 'redis-server': bench.redis.pid };
  if (!servers['redis-server']) throw new Error('the private Redis has no pid');
  const figures = new Figures('throughput', `Throughput — ${int(RECIPIENTS)} recipients per run${opts.smoke ? ' (smoke)' : ''}`);
  const pg = bench.pg();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  // Status webhooks as Meta sends them for a message that is read: sent, delivered, read.
  await simConfig(sim, {
    statuses: { deliveredProbability: 1, readProbability: 1, duplicateProbability: 0, reorderProbability: 0 },
  });
  const profileDir = opts.profile ? join(os.tmpdir(), `herald-throughput-profile-${Date.now().toString(36)}`) : undefined;
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  const { url, child: apiChild } = await bench.startApi(
    {},
    profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, 'api')}`] } : {},
  );
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  const allocDir = opts.allocProfile ? mkdtempSync(join(os.tmpdir(), 'herald-throughput-alloc-')) : undefined;
  const allocFile = (n) => join(allocDir, `worker-${n}.heapprofile`);
  // What the workers asked of Redis and Postgres: every command the benchmark's Redis processed (the rate limiter's
  // reservations, BullMQ's jobs), and the departure records written (each an update of the worker's send_workers row).
  const redisStats = bench.redisClient();
  const roundTrips = async () => {
    const info = await redisStats.info('stats');
    const departures = await pg.query(`SELECT COALESCE(sum(n_tup_upd), 0)::bigint AS n FROM pg_stat_user_tables WHERE relname = 'send_workers'`);
    return { redis: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN), departures: Number(departures.rows[0].n) };
  };
  const nodeArgs = (n) => [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `worker-${n}`)}`] : []),
    // Without inlining, so an allocation is counted to the function that made it, not to the optimised caller it was
    // inlined into (the workers run a little slower so).
    ...(allocDir ? ['--no-turbo-inlining', '--import', new URL('./lib/alloc-profile.mjs', import.meta.url).href] : []),
  ];
  const workerEnv = (n) => (allocDir ? { ...WORKER_ENV, HERALD_ALLOC_PROFILE_FILE: allocFile(n) } : WORKER_ENV);
  const workers = [await bench.startWorker(workerEnv(1), { name: 'worker-1', nodeArgs: nodeArgs(1) })];

  bench.say(`seeding ${int(RECIPIENTS)} contacts`);
  await seedAudience(pg, api.workspaceId, 'all', RECIPIENTS);
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate: 1_000_000 });
  const campaignId = await approvedCampaign(api, channelId);
  const webhookUrl = `${url}/webhooks/whatsapp/${channelId}`;
  const [campaign] = (
    await pg.query('SELECT template_name, language_code, img_url, buttons FROM campaigns WHERE id = $1', [campaignId])
  ).rows;

  // 1. The bare simulator's capacity (no webhook URL while the load generator runs: its sends match no recipient),
  //    with 64 connections per worker process of the run it is compared with. Sends go to the same number, so
  //    the stats are reset after, and the number registered again with the API's webhook URL.
  await registerPhone(sim, PHONE, 1_000_000);
  const capacities = {};
  const floors = {};
  for (let n = 1; n <= MAX_WORKERS; n++) {
    const c = await capacity(sim, campaign, CONNECTIONS * n, opts.smoke ? 2 : (opts.capacitySeconds ?? 5), servers);
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
  if (!opts.withoutStatuses) await registerPhone(sim, PHONE, 1_000_000, webhookUrl);

  // 2. Runs with 1, then 2 workers, status webhooks on.
  const readCount = async (runId) =>
    (
      await pg.query(`SELECT coalesce(sum(n), 0)::int AS n FROM campaign_run_counts WHERE run_id = $1 AND bucket = 'read'`, [
        runId,
      ])
    ).rows[0].n;
  let best = 0;
  let accepted = 0;
  let statuses = 0;
  for (let n = 1; n <= MAX_WORKERS; n++) {
    while (workers.length < n)
      workers.push(
        await bench.startWorker(workerEnv(workers.length + 1), { name: `worker-${workers.length + 1}`, nodeArgs: nodeArgs(workers.length + 1) }),
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
    const fds = new FdWatch(workers);
    const meter = new CpuMeter(
      { simulator: sim.child, api: apiChild, ...Object.fromEntries(workers.map((w) => [w.label, w])) },
      { servers, self: 'bench (polling)' },
    ).start();
    const pgCpu = await new PostgresCpu(pg, bench.database).start();
    const trips = await roundTrips();
    const view = await waitRun(api, campaignId, runId, { timeoutMs: 20 * 60_000, everyMs: 100 });
    const sentAt = performance.now();
    // A send's statuses are part of its cost: the meter stops once every send is read in Postgres.
    const read = await waitFor(
      'every send to be read',
      async () => {
        if (opts.withoutStatuses) return -1;
        const r = await readCount(runId);
        return r >= RECIPIENTS && r;
      },
      120_000,
      100,
    ).catch(() => readCount(runId));
    const { used, seconds: metered } = meter.stop();
    const pgUsed = await pgCpu.stop();
    const tripsAfter = await roundTrips();
    used.postgres = pgUsed.total;
    const drainSeconds = (performance.now() - sentAt) / 1000;
    const fdCount = fds.stop();
    const peaks = watches.map((w) => fmt(w.stop() / 1024 ** 2, 0));
    const truth = await runTruth(pg, runId);
    const seconds = (truth.lastAccept - truth.firstClaim) / 1000;
    const rate = truth.accepted / seconds;
    accepted += truth.accepted;
    if (!opts.withoutStatuses) statuses += 3 * truth.accepted;
    best = Math.max(best, rate / capacities[n]);
    const herald = HERALD(n);
    const heraldPerSend = perSendOf(used, herald, truth.accepted);
    const floor = floors[n];
    const generatorPerSend = (floor.used['load generator / bench'] * 1e6) / floor.sends;
    const ceiling = (2 * 1e6) / perSendTotal(used, truth.accepted);
    figures.add(
      `run with ${n} worker${n > 1 ? 's' : ''}, status webhooks ${opts.withoutStatuses ? 'OFF' : 'on'}`,
      `${int(rate)} sends/s (${int(truth.accepted)} in ${fmt(seconds, 2)} s)`,
    );
    figures.add(`  ratio to simulator capacity (${CONNECTIONS * n} connections)`, fmt(rate / capacities[n], 3));
    figures.add(
      `  CPU per send, µs (first claim → ${opts.withoutStatuses ? 'completed' : 'all read'}: ${fmt(metered, 1)} s, ${fmt(drainSeconds, 1)} s after the run)`,
      perSend(used, truth.accepted),
    );
    figures.add(
      `  Postgres CPU per send, µs, by backend`,
      ['for API', 'for workers', 'autovacuum', 'background']
        .map((k) => `${k} ${fmt((pgUsed[k] * 1e6) / truth.accepted, 0)}`)
        .join(', '),
    );
    figures.add(
      `  run ${n}: Herald's CPU per send (${herald.join(' + ')}) ÷ the load generator's`,
      `${fmt(heraldPerSend, 0)} ÷ ${fmt(generatorPerSend, 0)} µs = ${fmt(heraldPerSend / generatorPerSend, 2)}×`,
      opts.smoke ? '' : `≤ ${TARGET_CPU_MULTIPLE}×`,
      opts.smoke ? undefined : heraldPerSend <= TARGET_CPU_MULTIPLE * generatorPerSend,
    );
    figures.add(
      '  per send: Redis commands · departure records (send_workers updates)',
      `${fmt((tripsAfter.redis - trips.redis) / truth.accepted, 2)} · ${fmt((tripsAfter.departures - trips.departures) / truth.accepted, 3)}`,
    );
    figures.add(`  peak RSS of the worker${n > 1 ? 's' : ''} (VmHWM)`, `${peaks.join(' / ')} MB`);
    figures.add(
      `  open file descriptors of the worker${n > 1 ? 's' : ''}: peak (at the first claim)`,
      `${int(fdCount.peak)} (${int(fdCount.atStart)}); above ~40 a worker: connections to the provider, idle ones closed after 30 s`,
    );
    // What the ratio could be on these 2 cores if the worker cost no more than the bare load generator: the
    // simulator's and the load generator's CPU per send, against that plus Postgres', Redis' and the API's.
    const bare = (floor.used.simulator + floor.used['load generator / bench']) / floor.sends;
    const serversPerSend = (used.postgres + used['redis-server'] + used.api) / truth.accepted;
    figures.add(
      `  ratio bound with a worker as cheap as the load generator`,
      `${fmt(bare / (bare + serversPerSend), 3)} (Postgres + Redis + API: ${fmt(serversPerSend * 1e6, 0)} µs per send)`,
    );
    figures.add(`  machine ceiling at this CPU per send, statuses included (2 cores)`, `${int(ceiling)} sends/s`);
    figures.check(`run ${n}: status`, view.status, 'completed');
    figures.check(`run ${n}: recipients accepted (Postgres)`, truth.accepted, RECIPIENTS);
    figures.check(`run ${n}: distinct provider message ids`, truth.distinctIds, RECIPIENTS);
    if (!opts.withoutStatuses) figures.check(`run ${n}: recipients read (statuses applied)`, read, RECIPIENTS);
  }
  figures.add(
    `best ratio to simulator capacity, status webhooks ${opts.withoutStatuses ? 'OFF' : 'on'}`,
    fmt(best, 3),
    opts.smoke || opts.withoutStatuses ? '' : `≥ ${TARGET_RATIO}`,
    opts.smoke || opts.withoutStatuses ? undefined : best >= TARGET_RATIO,
  );
  const sims = await simTruth(sim, PHONE);
  figures.check('simulator: sends accepted for the number (all runs)', sims.accepted, accepted);
  figures.check('simulator: callback data accepted twice', sims.duplicates, 0);
  figures.check('simulator: statuses posted (sent, delivered, read per send)', sims.stats.webhooks.statusesSent, statuses);
  figures.check('simulator: webhook POSTs abandoned', sims.stats.webhooks.abandoned, 0);
  const ok = figures.print([
    `workers: PROVIDER_CONNECTIONS ${process.env.PROVIDER_CONNECTIONS ? `=${process.env.PROVIDER_CONNECTIONS} (from the environment)` : 'unset (no bound)'}; ${opts.withoutStatuses ? 'status webhooks OFF (--without-statuses, diagnosis)' : 'status webhooks on: sent, delivered, read for every send'}`,
    `CPU per send: each process over first claim → ${opts.withoutStatuses ? 'run completed' : 'every send read'}; Redis the benchmark’s own (process tree), Postgres by backend (this database’s, autovacuum, and the server’s WAL writer, checkpointer, background writer)`,
  ]);
  if (profileDir || allocDir) {
    for (const w of workers) await stopProcess(w);
    for (let n = 1; n <= workers.length; n++) {
      if (profileDir) process.stdout.write(`\nworker-${n}:\n${summariseProfiles(join(profileDir, `worker-${n}`))}\n`);
      // Per send of all the benchmark's runs: with --workers 1, the worker's own.
      if (allocDir) process.stdout.write(`\nworker-${n}, allocations:\n${summariseAllocations(allocFile(n), accepted, 'send')}\n`);
    }
    if (profileDir) {
      await stopProcess(apiChild);
      process.stdout.write(`\napi:\n${summariseProfiles(join(profileDir, 'api'))}\n`);
    }
  }
  return ok;
});
