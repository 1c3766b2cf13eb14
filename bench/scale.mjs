#!/usr/bin/env node
// Benchmark (not a test): what a run costs as it grows — 10,000, 100,000 and 1,000,000 recipients.
//
//   npm run bench:scale                        # 10k, 100k, 1M; targets apply to 1M
//   npm run bench:scale -- --smoke             # 1,000 and 10,000: checks and memory only (CI)
//   npm run bench:scale -- --sizes 10000,200000
//
// One API, one worker, a Redis of the benchmark's own (so `used_memory` is Herald's alone), the simulator
// without status webhooks (bench/webhooks measures those) and a channel with its limits out of the way
// (messages_per_second 1,000,000 in SQL, tier unlimited). Contacts are seeded once, in SQL; each size has
// an audience of the first N. Per size, one run:
//   fan-out      POST …/runs → the run shows its recipient count (the worker's one INSERT … SELECT, plus the
//                job pick-up and ≤ 50 ms of polling);
//   Redis        used_memory growth: peak during the run − before it;
//   RSS          peak of the API and the worker (VmHWM, which never goes down, so a size's peak includes the
//                smaller sizes before it — the figure that matters is the largest);
//   per recipient  (POST → completed) ÷ N.
// Targets for 1,000,000: fan-out ≤ 15 s, Redis growth ≤ 50 MB, RSS ≤ 300 MB per process, time per
// recipient ≤ 1.2 × that at 10,000. Every run must complete with every recipient accepted, once.
import { Bench, Figures, RssWatch, fmt, int, mb, parseArgs, runBench, sleep } from './lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedCampaign,
  numberSql,
  registerPhone,
  runTruth,
  simTruth,
  startRun,
  waitRun,
} from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { smoke: 'bool', keep: 'bool', sizes: 'str' },
  'node bench/scale.mjs [--sizes 10000,100000,1000000] [--smoke] [--keep]',
);
const SIZES = (opts.sizes ?? (opts.smoke ? '1000,10000' : '10000,100000,1000000')).split(',').map(Number);
const TARGET = { fanOutS: 15, redisMb: 50, rssMb: 300, perRecipientRatio: 1.2 };
const PHONE = '109000000000777';

/** `count` contacts in one statement, then an audience per size holding the first `size` of them. */
async function seed(pg, workspaceId, sizes) {
  const total = Math.max(...sizes);
  await pg.query(
    `INSERT INTO contacts (workspace_id, number, name, timezone)
     SELECT $1, ${numberSql('g')}, 'Guest ' || g, 'Asia/Kolkata' FROM generate_series(1, $2::bigint) AS g`,
    [workspaceId, total],
  );
  for (const size of sizes) {
    const [{ pk }] = (
      await pg.query(`INSERT INTO audiences (workspace_id, id, name) VALUES ($1, $2, $2) RETURNING pk`, [workspaceId, `n${size}`])
    ).rows;
    await pg.query(
      `INSERT INTO audience_members (audience_pk, contact_id)
       SELECT $1, id FROM contacts WHERE workspace_id = $2 ORDER BY id LIMIT $3`,
      [pk, workspaceId, size],
    );
  }
  await pg.query('VACUUM ANALYZE contacts');
  await pg.query('VACUUM ANALYZE audience_members');
}

await runBench(new Bench('scale', { keep: opts.keep }), async (bench) => {
  await bench.setup({ privateRedis: true });
  const figures = new Figures('scale', `Scale — runs of ${SIZES.map(int).join(', ')} recipients${opts.smoke ? ' (smoke)' : ''}`);
  const pg = bench.pg();
  const redis = bench.redisClient();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  const { url, child: apiChild } = await bench.startApi();
  const worker = await bench.startWorker({}, { name: 'worker' });
  const rss = { api: new RssWatch(apiChild), worker: new RssWatch(worker) };
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  const seeding = performance.now();
  await seed(pg, api.workspaceId, SIZES);
  bench.say(`seeded ${int(Math.max(...SIZES))} contacts in ${fmt((performance.now() - seeding) / 1000, 1)} s`);
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate: 1_000_000 });
  const campaignId = await approvedCampaign(api, channelId);
  await registerPhone(sim, PHONE, 1_000_000); // no status webhooks from here on: bench/webhooks measures those

  const perRecipient = {};
  let accepted = 0;
  for (const size of SIZES) {
    const baseline = await bench.redisUsedMemory(redis);
    let redisPeak = baseline;
    const sampler = setInterval(() => {
      void bench.redisUsedMemory(redis).then(
        (m) => (redisPeak = Math.max(redisPeak, m)),
        () => undefined,
      );
    }, 100);
    const started = performance.now();
    const { runId, requestedAt } = await startRun(api, campaignId, [`n${size}`]);
    let fanOutS;
    for (;;) {
      const [row] = (await pg.query('SELECT recipients, status FROM campaign_runs WHERE id = $1', [runId])).rows;
      if (row?.recipients !== null && row?.recipients !== undefined) {
        fanOutS = (Date.now() - requestedAt) / 1000;
        break;
      }
      if (row?.status === 'failed') throw new Error(`run ${runId} failed at fan-out`);
      await sleep(50);
    }
    const view = await waitRun(api, campaignId, runId, { timeoutMs: 60 * 60_000, everyMs: 200 });
    const totalS = (performance.now() - started) / 1000;
    clearInterval(sampler);
    redisPeak = Math.max(redisPeak, await bench.redisUsedMemory(redis));
    const truth = await runTruth(pg, runId);
    accepted += truth.accepted;
    perRecipient[size] = totalS / size;
    const big = size === Math.max(...SIZES) && size >= 1_000_000;
    const label = int(size);
    figures.add(
      `${label}: fan-out`,
      `${fmt(fanOutS, 2)} s`,
      big ? `≤ ${TARGET.fanOutS} s` : '',
      big ? fanOutS <= TARGET.fanOutS : undefined,
    );
    figures.add(
      `${label}: Redis used_memory growth`,
      `${fmt(mb(redisPeak - baseline), 2)} MB`,
      big ? `≤ ${TARGET.redisMb} MB` : '',
      big ? mb(redisPeak - baseline) <= TARGET.redisMb : undefined,
    );
    rss.api.sample();
    rss.worker.sample();
    figures.add(`${label}: peak RSS API / worker`, `${fmt(mb(rss.api.peak), 0)} / ${fmt(mb(rss.worker.peak), 0)} MB`);
    figures.add(`${label}: run (POST → completed)`, `${fmt(totalS, 2)} s, ${int(size / totalS)} recipients/s`);
    figures.add(`${label}: time per recipient`, `${fmt(perRecipient[size] * 1e6, 1)} µs`);
    figures.check(`${label}: status`, view.status, 'completed');
    figures.check(`${label}: recipients accepted`, truth.accepted, size);
  }
  const peak = { api: mb(rss.api.stop()), worker: mb(rss.worker.stop()) };
  const enforce = Math.max(...SIZES) >= 1_000_000;
  figures.add('peak RSS API (VmHWM)', `${fmt(peak.api, 1)} MB`, `≤ ${TARGET.rssMb} MB`, peak.api <= TARGET.rssMb);
  figures.add('peak RSS worker (VmHWM)', `${fmt(peak.worker, 1)} MB`, `≤ ${TARGET.rssMb} MB`, peak.worker <= TARGET.rssMb);
  const small = Math.min(...SIZES);
  const large = Math.max(...SIZES);
  const ratio = perRecipient[large] / perRecipient[small];
  figures.add(
    `time per recipient ${int(large)} ÷ ${int(small)}`,
    fmt(ratio, 3),
    enforce ? `≤ ${TARGET.perRecipientRatio}` : '',
    enforce ? ratio <= TARGET.perRecipientRatio : undefined,
  );
  const s = await simTruth(sim, PHONE);
  figures.check('simulator accepted for the number', s.accepted, accepted);
  figures.check('simulator: callback data accepted twice', s.duplicates, 0);
  return figures.print(['one API, one worker (defaults), a private Redis; simulator without status webhooks']);
});
