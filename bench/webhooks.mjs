#!/usr/bin/env node
// Benchmark (not a test): status webhook ingestion for a campaign run.
//
//   node bench/webhooks.mjs                       # 1,000,000 messages, 3,000,000 statuses; targets: applied ≥ 10,000
//                                                 # statuses/s, acknowledgement p99 ≤ 250 ms
//   node bench/webhooks.mjs --smoke               # 20,000 messages: correctness only (CI)
//   node bench/webhooks.mjs --messages 200000 --concurrency 32
//   node bench/webhooks.mjs --profile             # CPU-profile the API and the worker; prints the hottest functions
//   node bench/webhooks.mjs --messages 100000 --per-post 1 --concurrency 64   # a status per POST, as Meta posts them at low volume
//
// One API, one worker (its webhooks queue applies stored events, at most 4 jobs at once whatever
// WORKER_CONCURRENCY says), a channel on the simulator (used only to get the campaign's template approved;
// stopped before the load). The run is seeded in SQL and not measured: N contacts, a campaign_runs row
// `running`, N campaign_recipients `accepted` with provider_message_id wamid.… and accepted_at set, ids 1..N.
//
// The load generator (an undici keep-alive pool, --concurrency connections) then posts what Meta would for
// those messages: signed (X-Hub-Signature-256) `messages` webhooks of 100 statuses each, every message getting
// `sent`, `delivered` and `read` (3 statuses per message). Posts go out in recipient order, 100 recipients at a
// time: the `sent` post of block b, then `delivered` of block b − 50, then `read` of block b − 200, so a
// message's statuses arrive in order, seconds apart, interleaved with other messages' (as they do from Meta)
// rather than as three passes over the run. Each status carries the wamid, the wa_id, the timestamp and the
// callback data Herald sends (`r:<recipient id>`); `sent` and `delivered` carry conversation and pricing.
//
// Measured: each POST's acknowledgement time (all must be 200), and the time until every status is applied
// (Postgres polled every 50 ms: no stored event left, every recipient counted `read`). Statuses applied per
// second = statuses ÷ (all applied − first POST). Checks: every recipient `read` with sent_at ≤ delivered_at ≤
// read_at, the run's counters equal a GROUP BY over its rows, no event left, no apply job failed or retried.
// Also printed, to find the bottleneck: CPU per status of each process (Postgres split by the API's backends,
// the worker's and its background writers), how busy the machine was and how much of it others took, the
// Postgres wait events of active backends (sampled every 250 ms), recipient row updates (HOT or not), and how
// the apply jobs batched the stored events.
import { createHmac } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import { Pool } from 'undici';
import {
  Bench,
  CpuMeter,
  Figures,
  PostgresCpu,
  RssWatch,
  fmt,
  int,
  mb,
  parseArgs,
  requireFromRoot,
  runBench,
  sleep,
  stopProcess,
  summariseProfiles,
  waitFor,
} from './lib/harness.mjs';
import { APP_SECRET, Api, WABA_ID, addChannel, approvedCampaign, runTruth, seedAudience } from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { messages: 'int', concurrency: 'int', perPost: 'int', smoke: 'bool', keep: 'bool', profile: 'bool' },
  'node bench/webhooks.mjs [--messages N] [--concurrency N] [--per-post N] [--smoke] [--keep] [--profile]',
);
const MESSAGES = opts.messages ?? (opts.smoke ? 20_000 : 1_000_000);
const CONCURRENCY = opts.concurrency ?? 16;
const PER_POST = opts.perPost || 100;
const STATUSES = ['sent', 'delivered', 'read'];
// How many posts each status trails `sent`: 5,000 and 20,000 messages behind, whatever the statuses per POST.
const LAG_BLOCKS = { sent: 0, delivered: Math.ceil(5_000 / PER_POST), read: Math.ceil(20_000 / PER_POST) };
const TARGET_APPLIED_PER_S = 10_000;
const TARGET_ACK_P99_MS = 250;
const TIMED = !opts.smoke;
const PHONE = '109000000000002';
const DISPLAY_PHONE = '15550000002';
const APPLY_TIMEOUT_MS = 30 * 60_000;

if (MESSAGES < 1 || MESSAGES > 999_999_999) {
  process.stderr.write('--messages must be from 1 to 999,999,999 (numbers are +919 and 9 digits)\n');
  process.exit(2);
}

// What the seeded rows and the posted statuses share: recipient g (0-based) has id g + 1, the number
// +919<g, 9 digits> and this wamid (as long as Meta's, ≈ 60 characters).
const WAMID_HEAD = 'wamid.HBgMOTE5';
const WAMID_TAIL = 'FQIAERgSMkQ5QjdFRkE3RjY5MzQ5NkQyAA==';
const wamidOf = (g) => `${WAMID_HEAD}${String(g).padStart(12, '0')}${WAMID_TAIL}`;
const wamidSql = (expr) => `'${WAMID_HEAD}' || lpad((${expr})::text, 12, '0') || '${WAMID_TAIL}'`;
const waIdOf = (g) => `919${String(g).padStart(9, '0')}`;

/** Seeds the run in SQL (not measured): contacts, a running run, every recipient accepted. Returns the run id. */
async function seedRun(pg, api, campaignId) {
  const chunkSize = 200;
  await seedAudience(pg, api.workspaceId, 'all', MESSAGES);
  const [{ id: runId }] = (
    await pg.query(
      `INSERT INTO campaign_runs (workspace_id, campaign_id, audiences, status, time_to_run, started_at, recipients, chunk_count)
       VALUES ($1, $2, '["all"]', 'running', now() - interval '2 minutes', now() - interval '2 minutes', $3, $4) RETURNING id`,
      [api.workspaceId, campaignId, MESSAGES, Math.ceil(MESSAGES / chunkSize)],
    )
  ).rows;
  // Ids chosen (1..N, by number) so that the callback data r:<id> is known without reading the rows back.
  await pg.query(
    `INSERT INTO campaign_recipients (id, run_id, workspace_id, contact_id, to_number, timezone, chunk_no, status, params,
                                      marketing, attempts, provider_message_id, sending_at, accepted_at, updated_at)
     OVERRIDING SYSTEM VALUE
     SELECT c.g + 1, $1, $2, c.id, c.number, c.timezone, c.g / ${chunkSize}, 'accepted', jsonb_build_array(c.name),
            true, 1, ${wamidSql('c.g')}, now() - interval '100 seconds', now() - interval '99 seconds', now() - interval '99 seconds'
       FROM (SELECT id, number, name, timezone, substring(number from 5)::bigint AS g FROM contacts WHERE workspace_id = $2) c
      ORDER BY c.g`,
    [runId, api.workspaceId],
  );
  await pg.query(`SELECT setval(pg_get_serial_sequence('campaign_recipients', 'id'), $1)`, [MESSAGES]);
  await pg.query('VACUUM ANALYZE campaign_recipients');
  await pg.query('VACUUM ANALYZE campaign_run_counts');
  return runId;
}

/** One status item as Meta shapes it (the simulator's statusItem, plus the conversation Meta sends). */
function statusItem(g, status, unixSeconds) {
  const item = {
    id: wamidOf(g),
    status,
    timestamp: unixSeconds,
    recipient_id: waIdOf(g),
    biz_opaque_callback_data: `r:${g + 1}`,
  };
  if (status === 'sent' || status === 'delivered') {
    item.conversation = {
      id: `c0nv${String(g % 100_000).padStart(28, '0')}`,
      expiration_timestamp: String(Number(unixSeconds) + 86_400),
      origin: { type: 'marketing' },
    };
    item.pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' };
  }
  return item;
}

function envelope(statuses) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: DISPLAY_PHONE, phone_number_id: PHONE },
              statuses,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** The POSTs in the order they go out: [status, block] pairs, `sent` first, the others trailing it. */
function* plan(blocks) {
  const last = blocks - 1 + Math.max(...Object.values(LAG_BLOCKS));
  for (let step = 0; step <= last; step++) {
    for (const status of STATUSES) {
      const block = step - LAG_BLOCKS[status];
      if (block >= 0 && block < blocks) yield [status, block];
    }
  }
}

/** What the load generator did; `post` fills it as it goes. `ack`: acknowledgement times in µs. */
const outcome = () => ({ posts: 0, ok: 0, statuses: 0, bytes: 0, failures: new Map(), ack: createHistogram() });

/** Posts every status with CONCURRENCY senders, filling `out`; calls `onFirst` just before the first POST. */
async function post(url, channelId, out, onFirst) {
  const blocks = Math.ceil(MESSAGES / PER_POST);
  const path = `/webhooks/whatsapp/${channelId}`;
  const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 60_000 });
  const steps = plan(blocks);
  const fail = (why) => out.failures.set(why, (out.failures.get(why) ?? 0) + 1);
  const sender = async () => {
    for (let next = steps.next(); !next.done; next = steps.next()) {
      const [status, block] = next.value;
      const now = String(Math.floor(Date.now() / 1000));
      const items = [];
      for (let g = block * PER_POST; g < Math.min(MESSAGES, (block + 1) * PER_POST); g++) items.push(statusItem(g, status, now));
      const body = JSON.stringify(envelope(items));
      const headers = {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`,
      };
      const started = performance.now();
      if (out.firstAt === undefined) {
        out.firstAt = started;
        onFirst();
      }
      out.posts += 1;
      out.statuses += items.length;
      out.bytes += Buffer.byteLength(body);
      try {
        const res = await pool.request({ method: 'POST', path, headers, body, headersTimeout: 60_000, bodyTimeout: 60_000 });
        await res.body.dump();
        if (res.statusCode === 200) out.ok += 1;
        else fail(`HTTP ${res.statusCode}`);
      } catch (error) {
        fail(error.code ?? error.message);
      }
      const ended = performance.now();
      out.ack.record(Math.max(1, Math.round((ended - started) * 1000)));
      out.lastAckAt = ended;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  await pool.close();
}

/** Postgres' active backends of this database by wait event, sampled: where the time goes. */
class WaitSampler {
  constructor(pg, database) {
    this.counts = new Map();
    this.samples = 0;
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = pg
        .query(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS w, left(regexp_replace(query, '\\s+', ' ', 'g'), 40) AS q
             FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
          [database],
        )
        .then(({ rows }) => {
          this.samples += 1;
          for (const r of rows) this.counts.set(`${r.w} (${r.q})`, (this.counts.get(`${r.w} (${r.q})`) ?? 0) + 1);
        })
        .catch(() => undefined)
        .finally(() => (this.busy = undefined));
    }, 250);
  }

  stop(top = 6) {
    clearInterval(this.timer);
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, n]) => `${fmt(n / Math.max(1, this.samples), 2)} ${k}`);
  }
}

/** Busy and total CPU seconds of the whole machine so far, from /proc/stat. */
function machineCpu() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = ticks[3] + (ticks[4] ?? 0); // idle + iowait
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0); // without guest time (already in user)
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** CPU seconds per process → "name N µs, …" per status, and the total. */
function perStatus(used, statuses) {
  const parts = Object.entries(used)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${fmt((v * 1e6) / statuses, 1)}`);
  const total = (Object.values(used).reduce((a, b) => a + b, 0) * 1e6) / statuses;
  return `${parts.join(', ')}; total ${fmt(total, 1)} µs`;
}

await runBench(new Bench('webhooks', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const say = bench.say;
  const totalStatuses = MESSAGES * STATUSES.length;
  const figures = new Figures(
    'webhooks',
    `Webhook ingestion — ${int(MESSAGES)} messages, ${int(totalStatuses)} statuses, ${PER_POST} per POST${opts.smoke ? ' (smoke)' : ''}${opts.profile ? ' — PROFILED, figures inflated' : ''}`,
  );
  const pg = bench.pg();
  const profileDir = opts.profile ? join(os.tmpdir(), `herald-webhooks-profile-${Date.now().toString(36)}`) : undefined;
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  const nodeArgs = (name) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : []);

  // The campaign's template approved by the simulator; then the simulator goes: nothing is sent here.
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  const { url, child: apiChild } = await bench.startApi({}, { nodeArgs: nodeArgs('api') });
  const worker = await bench.startWorker({}, { nodeArgs: nodeArgs('worker') });
  const api = new Api(url, bench.adminToken);
  await api.workspace();
  // With its webhook URL the simulator reports the template's approval at once (else a poll finds it after 30 s).
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, webhooks: true });
  const campaignId = await approvedCampaign(api, channelId);
  await stopProcess(sim.child);

  const t = performance.now();
  say(`seeding ${int(MESSAGES)} contacts and accepted recipients`);
  const runId = await seedRun(pg, api, campaignId);
  say(`seeded in ${fmt((performance.now() - t) / 1000)} s`);
  const seeded = await runTruth(pg, runId);
  figures.check('seeded recipients accepted', seeded.byStatus.accepted ?? 0, MESSAGES);

  // The webhooks queue, and its event stream: apply jobs that fail (retried later: "delayed"; or for good:
  // "failed") and what each completed one did.
  const { Queue, QueueEvents } = requireFromRoot('bullmq');
  const redisUrl = new URL(bench.redis.url);
  const bull = {
    connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), password: redisUrl.password || undefined },
    prefix: bench.redisPrefix,
  };
  const queue = new Queue('webhooks', bull);
  const events = new QueueEvents('webhooks', bull);
  bench.closers.push(
    () => events.close(),
    () => queue.close(),
  );
  await events.waitUntilReady();
  const jobTrouble = { failed: 0, delayed: 0, lastReason: undefined };
  // What each apply job did (its return value): how the stored events were batched.
  const jobs = { done: 0, empty: 0, events: 0, maxEvents: 0 };
  events.on('completed', ({ returnvalue: r }) => {
    jobs.done += 1;
    if (!r || r.events === 0) jobs.empty += 1;
    jobs.events += r?.events ?? 0;
    jobs.maxEvents = Math.max(jobs.maxEvents, r?.events ?? 0);
  });
  events.on('failed', ({ failedReason }) => {
    jobTrouble.failed += 1;
    jobTrouble.lastReason = failedReason;
  });
  events.on('delayed', () => (jobTrouble.delayed += 1));

  const [before] = (
    await pg.query(
      `SELECT n_tup_upd::bigint AS upd, n_tup_hot_upd::bigint AS hot FROM pg_stat_user_tables WHERE relname = 'campaign_recipients'`,
    )
  ).rows;

  // The load, and the poll for "all applied" alongside it.
  const rss = { api: new RssWatch(apiChild), worker: new RssWatch(worker) };
  // Redis' CPU by its own pid, Postgres' by this database's backends (see PostgresCpu).
  const redisPid = Number(/process_id:(\d+)/.exec(await bench.redisClient().info('server'))?.[1]);
  const meter = new CpuMeter({ api: apiChild, worker, redis: { pid: redisPid } });
  const pgCpu = new PostgresCpu(pg, bench.database);
  const waits = new WaitSampler(pg, bench.database);
  const posted = outcome();
  let postingDone = false;
  const applied = (async () => {
    // Cheap enough for every 50 ms: the oldest waiting event through the primary key (a count would scan them).
    const probe = async () =>
      (
        await pg.query(
          `SELECT (SELECT id FROM webhook_events ORDER BY id LIMIT 1) AS oldest,
                  (SELECT coalesce(sum(n), 0) FROM campaign_run_counts WHERE run_id = $1 AND bucket = 'read')::int AS read`,
          [runId],
        )
      ).rows[0];
    let lastReport = performance.now();
    for (;;) {
      const done = postingDone; // read before the probe: a probe that started earlier proves nothing
      const r = await probe();
      const at = performance.now();
      if (done && r.oldest === null && r.read === MESSAGES) return at;
      if (at - lastReport >= 5_000) {
        lastReport = at;
        const [{ n }] = (await pg.query('SELECT count(*)::int AS n FROM webhook_events')).rows;
        say(
          `posted ${int(posted.statuses)} statuses; ${int(n)} events (${int(n * PER_POST)} statuses) waiting; ${int(r.read)} recipients read`,
        );
      }
      if (postingDone && at - posted.lastAckAt > APPLY_TIMEOUT_MS)
        throw new Error(`not all applied ${APPLY_TIMEOUT_MS / 1000} s after the last POST`);
      await sleep(50);
    }
  })();
  applied.catch(() => undefined); // awaited below; an early failure must not end the process before cleanup
  // The CPU meter starts at the first POST.
  await pgCpu.start();
  let machineBefore;
  await post(url, channelId, posted, () => {
    meter.start();
    machineBefore = machineCpu();
  });
  postingDone = true;
  say(`all ${int(posted.posts)} POSTs answered; waiting for the worker to apply the rest`);
  const appliedAt = await applied;
  const { used: all, seconds } = meter.stop();
  const machineAfter = machineCpu();
  // Jobs whose events others took are still queued when everything is applied: let them finish (not timed).
  await waitFor(
    'the webhooks queue to drain',
    async () => {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    },
    120_000,
    100,
  );
  await sleep(500); // the last "completed" events on their way to the QueueEvents reader
  const { api: apiCpu, worker: workerCpu, redis: redisCpu, 'load generator / bench': benchCpu } = all;
  // Postgres by this database's backends (harness PostgresCpu: the API's, the worker's, autovacuum, the server's writers).
  const pgUsed = await pgCpu.stop();
  const used = {
    api: apiCpu,
    worker: workerCpu,
    'postgres for API': pgUsed['for API'],
    'postgres for worker': pgUsed['for workers'],
    'postgres background': pgUsed.background + pgUsed.autovacuum,
    redis: redisCpu,
    'load generator': benchCpu,
  };
  const waitLines = waits.stop();
  const peak = { api: rss.api.stop(), worker: rss.worker.stop() };

  // Figures.
  const postSeconds = (posted.lastAckAt - posted.firstAt) / 1000;
  const applySeconds = (appliedAt - posted.firstAt) / 1000;
  const appliedRate = posted.statuses / applySeconds;
  const p = (q) => posted.ack.percentile(q) / 1000;
  const p99 = p(99);
  figures.add(
    `POSTs (${PER_POST} statuses each)`,
    `${int(posted.posts)} (${fmt(posted.bytes / posted.posts / 1024)} KB each), ${int(posted.posts / postSeconds)} POST/s`,
  );
  figures.add(
    'statuses posted (acknowledged)',
    `${int(posted.statuses)} in ${fmt(postSeconds, 2)} s: ${int(posted.statuses / postSeconds)} statuses/s`,
  );
  figures.add(
    'statuses applied',
    `${int(posted.statuses)} in ${fmt(applySeconds, 2)} s: ${int(appliedRate)} statuses/s`,
    TIMED ? `≥ ${int(TARGET_APPLIED_PER_S)}/s` : '',
    TIMED ? appliedRate >= TARGET_APPLIED_PER_S : undefined,
  );
  figures.add('  applied after the last acknowledgement', `${fmt((appliedAt - posted.lastAckAt) / 1000, 2)} s`);
  figures.add(
    'acknowledgement p99',
    `${fmt(p99, 1)} ms (p50 ${fmt(p(50), 1)} ms, p90 ${fmt(p(90), 1)} ms, max ${fmt(posted.ack.max / 1000, 1)} ms)`,
    TIMED ? `≤ ${TARGET_ACK_P99_MS} ms` : '',
    TIMED ? p99 <= TARGET_ACK_P99_MS : undefined,
  );
  figures.add('CPU per status (µs)', perStatus(used, posted.statuses));
  const ours = Object.values(used).reduce((a, b) => a + b, 0);
  const busy = machineAfter.busy - machineBefore.busy;
  const cores = (machineAfter.total - machineBefore.total) / seconds;
  figures.add(
    'machine CPU while measured',
    `${fmt(busy / seconds, 2)} of ${fmt(cores, 1)} cores busy; this benchmark's processes ${fmt(ours / seconds, 2)}, others ${fmt(Math.max(0, busy - ours) / seconds, 2)}`,
  );
  figures.add('  ceiling at this CPU per status, all cores ours', `${int((cores * posted.statuses) / ours)} statuses/s`);
  figures.add('peak RSS', `API ${fmt(mb(peak.api), 0)} MB, worker ${fmt(mb(peak.worker), 0)} MB`);

  // Checks.
  figures.check('POSTs answered 200', posted.ok, posted.posts);
  for (const [why, n] of posted.failures) figures.add(`  failed POSTs: ${why}`, n);
  figures.check('statuses posted', posted.statuses, totalStatuses);
  const truth = await runTruth(pg, runId);
  figures.check('recipients read', truth.byStatus.read ?? 0, MESSAGES);
  const [rows] = (
    await pg.query(
      `SELECT count(*) FILTER (WHERE sent_at IS NULL OR delivered_at IS NULL OR read_at IS NULL)::int AS missing,
              count(*) FILTER (WHERE NOT (sent_at <= delivered_at AND delivered_at <= read_at AND accepted_at <= sent_at))::int AS disordered,
              count(*) FILTER (WHERE failed_at IS NOT NULL OR error IS NOT NULL)::int AS failed
         FROM campaign_recipients WHERE run_id = $1`,
      [runId],
    )
  ).rows;
  figures.check('recipients missing sent_at/delivered_at/read_at', rows.missing, 0);
  figures.check('recipients with times out of order', rows.disordered, 0);
  figures.check('recipients failed', rows.failed, 0);
  const sorted = (o) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  figures.check('run counters = GROUP BY status over the rows', sorted(truth.counts), sorted(truth.byStatus));
  figures.check('billable counters = GROUP BY pricing over the rows', sorted(truth.billable), sorted(truth.billableByRows));
  const [{ n: left }] = (await pg.query('SELECT count(*)::int AS n FROM webhook_events')).rows;
  figures.check('stored events left unapplied', left, 0);
  await sleep(1_200); // table statistics reach pg_stat_user_tables within a second of the commit
  await pg.query('SELECT pg_stat_clear_snapshot()');
  const [after] = (
    await pg.query(
      `SELECT n_tup_upd::bigint AS upd, n_tup_hot_upd::bigint AS hot FROM pg_stat_user_tables WHERE relname = 'campaign_recipients'`,
    )
  ).rows;
  const updates = Number(after.upd) - Number(before.upd);
  const hot = Number(after.hot) - Number(before.hot);
  figures.add(
    'recipient row updates',
    `${int(updates)} (${fmt(updates / posted.statuses, 2)} per status; ${fmt((100 * hot) / Math.max(1, updates), 0)} % HOT)`,
  );
  const applying = jobs.done - jobs.empty;
  figures.add(
    'apply jobs (BullMQ)',
    `${int(jobs.done)}: ${int(applying)} applied a batch of ${fmt(jobs.events / Math.max(1, applying), 1)} events on average (max ${jobs.maxEvents}), ${int(jobs.empty)} found theirs taken`,
  );
  figures.check('apply jobs failed or retried', jobTrouble.failed + jobTrouble.delayed, 0);
  figures.check('apply jobs in the failed set', (await queue.getJobCounts('failed')).failed, 0);
  if (jobTrouble.lastReason) figures.add('  last failure', jobTrouble.lastReason.slice(0, 200));

  const settings = (
    await pg.query(
      `SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) AS s FROM pg_settings
        WHERE name IN ('jit', 'autovacuum', 'synchronous_commit', 'shared_buffers', 'max_wal_size', 'server_version')`,
    )
  ).rows[0].s;
  const ok = figures.print([
    `load: ${CONCURRENCY} keep-alive connections (undici Pool), each POST signed; statuses sent → delivered (${LAG_BLOCKS.delivered} posts of ${PER_POST} behind) → read (${LAG_BLOCKS.read} behind)`,
    `API and worker: 1 process each (webhooks queue: ≤ 4 apply jobs at once, ≤ 51 events per job)`,
    `Postgres: ${settings}`,
    `Postgres active backends, average per sample (wait event, statement): ${waitLines.join('; ') || 'none seen'}`,
  ]);
  if (profileDir) {
    await stopProcess(apiChild);
    await stopProcess(worker);
    for (const name of ['api', 'worker']) process.stdout.write(`\n${name}:\n${summariseProfiles(join(profileDir, name))}\n`);
  }
  return ok;
});
