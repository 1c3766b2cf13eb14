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
import { createServer } from 'node:http';
import { createHistogram } from 'node:perf_hooks';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  Bench,
  CpuMeter,
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
} from './lib/harness.mjs';
import { Api } from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { rate: 'int', seconds: 'int', outage: 'int', smoke: 'bool', keep: 'bool', profile: 'bool' },
  'node bench/callbacks.mjs [--rate N] [--seconds N] [--outage N] [--smoke] [--keep] [--profile]',
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
        const seq = JSON.parse(raw.toString('utf8')).data.seq;
        const now = performance.now();
        if (r.counts[seq] === 0) r.latency.record(Math.max(1, Math.round((now - this.committedAt[seq]) * 1000)));
        r.counts[seq] = Math.min(255, r.counts[seq] + 1);
        r.got += 1;
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
    this.outbox = new callbacks.CallbackOutbox(
      null,
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

await runBench(new Bench('callbacks', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const say = bench.say;
  const figures = new Figures(
    'callbacks',
    `Callback deliveries — ${int(RATE)} events/s offered for ${SECONDS} s to one endpoint; then a ${OUTAGE_S} s outage of one of two endpoints at ${int(OUTAGE_RATE)} events/s${opts.smoke ? ' (smoke)' : ''}`,
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
    const ep = await api.post('/v1/webhook-endpoints', { url: `${base}${path}`, events: ['message.status'] });
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
    const ep = await api2.post('/v1/webhook-endpoints', { url: `${base}${path}`, events: ['message.status'] });
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
