#!/usr/bin/env node
// Benchmark (not a test): callback deliveries (outbound webhooks) from the outbox to local receivers.
//
//   node bench/callbacks.mjs                # a 60,000-event backlog; 5,000 events/s for 20 s; 60 s of one endpoint answering 500
//   node bench/callbacks.mjs --smoke        # 2,000 events/s for 3 s; a 5 s outage: correctness only (CI)
//   node bench/callbacks.mjs --rate 8000 --seconds 30 --outage 60
//
// Two workers (as `npm start` runs them), the API, and in this process: the producer and the receivers. The producer
// writes events as the libraries do, through CallbackOutbox.record inside a transaction (one per 20 ms tick, every
// event due by then), commits, then kicks; it runs continuously while deliveries go on, so the latency is measured
// under load. The receivers (node:http on 127.0.0.1) check every delivery's Herald-Signature and count every event
// id they get.
//
// Phase 0 — capacity: a backlog of 60,000 events recorded while the endpoint's circuit is held open, then released:
// events delivered per second by two workers with nothing else running.
// Phase 1 — continuous load: one endpoint, --rate events/s for --seconds. Measured: the rate delivered, accepted
// (committed) → delivered latency percentiles; CPU per event of each worker and of Postgres for them.
// Phase 2 — a dead endpoint: a second workspace with two endpoints subscribed to the same events, one healthy and one
// answering 500 for --outage seconds (then 200), events produced at 1,000/s throughout and 10 s after. Checks: every
// event exactly once at the healthy endpoint, at least once at the recovered one; the healthy one's latency.
// Redis used_memory before and after: it must not grow with events (jobs are per endpoint, not per event).
// CALLBACK_RETRY_BASE_MS is 1000 here (production: 5000) so the recovered endpoint is probed again within seconds.
//
// --campaign: the events come from a campaign, written by the libraries that own the changes (the chunk sender's
// `accepted`, the webhook applier's `sent`/`delivered`/`read`, the run's `run.status`), with the whole stack as a
// user runs it: the API, 2 workers (--layout shared, the default: both drain every queue; --layout split: worker-1
// drains the sends, worker-2 the provider events and callbacks, docs/SENDING.md "Worker layout"), the simulator
// (provider --latency ms away, 250 by default; status webhooks
// sent, delivered and read for every send). Workspace "on" has one endpoint on a local receiver subscribed to
// message.status and run.status; workspace "off" has none. Runs of --recipients (20,000; smoke 1,000) on
// --numbers numbers (1) at --limit msg/s (1,000) alternate on / off (--pairs pairs: on off off on …), each on
// numbers of its own, each settled (every send read, every event received) before the next. Per run: achieved ÷
// limit (the simulator's acceptances, as bench/provider-latency.mjs) and CPU per send per process; per run with
// callbacks: events delivered per second, every event counted by id and by (message, step) — each recipient owes
// exactly accepted, sent, delivered, read — and two latencies: from the delivery row's created_at (written in the
// producer's transaction just before its commit: the outbox's "accepted") to receipt, the target; and from the
// envelope's createdAt, which for sent/delivered/read is the provider's status timestamp (whole seconds) and so
// includes the webhook's way in (WEBHOOK_APPLY_DELAY_MS, 1 s by default).
// Diagnoses: --hold-deliveries (the endpoint's circuit held open in SQL while a run sends: the producers' cost
// alone), --analyze (ANALYZE the outbox's tables before each run), --profile (CPU profiles of the two workers).
//
//   node bench/callbacks.mjs --campaign                 # runs of 20,000 at 1,000 msg/s: on off off on (about 3 min)
//   node bench/callbacks.mjs --campaign --smoke         # runs of 1,000, one pair, no targets (CI, about 35 s)
//   node bench/callbacks.mjs --campaign --numbers 2 --recipients 10000 --pairs 1 --latency 400
import { createServer } from 'node:http';
import { createHistogram } from 'node:perf_hooks';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  Bench,
  splitQueues,
  CpuMeter,
  cpuSecondsByName,
  Figures,
  PostgresCpu,
  dist,
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
  markdownTable,
} from './lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedCampaign,
  runTruth,
  seedAudience,
  simConfig,
  simStats,
  startRun,
  waitRun,
} from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  {
    rate: 'int',
    seconds: 'int',
    outage: 'int',
    smoke: 'bool',
    keep: 'bool',
    profile: 'bool',
    campaign: 'bool',
    recipients: 'int',
    limit: 'int',
    latency: 'int',
    pairs: 'int',
    numbers: 'int',
    holdDeliveries: 'bool',
    analyze: 'bool',
    layout: 'str',
    workers: 'int',
    eventWorkers: 'int',
    batch: 'int',
  },
  'node bench/callbacks.mjs [--rate N] [--seconds N] [--outage N] [--batch N] [--smoke] [--keep] [--profile]\n' +
    '       node bench/callbacks.mjs --campaign [--batch N] [--recipients N] [--limit MSG_S] [--numbers N] [--latency MS] [--pairs N] [--hold-deliveries] [--analyze] [--layout split|shared] [--workers N] [--event-workers K] [--smoke] [--keep] [--profile]',
);
const RATE = opts.rate ?? (opts.smoke ? 2_000 : 5_000);
const BACKLOG = opts.smoke ? 5_000 : 60_000;
const SECONDS = opts.seconds ?? (opts.smoke ? 3 : 20);
const OUTAGE_S = opts.outage ?? (opts.smoke ? 5 : 60);
const OUTAGE_RATE = opts.smoke ? 500 : 1_000;
const TICK_MS = 20;
const TARGET_RATE = 5_000;
const TARGET_P99_MS = 1_000;
const TIMED = !opts.smoke;

requireFromRoot('reflect-metadata');
const callbacks = requireFromRoot(dist('libs/callbacks/src/index.js'));
const { CallbackEndpointRepository } = requireFromRoot(dist('libs/callbacks/src/callback-endpoint.repository.js'));
const { CallbackDeliveryRepository } = requireFromRoot(dist('libs/callbacks/src/callback-delivery.repository.js'));
const { Queue } = requireFromRoot('bullmq');
/** The endpoints' batchSize (docs/CALLBACKS.md, "Batched deliveries"): 1, each event its own POST, unless given. */
const BATCH = opts.batch ?? 1;
if (!Number.isInteger(BATCH) || BATCH < 1 || BATCH > callbacks.CALLBACK_BATCH_SIZE_MAX) {
  console.error(`--batch must be 1 to ${callbacks.CALLBACK_BATCH_SIZE_MAX}`);
  process.exit(2);
}
/** The envelopes of one POST: the body itself, or its `events` when the endpoint batches. */
const envelopesOf = (raw) => {
  const body = JSON.parse(raw.toString('utf8'));
  return BATCH > 1 ? body.events : [body];
};

/** The receiver's check: the snippet of docs/CALLBACKS.md. */
function verifyHerald(rawBody, header, secrets, toleranceSeconds = 300) {
  if (typeof header !== 'string') return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => Buffer.from(value, 'hex'));
  return [].concat(secrets).some((secret) => {
    const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
    return signatures.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
  });
}

/** Receivers by path: counts per event seq, latency from commit, bad signatures; `failing` paths answer 500. */
class Receivers {
  constructor(max) {
    this.max = max;
    this.paths = new Map();
    this.committedAt = new Float64Array(max);
    this.failing = new Set();
  }

  add(path, secret) {
    this.paths.set(path, {
      secret,
      counts: new Uint8Array(this.max),
      got: 0,
      refused: 0,
      badSignature: 0,
      latency: createHistogram(),
      lastAt: 0,
    });
  }

  async listen() {
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const r = this.paths.get(req.url);
        if (!r) return res.writeHead(404).end();
        if (this.failing.has(req.url)) {
          r.refused += 1;
          return res.writeHead(500).end('down');
        }
        const raw = Buffer.concat(chunks);
        if (!verifyHerald(raw, req.headers['herald-signature'], r.secret)) r.badSignature += 1;
        const now = performance.now();
        for (const e of envelopesOf(raw)) {
          const seq = e.data.seq;
          if (r.counts[seq] === 0) r.latency.record(Math.max(1, Math.round((now - this.committedAt[seq]) * 1000)));
          r.counts[seq] = Math.min(255, r.counts[seq] + 1);
          r.got += 1;
        }
        r.lastAt = now;
        res.writeHead(200).end('ok');
      });
    });
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  /** Events in [from, to) received 0 times, more than once. */
  tally(path, from, to) {
    const { counts } = this.paths.get(path);
    let missing = 0;
    let duplicated = 0;
    for (let i = from; i < to; i += 1) {
      if (counts[i] === 0) missing += 1;
      else if (counts[i] > 1) duplicated += 1;
    }
    return { missing, duplicated };
  }

  close() {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

/** Writes events through CallbackOutbox.record in transactions on a pg client, as a library would, then kicks. */
class Producer {
  constructor(pg, bench, receivers) {
    this.pg = pg;
    this.receivers = receivers;
    this.seq = 0;
    // The same events-stream cap as QueuesModule gives the callbacks queue (the queue's meta keeps the last one set).
    this.queue = new Queue('callbacks', {
      connection: { url: bench.redis.url, maxRetriesPerRequest: null },
      prefix: bench.redisPrefix,
      streams: { events: { maxLen: 1_000 } },
    });
    const jobs = {
      addBulk: (name, list) =>
        this.queue.addBulk(
          list.map((j) => ({
            name,
            data: j.data,
            opts: { jobId: j.jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 },
          })),
        ),
    };
    const clock = { now: () => ({ toJSDate: () => new Date() }) };
    // No DataSource: the outbox only registers its commit hook on one (this producer kicks after its own commit).
    this.outbox = new callbacks.CallbackOutbox(
      { subscribers: [] },
      new CallbackEndpointRepository(null),
      new CallbackDeliveryRepository(null),
      clock,
      { secretsKey: Buffer.from(bench.env.SECRETS_KEY, 'base64') },
      jobs,
    );
    this.recordMs = createHistogram();
  }

  /** Produces `rate` events/s of workspace `workspaceId` for `seconds`; returns the seq range. */
  async run(workspaceId, rate, seconds) {
    const from = this.seq;
    const total = Math.round(rate * seconds);
    const client = await this.pg.connect();
    const manager = { query: (sql, params) => client.query(sql, params).then((r) => r.rows) };
    const started = performance.now();
    try {
      while (this.seq - from < total) {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate)) - (this.seq - from);
        if (due <= 0) {
          await sleep(TICK_MS);
          continue;
        }
        const first = this.seq;
        this.seq += due;
        const occurredAt = new Date();
        const events = Array.from({ length: due }, (_, i) => ({
          workspaceId,
          type: 'message.status',
          occurredAt,
          data: { seq: first + i, messageId: `m-${first + i}`, status: 'delivered' },
        }));
        const t = performance.now();
        await client.query('BEGIN');
        const kick = await this.outbox.record(manager, events);
        await client.query('COMMIT');
        const committed = performance.now();
        this.recordMs.record(Math.max(1, Math.round((committed - t) * 1000)));
        for (let i = first; i < this.seq; i += 1) this.receivers.committedAt[i] = committed;
        await this.outbox.kick(kick);
      }
    } finally {
      client.release();
    }
    return { from, to: this.seq, seconds: (performance.now() - started) / 1000 };
  }

  close() {
    return this.queue.close();
  }
}

// ------------------------------------------------------------------------------------------------- --campaign

const C_SMOKE = Boolean(opts.smoke);
const C_RECIPIENTS = opts.recipients ?? (C_SMOKE ? 1_000 : 20_000);
const C_LIMIT = opts.limit ?? 1_000;
const C_NUMBERS = Math.max(1, opts.numbers ?? 1);
const C_LATENCY = opts.latency ?? 250;
const C_PAIRS = Math.max(1, opts.pairs ?? (C_SMOKE ? 1 : 2));
/**
 * docs/SENDING.md, "Worker layout". Shared by default: with two workers, split leaves one event loop for every status
 * and callback of a number at 1,000 msg/s, and deliveries fall seconds behind (docs/BENCHMARKS.md, callbacks).
 */
const C_LAYOUT = opts.layout ?? 'shared';
Bench.workerLayoutEnv(C_LAYOUT, 0, 2); // refuses an unknown layout before anything starts
/** Worker processes (split: the last drains the events and callbacks, the others the sends). */
const C_WORKERS = Math.max(1, opts.workers ?? 2);
/** In the split layout, how many of them drain the events and callbacks (the last ones; the others the sends). */
const C_EVENT_WORKERS = Math.min(Math.max(1, opts.eventWorkers ?? 1), Math.max(1, C_WORKERS - 1));
/** The `message.status` steps each recipient of these runs owes. */
const STEPS = ['accepted', 'sent', 'delivered', 'read'];
const SETTLED = ['read', 'failed', 'skipped', 'expired', 'cancelled'];
/** A run with callbacks whose events stop short of the expected count is taken as settled after this long without one. */
const QUIET_MS = 2_000;

/** The p-th percentile of a sorted array (nearest rank). */
const pct = (sorted, p) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const spread = (values) => {
  const s = Float64Array.from(values).sort();
  return { n: s.length, p50: pct(s, 50), p99: pct(s, 99), max: s.length ? s[s.length - 1] : NaN };
};
const ms = (x) => `${int(x)} ms`;

/** One receiver (node:http on 127.0.0.1): checks every signature, keeps every event by id with its time of receipt. */
class EventReceiver {
  constructor() {
    this.events = new Map();
    this.byRun = new Map();
    this.posts = 0;
    this.badSignature = 0;
    this.secret = undefined;
  }

  async listen() {
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const receivedAt = Date.now();
        const raw = Buffer.concat(chunks);
        this.posts += 1;
        if (!verifyHerald(raw, req.headers['herald-signature'], this.secret)) this.badSignature += 1;
        let envelopes;
        try {
          envelopes = envelopesOf(raw);
        } catch {
          return res.writeHead(400).end();
        }
        for (const e of envelopes) {
          const seen = this.events.get(e.id);
          if (seen) seen.count += 1;
          else {
            const ev = {
              id: e.id,
              type: e.type,
              createdAt: Date.parse(e.createdAt),
              receivedAt,
              count: 1,
              runId: e.data?.runId ?? null,
              messageId: e.data?.messageId ?? null,
              status: e.data?.status ?? null,
            };
            this.events.set(e.id, ev);
            const list = this.byRun.get(ev.runId) ?? this.byRun.set(ev.runId, []).get(ev.runId);
            list.push(ev);
          }
        }
        res.writeHead(200).end('ok');
      });
    });
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  ofRun(runId) {
    return this.byRun.get(runId) ?? [];
  }

  close() {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

async function campaignForm(bench) {
  await bench.setup();
  const say = bench.say;
  const TIMED_C = !C_SMOKE;
  const figures = new Figures(
    'callbacks-campaign',
    `Callbacks from a campaign at full speed — runs of ${int(C_RECIPIENTS)} on ${C_NUMBERS} number(s) at ${int(C_LIMIT)} msg/s, provider ${C_LATENCY} ms away, ` +
      `statuses sent/delivered/read; ${C_PAIRS} pair(s) of runs with an endpoint (on${BATCH > 1 ? `, batchSize ${BATCH}` : ''}) and without (off)${C_SMOKE ? ' (smoke)' : ''}`,
  );
  const pg = bench.pg(4);
  const receiver = new EventReceiver();
  const base = await receiver.listen();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  // Every send gets sent, delivered and read, as Meta posts them for a message that is read; Meta C_LATENCY ms away.
  await simConfig(sim, {
    statuses: { deliveredProbability: 1, readProbability: 1, duplicateProbability: 0, reorderProbability: 0 },
    latency: { responseMs: C_LATENCY },
  });
  const env = { CALLBACK_ALLOW_PRIVATE_URLS: 'true' };
  const { url, child: apiChild } = await bench.startApi(env);
  const profileDir = opts.profile ? join(os.tmpdir(), `herald-callbacks-campaign-profile-${Date.now().toString(36)}`) : undefined;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const workers = [];
  for (let i = 0; i < C_WORKERS; i++) {
    const queues = Bench.workerLayoutEnv(C_LAYOUT, i, C_WORKERS, C_EVENT_WORKERS);
    workers.push(await bench.startWorker({ ...env, ...queues }, { name: `worker-${i + 1}`, nodeArgs }));
  }
  const workerNames = workers.map((_, i) => `worker-${i + 1}`);
  say(
    `workers: ${C_LAYOUT === 'split' && C_WORKERS > 1 ? `${C_WORKERS - C_EVENT_WORKERS} on ${splitQueues().sending}, ${C_EVENT_WORKERS} on ${splitQueues().events}` : 'each on every queue'}`,
  );
  const onApi = new Api(url, bench.adminToken);
  await onApi.workspace('Callbacks campaign: endpoint');
  const offApi = new Api(url, bench.adminToken);
  await offApi.workspace('Callbacks campaign: no endpoint');
  const ep = await onApi.post('/v1/webhook-endpoints', {
    url: `${base}/events`,
    events: ['message.status', 'run.status'],
    batchSize: BATCH,
  });
  receiver.secret = ep.secret;

  // Everything is made before anything is measured: per run, numbers of its own (the simulator's acceptance times
  // are per number), audiences seeded in SQL, channels, campaigns with approved templates.
  const order = [];
  for (let i = 0; i < C_PAIRS; i += 1) order.push(...(i % 2 === 0 ? ['on', 'off'] : ['off', 'on']));
  say(`preparing ${order.length} runs (${order.join(', ')}) of ${int(C_RECIPIENTS)} on ${C_NUMBERS} number(s) each`);
  let phone = 109000000004000;
  let offset = 0;
  const prepare = async (api, recipients, numbers) => {
    const parts = [];
    for (let k = 0; k < numbers; k += 1) {
      const ph = String(phone++);
      const audience = `callbacks-${ph}`;
      await seedAudience(pg, api.workspaceId, audience, recipients, { offset });
      offset += recipients;
      const channelId = await addChannel(api, sim, pg, { phone: ph, rate: C_LIMIT });
      const campaignId = await approvedCampaign(api, channelId, `Callbacks ${ph}`);
      parts.push({ phone: ph, audience, campaignId });
    }
    return parts;
  };
  const runs = [];
  for (const [i, mode] of order.entries()) {
    const api = mode === 'on' ? onApi : offApi;
    runs.push({
      n: i + 1,
      mode,
      api,
      parts: await prepare(api, C_RECIPIENTS, C_NUMBERS),
      label: `run ${i + 1} (callbacks ${mode})`,
    });
  }
  // An unmeasured warm-up run with callbacks first (JIT, pools, connections), so that the first measured run does
  // not pay for it alone.
  const WARM_UP = Math.min(C_RECIPIENTS, 2_000);
  const warmUp = {
    n: 0,
    mode: 'on',
    api: onApi,
    parts: await prepare(onApi, WARM_UP, 1),
    label: 'warm-up run',
    recipients: WARM_UP,
    warmUp: true,
  };
  await sleep(1_000);

  const settled = async (r) => {
    for (const p of r.parts) {
      const [x] = (
        await pg.query(
          `SELECT count(*) FILTER (WHERE status <> ALL($2::text[]))::int AS open FROM campaign_recipients WHERE run_id = $1`,
          [p.runId, SETTLED],
        )
      ).rows;
      if (x.open > 0) return false;
      if (r.mode === 'on') {
        // Every event of the run received, or (some never will be: the checks count them) none for QUIET_MS.
        const got = receiver.ofRun(p.runId);
        if (!got.some((e) => e.type === 'run.status' && e.status === 'completed')) return false;
        const all = got.filter((e) => e.type === 'message.status').length >= (r.recipients ?? C_RECIPIENTS) * STEPS.length;
        if (!all && Date.now() - (got.at(-1)?.receivedAt ?? 0) < QUIET_MS) return false;
      }
    }
    return true;
  };

  for (const r of [warmUp, ...runs]) {
    say(`${r.label}: ${int((r.recipients ?? C_RECIPIENTS) * r.parts.length)} recipients`);
    const meter = new CpuMeter(
      { ...Object.fromEntries(workers.map((w, i) => [workerNames[i], w])), api: apiChild, simulator: sim.child },
      { servers: bench.redis.pid ? { redis: bench.redis.pid } : {}, self: 'bench' },
    ).start();
    const redisBefore = bench.redis.pid ? 0 : cpuSecondsByName(['redis-server'])['redis-server'];
    const pgCpu = await new PostgresCpu(pg, bench.database, 500).start();
    // --hold-deliveries (a diagnosis, not the figure): the endpoint's circuit held open in SQL while the runs send, so
    // events are recorded (the producers' cost) but delivered only once the runs have completed (the deliveries' cost).
    // --analyze (a diagnosis): fresh planner statistics on the outbox's tables before each run.
    if (opts.analyze) await pg.query('ANALYZE callback_events; ANALYZE callback_deliveries; ANALYZE campaign_recipients');
    const hold = opts.holdDeliveries && r.mode === 'on' && !r.warmUp;
    if (hold) await pg.query("UPDATE callback_endpoints SET blocked_until = now() + interval '1 hour' WHERE id = $1", [ep.id]);
    r.startedAt = Date.now();
    r.postsBefore = receiver.posts;
    for (const p of r.parts) Object.assign(p, await startRun(r.api, p.campaignId, [p.audience]));
    const timeoutMs = ((C_RECIPIENTS * C_NUMBERS) / C_LIMIT) * 3_000 + 120_000;
    for (const p of r.parts) p.view = await waitRun(r.api, p.campaignId, p.runId, { timeoutMs, everyMs: 200 });
    if (hold) await pg.query('UPDATE callback_endpoints SET blocked_until = NULL WHERE id = $1', [ep.id]);
    r.complete = await waitFor(
      `${r.label}: statuses applied and events received`,
      () => settled(r),
      C_SMOKE ? 60_000 : 120_000,
      200,
    ).catch((e) => {
      say(e.message);
      return false;
    });
    r.settledAt = Date.now();
    const { used } = meter.stop();
    used.postgres = (await pgCpu.stop()).total;
    if (!bench.redis.pid) used.redis = cpuSecondsByName(['redis-server'])['redis-server'] - redisBefore;
    const stats = await simStats(sim);
    r.sends = 0;
    for (const p of r.parts) {
      p.accepted = stats.accepted.byPhoneNumberId?.[p.phone] ?? 0;
      p.spanMs = stats.accepted.timesByPhoneNumberId?.[p.phone]?.spanMs ?? 0;
      p.achieved = p.spanMs > 0 ? ((p.accepted - 1) * 1000) / p.spanMs : 0;
      p.ratio = p.achieved / C_LIMIT;
      p.violations = stats.throttle.byPhoneNumberId?.[p.phone] ?? 0;
      p.truth = await runTruth(pg, p.runId);
      r.sends += p.accepted;
    }
    const us = (seconds) => (r.sends > 0 ? (seconds * 1e6) / r.sends : 0);
    const workerSeconds = workerNames.reduce((n, name) => n + used[name], 0);
    r.cpu = {
      workers: us(workerSeconds),
      each: workerNames.map((name) => us(used[name])),
      api: us(used.api),
      postgres: us(used.postgres),
      redis: us(used.redis ?? 0),
      simulator: us(used.simulator),
      bench: us(used.bench),
    };
    r.cpu.herald = r.cpu.workers + r.cpu.api + r.cpu.postgres + r.cpu.redis;
    r.ratio = r.parts.reduce((n, p) => n + p.ratio, 0) / r.parts.length;
    say(
      `${r.label}: ${r.parts.map((p) => `${fmt(p.ratio, 4)} of the limit (${p.violations} violations)`).join('; ')}; Herald ${fmt(r.cpu.herald, 0)} µs per send; settled ${fmt((r.settledAt - r.startedAt) / 1000, 1)} s after the start`,
    );
    if (r.mode === 'on' && !r.warmUp) await analyse(r);
    await sleep(1_000);
  }

  /** Counts, rates and latencies of a run's events (after the run: not in its CPU figures). */
  async function analyse(r) {
    const runIds = r.parts.map((p) => p.runId);
    const got = runIds.flatMap((id) => receiver.ofRun(id));
    const rows = (
      await pg.query(
        `SELECT d.event_id::text AS id, d.status, d.attempts, (extract(epoch FROM d.created_at) * 1000)::float8 AS created_ms
           FROM callback_deliveries d WHERE d.endpoint_id = $1 AND d.created_at >= $2`,
        [ep.id, new Date(r.startedAt - 1_000)],
      )
    ).rows;
    const mine = new Set(got.map((e) => e.id));
    const recordedAt = new Map(rows.map((d) => [d.id, d.created_ms]));
    // Deliveries of this window not received at all (they carry no run id here: counted whatever their run).
    r.undelivered = rows.filter((d) => !receiver.events.has(d.id)).length;
    // Each batch a job posted records its outcomes with one time: distinct delivered_at = batches (claim–post–record).
    const [b] = (
      await pg.query(
        `SELECT count(DISTINCT delivered_at)::int AS batches, count(*)::int AS n FROM callback_deliveries
          WHERE endpoint_id = $1 AND created_at >= $2 AND delivered_at IS NOT NULL`,
        [ep.id, new Date(r.startedAt - 1_000)],
      )
    ).rows;
    r.batches = b.batches;
    r.perBatch = b.n / Math.max(1, b.batches);
    r.notDelivered = rows.filter((d) => mine.has(d.id) && d.status !== 'delivered').length;
    r.retried = rows.filter((d) => mine.has(d.id) && d.attempts > 1).length;
    r.events = got.length;
    // Requests the receiver took while the run sent and settled (its events, and any other endpoint's in between).
    r.posts = receiver.posts - r.postsBefore;
    r.dupIds = got.filter((e) => e.count > 1).length;
    r.badSignature = receiver.badSignature;
    const msg = got.filter((e) => e.type === 'message.status');
    r.byStatus = {};
    for (const e of msg) r.byStatus[e.status] = (r.byStatus[e.status] ?? 0) + 1;
    r.runStatus = got.filter((e) => e.type === 'run.status').map((e) => e.status);
    // Exactly one event per recipient and step: missing and repeated (the same step told under two ids).
    const keys = new Map();
    for (const e of msg) keys.set(`${e.messageId}|${e.status}`, (keys.get(`${e.messageId}|${e.status}`) ?? 0) + 1);
    r.dupSteps = [...keys.values()].filter((n) => n > 1).length;
    const ids = (await pg.query(`SELECT 'r:' || id AS m FROM campaign_recipients WHERE run_id = ANY($1::uuid[])`, [runIds])).rows;
    r.missing = Object.fromEntries(STEPS.map((s) => [s, 0]));
    for (const { m } of ids) for (const s of STEPS) if (!keys.has(`${m}|${s}`)) r.missing[s] += 1;
    r.expected = ids.length * STEPS.length;
    r.unexpected = msg.filter((e) => !STEPS.includes(e.status)).length;
    // Rates: over first to last receipt, and the busiest second.
    const times = got.map((e) => e.receivedAt).sort((a, b) => a - b);
    r.spanS = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0;
    r.rate = r.spanS > 0 ? r.events / r.spanS : 0;
    const perSecond = new Map();
    for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    r.peak = Math.max(0, ...perSecond.values());
    // Latencies: from the outbox row's created_at (the producer's transaction, just before its commit), and from the
    // envelope's createdAt by kind.
    r.fromCommit = spread(got.filter((e) => recordedAt.has(e.id)).map((e) => e.receivedAt - recordedAt.get(e.id)));
    r.fromCreatedAt = {};
    for (const s of STEPS) r.fromCreatedAt[s] = spread(msg.filter((e) => e.status === s).map((e) => e.receivedAt - e.createdAt));
    r.fromCreatedAt['run.status'] = spread(got.filter((e) => e.type === 'run.status').map((e) => e.receivedAt - e.createdAt));
    r.fromCreatedAtAll = spread(got.map((e) => e.receivedAt - e.createdAt));
    say(
      `${r.label}: ${int(r.events)} events at ${int(r.rate)}/s (peak ${int(r.peak)}/s); outbox → received p50 ${ms(r.fromCommit.p50)}, p99 ${ms(r.fromCommit.p99)}, max ${ms(r.fromCommit.max)}`,
    );
  }

  // ------------------------------------------------------------------------------------------------ figures
  for (const r of runs) {
    for (const [k, p] of r.parts.entries()) {
      const name = `${r.label}${r.parts.length > 1 ? `, number ${k + 1}` : ''}`;
      figures.add(
        `${name}: achieved ÷ limit`,
        `${fmt(p.ratio, 4)} (${fmt(p.achieved, 1)} msg/s: ${int(p.accepted)} in ${fmt(p.spanMs / 1000, 3)} s; ${p.violations} violations)`,
      );
      figures.check(`${name}: run status`, p.view.status, 'completed');
      figures.check(`${name}: recipients accepted (Postgres)`, p.truth.accepted, C_RECIPIENTS);
      figures.check(`${name}: simulator accepted = Postgres accepted`, p.accepted, p.truth.accepted);
    }
    figures.add(
      `${r.label}: CPU per send, µs`,
      `workers ${fmt(r.cpu.workers, 0)} (${r.cpu.each.map((v) => fmt(v, 0)).join(' + ')}), API ${fmt(r.cpu.api, 0)}, Postgres ${fmt(r.cpu.postgres, 0)}, Redis ${fmt(r.cpu.redis, 0)}: Herald ${fmt(r.cpu.herald, 0)}; simulator ${fmt(r.cpu.simulator, 0)}, bench (receiver) ${fmt(r.cpu.bench, 0)} (${int(r.sends)} sends)`,
    );
    figures.check(
      `${r.label}: settled within the wait (every send read; events all in, or none for 2 s)`,
      r.complete === true,
      true,
    );
    if (r.mode !== 'on') continue;
    figures.add(
      `${r.label}: events delivered (all types)`,
      `${int(r.events)} in ${fmt(r.spanS, 2)} s, first to last receipt: ${int(r.rate)}/s (busiest second ${int(r.peak)})`,
    );
    figures.add(
      `${r.label}: outbox (producer's commit) → received`,
      `p50 ${ms(r.fromCommit.p50)}, p99 ${ms(r.fromCommit.p99)}, max ${ms(r.fromCommit.max)} (${int(r.fromCommit.n)} events)`,
      TIMED_C ? `p99 ≤ ${int(TARGET_P99_MS)} ms` : '',
      TIMED_C ? r.fromCommit.p99 <= TARGET_P99_MS : undefined,
    );
    figures.add(
      `${r.label}: envelope createdAt → received, p50 / p99 / max`,
      [...STEPS, 'run.status']
        .map((s) => `${s} ${int(r.fromCreatedAt[s].p50)} / ${int(r.fromCreatedAt[s].p99)} / ${int(r.fromCreatedAt[s].max)} ms`)
        .join('; '),
    );
    figures.add(
      `${r.label}: message.status by step`,
      `${STEPS.map((s) => `${s} ${int(r.byStatus[s] ?? 0)}`).join(', ')} of ${int(r.expected / STEPS.length)} each; run.status: ${r.runStatus.join(', ') || 'none'}`,
    );
    figures.check(
      `${r.label}: message.status events received`,
      STEPS.reduce((n, s) => n + (r.byStatus[s] ?? 0), 0),
      r.expected,
    );
    const missing = Object.values(r.missing).reduce((a, b) => a + b, 0);
    figures.add(
      `check: ${r.label}: steps missing (recipient × step never told)`,
      missing === 0
        ? '0'
        : `${missing} (${STEPS.filter((x) => r.missing[x] > 0)
            .map((x) => `${x} ${r.missing[x]}`)
            .join(', ')})`,
      '= 0',
      missing === 0,
    );
    figures.check(`${r.label}: event ids received more than once`, r.dupIds, 0);
    figures.check(`${r.label}: steps told under two event ids`, r.dupSteps, 0);
    figures.check(`${r.label}: message.status of another status`, r.unexpected, 0);
    figures.check(
      `${r.label}: run.status completed received`,
      r.runStatus.filter((s) => s === 'completed').length,
      r.parts.length,
    );
    figures.check(`${r.label}: outbox deliveries never received`, r.undelivered, 0);
    figures.check(`${r.label}: deliveries not marked delivered`, r.notDelivered, 0);
    figures.add(`${r.label}: deliveries that needed more than one attempt`, int(r.retried));
    figures.add(`${r.label}: delivery batches (claim–post–record)`, `${int(r.batches)}: ${fmt(r.perBatch, 1)} events per batch`);
    figures.add(`${r.label}: POSTs received`, `${int(r.posts)}: ${fmt(r.events / Math.max(1, r.posts), 1)} events per POST`);
  }
  figures.check('bad signatures', receiver.badSignature, 0);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const ons = runs.filter((r) => r.mode === 'on');
  const offs = runs.filter((r) => r.mode === 'off');
  const onRatio = mean(ons.map((r) => r.ratio));
  const offRatio = mean(offs.map((r) => r.ratio));
  figures.add(
    'achieved ÷ limit: callbacks on ÷ off',
    `${fmt(onRatio / offRatio, 3)} (on ${ons.map((r) => fmt(r.ratio, 4)).join(', ')}; off ${offs.map((r) => fmt(r.ratio, 4)).join(', ')})`,
  );
  const cpuMean = (rs, k) => mean(rs.map((r) => r.cpu[k]));
  figures.add(
    'Herald CPU per send, on − off (µs)',
    `${fmt(cpuMean(ons, 'herald') - cpuMean(offs, 'herald'), 0)} (on ${fmt(cpuMean(ons, 'herald'), 0)}, off ${fmt(cpuMean(offs, 'herald'), 0)}; ` +
      `workers ${fmt(cpuMean(ons, 'workers') - cpuMean(offs, 'workers'), 0)}, API ${fmt(cpuMean(ons, 'api') - cpuMean(offs, 'api'), 0)}, Postgres ${fmt(cpuMean(ons, 'postgres') - cpuMean(offs, 'postgres'), 0)}, Redis ${fmt(cpuMean(ons, 'redis') - cpuMean(offs, 'redis'), 0)})`,
  );
  const ok = figures.print([
    `stack: API, ${C_WORKERS} workers (${C_LAYOUT === 'split' && C_WORKERS > 1 ? `${C_WORKERS - C_EVENT_WORKERS} on the sends, ${C_EVENT_WORKERS} on events and callbacks` : 'each on every queue'}), the simulator answering after ${C_LATENCY} ms and posting sent/delivered/read for every send; WEBHOOK_APPLY_DELAY_MS default; an unmeasured warm-up run of ${int(WARM_UP)} with callbacks first`,
    'receiver: node:http on 127.0.0.1 in the bench process, every signature checked; on = an endpoint subscribed to message.status and run.status, off = no endpoint',
    'outbox → received: from callback_deliveries.created_at (set in the producer\u2019s transaction, just before its commit) to receipt',
  ]);
  const head = [
    'run',
    'callbacks',
    '÷ limit',
    'violations',
    'events/s (peak)',
    'outbox→received p50 / p99 / max',
    'CPU µs/send: workers / API / PG / Redis (sim, bench)',
    'Herald',
  ];
  const body = runs.map((r) => [
    String(r.n),
    r.mode,
    r.parts.map((p) => fmt(p.ratio, 4)).join(' / '),
    r.parts.map((p) => String(p.violations)).join(' / '),
    r.mode === 'on' ? `${int(r.rate)} (${int(r.peak)})` : '—',
    r.mode === 'on' ? `${int(r.fromCommit.p50)} / ${int(r.fromCommit.p99)} / ${int(r.fromCommit.max)} ms` : '—',
    `${fmt(r.cpu.workers, 0)} / ${fmt(r.cpu.api, 0)} / ${fmt(r.cpu.postgres, 0)} / ${fmt(r.cpu.redis, 0)} (${fmt(r.cpu.simulator, 0)}, ${fmt(r.cpu.bench, 0)})`,
    `${fmt(r.cpu.herald, 0)} µs`,
  ]);
  process.stdout.write([...markdownTable(head, body), ''].join('\n'));
  await receiver.close();
  if (profileDir) {
    for (const w of workers) await stopProcess(w);
    process.stdout.write(`\nworkers (warm-up and every run):\n${summariseProfiles(profileDir)}\n`);
  }
  return ok;
}

// The campaign form ends the process (runBench exits); otherwise the forms above.
if (opts.campaign) await runBench(new Bench('callbacks-campaign', { keep: opts.keep }), campaignForm);

await runBench(new Bench('callbacks', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const say = bench.say;
  const figures = new Figures(
    'callbacks',
    `Callback deliveries — ${int(RATE)} events/s offered for ${SECONDS} s to one endpoint${BATCH > 1 ? ` (batchSize ${BATCH})` : ''}; then a ${OUTAGE_S} s outage of one of two endpoints at ${int(OUTAGE_RATE)} events/s${opts.smoke ? ' (smoke)' : ''}`,
  );
  const pg = bench.pg(4);
  const redis = bench.redisClient();
  const maxEvents = BACKLOG + Math.round(RATE * SECONDS + OUTAGE_RATE * (OUTAGE_S + 10)) + 10_000;
  const receivers = new Receivers(maxEvents);
  const base = await receivers.listen();

  const env = { CALLBACK_ALLOW_PRIVATE_URLS: 'true', CALLBACK_RETRY_BASE_MS: '1000' };
  const { url, child: apiChild } = await bench.startApi(env);
  const profileDir = opts.profile ? join(os.tmpdir(), `herald-callbacks-profile-${Date.now().toString(36)}`) : undefined;
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const workers = [
    await bench.startWorker(env, { name: 'worker-1', nodeArgs }),
    await bench.startWorker(env, { name: 'worker-2', nodeArgs }),
  ];
  const api = new Api(url, bench.adminToken);
  await api.workspace('Callbacks bench');
  const endpoint = async (path) => {
    const ep = await api.post('/v1/webhook-endpoints', { url: `${base}${path}`, events: ['message.status'], batchSize: BATCH });
    receivers.add(path, ep.secret);
    return ep;
  };
  const producer = new Producer(pg, bench, receivers);
  await sleep(500);
  const redisBefore = await bench.redisUsedMemory(redis);

  // Phase 0: capacity. A backlog recorded while the endpoint's circuit is held open (blocked_until far ahead, set in
  // SQL: no worker claims), then released at once: how fast two workers deliver when nothing else runs.
  say(`phase 0: a backlog of ${int(BACKLOG)} events, then released`);
  const backlogEp = await endpoint('/backlog');
  await pg.query("UPDATE callback_endpoints SET blocked_until = now() + interval '1 hour' WHERE id = $1", [backlogEp.id]);
  const p0 = await producer.run(api.workspaceId, 200_000, BACKLOG / 200_000);
  await api.raw('PATCH', `/v1/webhook-endpoints/${backlogEp.id}`, { events: ['run.status'] }); // no more events for it
  const cap = new CpuMeter({ 'worker-1': workers[0], 'worker-2': workers[1] });
  await pg.query('UPDATE callback_endpoints SET blocked_until = NULL WHERE id = $1', [backlogEp.id]);
  const releasedAt = performance.now();
  cap.start();
  await producer.outbox.kick({ endpointIds: [backlogEp.id], direct: false });
  const backlog = receivers.paths.get('/backlog');
  await waitFor('the backlog to be delivered', async () => backlog.got >= p0.to - p0.from, 120_000, 20).catch(() => undefined);
  const capUsed = cap.stop().used;
  const drainSeconds = (backlog.lastAt - releasedAt) / 1000;
  const drainRate = backlog.got / drainSeconds;
  figures.add(
    'backlog delivered (2 workers)',
    `${int(backlog.got)} of ${int(p0.to - p0.from)} in ${fmt(drainSeconds, 2)} s: ${int(drainRate)} events/s`,
    TIMED ? `≥ ${int(TARGET_RATE)}/s` : '',
    TIMED ? drainRate >= TARGET_RATE : undefined,
  );
  figures.add(
    '  CPU per event while draining (µs)',
    `worker-1 ${fmt((capUsed['worker-1'] * 1e6) / backlog.got, 1)}, worker-2 ${fmt((capUsed['worker-2'] * 1e6) / backlog.got, 1)}`,
  );
  const t0 = receivers.tally('/backlog', p0.from, p0.to);
  figures.check('backlog: events missing', t0.missing, 0);
  figures.check('backlog: events delivered twice', t0.duplicated, 0);
  await api.raw('DELETE', `/v1/webhook-endpoints/${backlogEp.id}`);

  await endpoint('/one');

  // Phase 1: throughput and latency.
  // Phase 1: events produced continuously, delivered as they come.
  say(`phase 1: ${int(RATE)} events/s for ${SECONDS} s to one endpoint`);
  const meter = new CpuMeter({ 'worker-1': workers[0], 'worker-2': workers[1], api: apiChild }).start();
  const pgCpu = await new PostgresCpu(pg, bench.database, 500).start();
  const startedAt = performance.now();
  const p1 = await producer.run(api.workspaceId, RATE, SECONDS);
  await waitFor('phase 1 deliveries', async () => receivers.paths.get('/one').got >= p1.to - p1.from, 120_000, 50).catch(
    () => undefined,
  );
  const one = receivers.paths.get('/one');
  const { used } = meter.stop();
  const pgUsed = await pgCpu.stop();
  const deliveredSeconds = (one.lastAt - startedAt) / 1000;
  const events1 = p1.to - p1.from;
  const rate1 = one.got / deliveredSeconds;
  const q = (h, p) => h.percentile(p) / 1000;
  const perEvent = (s) => (s * 1e6) / Math.max(1, one.got);
  figures.add(
    'produced continuously, delivered (2 workers)',
    `${int(one.got)} of ${int(events1)} in ${fmt(deliveredSeconds, 2)} s: ${int(rate1)}/s (offered ${int(events1 / p1.seconds)}/s)`,
    TIMED ? `≥ ${int(TARGET_RATE)}/s` : '',
    TIMED ? rate1 >= TARGET_RATE * 0.98 : undefined,
  );
  figures.add(
    'accepted (committed) → delivered p99',
    `${fmt(q(one.latency, 99), 1)} ms (p50 ${fmt(q(one.latency, 50), 1)} ms, p90 ${fmt(q(one.latency, 90), 1)} ms, max ${fmt(one.latency.max / 1000, 0)} ms)`,
    TIMED ? `≤ ${int(TARGET_P99_MS)} ms` : '',
    TIMED ? q(one.latency, 99) <= TARGET_P99_MS : undefined,
  );
  figures.add(
    'CPU per event (µs)',
    `worker-1 ${fmt(perEvent(used['worker-1']), 1)}, worker-2 ${fmt(perEvent(used['worker-2']), 1)}, Postgres for workers ${fmt(perEvent(pgUsed['for workers']), 1)}, ` +
      `Postgres background ${fmt(perEvent(pgUsed.background + pgUsed.autovacuum), 1)}, producer + receiver (this process) ${fmt(perEvent(used['load generator / bench']), 1)}`,
  );
  figures.add('  producer: record() + commit per 20 ms batch, p99', `${fmt(q(producer.recordMs, 99), 1)} ms`);
  const t1 = receivers.tally('/one', p1.from, p1.to);
  figures.check('phase 1: events missing', t1.missing, 0);
  figures.check('phase 1: events delivered twice', t1.duplicated, 0);
  figures.check('phase 1: bad signatures', one.badSignature, 0);

  // Phase 2: a dead endpoint beside a healthy one.
  say(`phase 2: one of two endpoints answers 500 for ${OUTAGE_S} s; ${int(OUTAGE_RATE)} events/s for ${OUTAGE_S + 10} s`);
  const api2 = new Api(url, bench.adminToken);
  await api2.workspace('Callbacks bench outage');
  for (const path of ['/healthy', '/recovering']) {
    const ep = await api2.post('/v1/webhook-endpoints', { url: `${base}${path}`, events: ['message.status'], batchSize: BATCH });
    receivers.add(path, ep.secret);
  }
  receivers.failing.add('/recovering');
  const recoverAt = performance.now() + OUTAGE_S * 1000;
  let outageEvents = { to: 0 };
  let caughtUpAt = 0;
  let watch;
  const recover = setTimeout(() => {
    receivers.failing.delete('/recovering');
    outageEvents = { to: producer.seq };
    // When every event committed during the outage has reached the recovered endpoint.
    watch = setInterval(() => {
      if (caughtUpAt === 0 && receivers.tally('/recovering', p2From, outageEvents.to).missing === 0)
        caughtUpAt = performance.now();
    }, 100);
  }, OUTAGE_S * 1000);
  const p2From = producer.seq;
  const p2 = await producer.run(api2.workspaceId, OUTAGE_RATE, OUTAGE_S + 10);
  const n2 = p2.to - p2.from;
  const healthy = receivers.paths.get('/healthy');
  const recovering = receivers.paths.get('/recovering');
  await waitFor(
    'phase 2 deliveries',
    async () => healthy.got >= n2 && receivers.tally('/recovering', p2.from, p2.to).missing === 0,
    300_000,
    200,
  ).catch(() => undefined);
  clearTimeout(recover);
  clearInterval(watch);
  const th = receivers.tally('/healthy', p2.from, p2.to);
  const tr = receivers.tally('/recovering', p2.from, p2.to);
  figures.add(
    'healthy endpoint during the outage: p99',
    `${fmt(q(healthy.latency, 99), 1)} ms (p50 ${fmt(q(healthy.latency, 50), 1)} ms, max ${fmt(healthy.latency.max / 1000, 0)} ms)`,
    TIMED ? `≤ ${int(TARGET_P99_MS)} ms` : '',
    TIMED ? q(healthy.latency, 99) <= TARGET_P99_MS : undefined,
  );
  figures.add(
    'dead endpoint: requests refused during the outage',
    `${int(recovering.refused)} for ${int(n2)} events (the circuit probes it; it is not sent every event)`,
  );
  figures.add(
    'recovered endpoint: the outage’s events delivered',
    caughtUpAt
      ? `${fmt((caughtUpAt - recoverAt) / 1000, 1)} s after it answered 200 again (${int(outageEvents.to - p2From)} events)`
      : 'not within the wait',
  );
  figures.check('healthy endpoint: events missing', th.missing, 0);
  figures.check('healthy endpoint: events delivered twice', th.duplicated, 0);
  figures.check('recovered endpoint: events missing (at least once)', tr.missing, 0);
  figures.add('  recovered endpoint: events delivered more than once', int(tr.duplicated));
  figures.check('phase 2: bad signatures', healthy.badSignature + recovering.badSignature, 0);

  await sleep(1_500); // the last jobs removed
  const redisAfter = await bench.redisUsedMemory(redis);
  const totalEvents = p0.to - p0.from + events1 + n2;
  const growth = redisAfter - redisBefore;
  figures.add(
    'Redis used_memory before → after',
    `${fmt(mb(redisBefore), 2)} MB → ${fmt(mb(redisAfter), 2)} MB (${int(totalEvents)} events, ${int(totalEvents + n2)} deliveries)`,
  );
  // Bounded, not per event: BullMQ's events stream of the queue (capped at 1,000 entries) and a few per-endpoint keys.
  figures.add(
    'Redis growth',
    `${fmt(growth / 1024, 0)} KB for ${int(totalEvents)} events (${fmt(growth / totalEvents, 2)} bytes/event)`,
    '< 1 MB, bounded',
    growth < 1024 * 1024,
  );
  const [left] = (
    await pg.query(
      "SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM callback_deliveries",
    )
  ).rows;
  figures.check('deliveries left pending or failed', left.pending + left.failed, 0);

  const keys = await redis.keys(`${bench.redisPrefix}:callbacks:*`);
  figures.add(
    'Redis keys of the callbacks queue after',
    `${keys.length} (${keys
      .map((k) => k.slice(bench.redisPrefix.length + 11))
      .sort()
      .join(', ')})`,
  );
  await producer.close();
  await receivers.close();
  if (profileDir) {
    for (const w of workers) await stopProcess(w);
    process.stdout.write(`\nworkers:\n${summariseProfiles(profileDir)}\n`);
  }
  return figures.print([
    `producer: CallbackOutbox.record in one transaction per ${TICK_MS} ms tick, then kick; receivers: node:http on 127.0.0.1 in the bench process, every signature checked`,
    'workers: 2 processes (WORKER_CONCURRENCY 10, callbacks batch 200, 32 posts in flight per job); CALLBACK_RETRY_BASE_MS=1000',
  ]);
});
