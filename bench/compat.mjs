#!/usr/bin/env node
// Benchmark (not a test): what a vendor surface (/compat/<vendor>, docs/COMPATIBILITY.md) costs on top of Herald's
// native `POST /v1/messages` when a client sends single template messages through it.
//
//   node bench/compat.mjs                  # 200 req/s for 10 s per route, two rounds (about 5.5 min)
//   node bench/compat.mjs --smoke          # 50 req/s for 2 s per route, one round, checks only (about 30 s)
//   node bench/compat.mjs --rate 400 --seconds 20 --rounds 3 --only native,bird
//
// Stack: the API (from dist/, LOG_LEVEL warn), Postgres and Redis as the harness finds them, the simulator with one
// WhatsApp channel (bench/lib addChannel) and two UTILITY templates stored at the simulator as APPROVED and read by
// `POST /v1/templates/sync`: `bench_update` ("Hi {{1}}, your order has shipped.", one body variable) and
// `bench_notice` ("Your order has shipped.", none). No worker: what is measured is acceptance — the API authenticates,
// translates, validates (the template checked against the account's), upserts the contact, writes the message to
// Postgres and enqueues its job in Redis before it answers. The jobs stay in Redis, unsent.
//
// Routes, each one single template send to a new number (+919…, distinct across the whole run):
//   native         POST /v1/messages                                    x-api-key; bench_update, params ["Asha"]
//   native-plain   POST /v1/messages                                    x-api-key; bench_notice, no params
//   whautochat     POST /compat/whautochat/v1/messages/whatsapp/sendtemplate   x-api-key; bench_notice (WhautoChat
//                  has no parameters: compared with native-plain)
//   chitchatlabs   POST /compat/chitchatlabs/chat-service/apis/message/single  x-tenant-api-key; params ["Asha"]
//   bird           POST /compat/bird/workspaces/:ws/channels/:ch/messages      AccessKey; template.projectId = Herald's
//                  template id (Bird's field), version latest, locale en-US, parameters [{key "1", value "Asha"}]
//   engagelab      POST /compat/engagelab/v1/messages                    Basic publicId:key; from, to [n], snake_case
//                  body component with one text parameter
//   cloud-api      POST /compat/cloud-api/v23.0/:phoneNumberId/messages  Bearer; Meta's template body, one parameter
// Each compat route is compared with `native` except WhautoChat (with `native-plain`, the same content).
//
// Load: open loop. Each route is offered --rate requests per second for --seconds (request i is started at
// t0 + i ÷ rate whatever the answers before it did), over an undici keep-alive pool (64 connections: far more than the
// requests in flight at these rates; one waiting for a connection counts it in its latency). Latency: from the
// request's start to its whole answer. Achieved: 2xx answers ÷ (last answer − first start) of the phase. Routes
// alternate in --rounds rounds (2), the second in reverse order, so native is first and last and a drift of the
// machine over the run weighs on every route alike; a warm-up (--warmup seconds at the rate, 2; smoke 0.4) of every
// route comes first, unmeasured, then 5 s (smoke 2) with no request measure the stack's idle CPU (printed). Figures
// per route are over all its rounds.
//
// CPU per request (per 2xx answer) over each phase, from its first start to its last answer: the API process
// (/proc/<pid>/stat, every thread), and Postgres's backends serving the API (PostgresCpu "for API": its connections
// named herald-api); apart, the server's WAL writer, checkpointer, background writer and this database's autovacuum
// (shared with any other database's writes on the server, so a ceiling). Ratio: (API + Postgres for the API) of the
// route ÷ that of its native baseline. Also ≈ Postgres transactions per request (pg_stat_database of the database:
// every autocommitted statement is one), read 10.5 s after each phase because a PostgreSQL 15 backend gone idle
// flushes its counts only after 10 s (full form only: the smoke form has no CPU figures and no wait).
//
// Checks: every route's requests all answered 2xx (none refused, none timed out); every 2xx answer's message id is a
// row of `messages`, distinct across answers, with the number and template the request named; per route, `messages`
// holds exactly one row per number answered 2xx and none for a number refused; in all, `messages` has as many rows
// as 2xx answers (warm-up included).
//
// Helpers written here because bench/lib has none: the open-loop generator (`offer`), ROUTES (the bodies).
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { Pool } from 'undici';
import { Bench, Figures, PostgresCpu, call, cpuSecondsOf, fmt, int, markdownTable, parseArgs, runBench, sleep } from './lib/harness.mjs';
import { Api, WABA_ID, addChannel } from './lib/campaign.mjs';

const ROUTE_NAMES = ['native', 'native-plain', 'whautochat', 'chitchatlabs', 'bird', 'engagelab', 'cloud-api'];
const opts = parseArgs(
  process.argv.slice(2),
  { smoke: 'bool', keep: 'bool', rate: 'int', seconds: 'int', rounds: 'int', warmup: 'int', only: 'str' },
  `node bench/compat.mjs [--rate N] [--seconds N] [--rounds N] [--warmup S] [--only ${ROUTE_NAMES.join(',')}] [--smoke] [--keep]`,
);
const SMOKE = Boolean(opts.smoke);
const RATE = opts.rate ?? (SMOKE ? 50 : 200);
const SECONDS = opts.seconds ?? (SMOKE ? 2 : 10);
const ROUNDS = opts.rounds ?? (SMOKE ? 1 : 2);
const WARMUP_S = opts.warmup ?? (SMOKE ? 0.4 : 2);
const CONNECTIONS = 64;
const IDLE_S = SMOKE ? 2 : 5;
const STATS_SETTLE_MS = SMOKE ? 0 : 10_500;
const TIMEOUT_MS = 30_000;
const PHONE = '106540352242001';
const PARAM = 'Asha';
const TEMPLATES = {
  update: { name: 'bench_update', text: 'Hi {{1}}, your order has shipped.', example: { body_text: [['Asha']] } },
  notice: { name: 'bench_notice', text: 'Your order has shipped.' },
};
const only = opts.only?.split(',');
for (const n of only ?? []) {
  if (!ROUTE_NAMES.includes(n)) {
    process.stderr.write(`--only: each one of ${ROUTE_NAMES.join(', ')}\n`);
    process.exit(2);
  }
}
if (RATE < 1 || SECONDS < 1 || ROUNDS < 1) {
  process.stderr.write('--rate, --seconds and --rounds must be at least 1\n');
  process.exit(2);
}

/** Distinct valid Indian mobiles, +919 and nine digits, one per request of the whole run. */
let nextNumber = 100_000_000;
const newNumber = () => `+919${String(nextNumber++).padStart(9, '0')}`;

/**
 * The routes: what each request looks like (path, headers, body for a number) and where its answer has the message id.
 * `ctx`: { key, basic, workspaceId, channelId, phone, display, updateTemplateId }.
 */
function routes(ctx) {
  const json = { 'content-type': 'application/json' };
  const bodyComponent = [{ type: 'body', parameters: [{ type: 'text', text: PARAM }] }];
  return [
    {
      name: 'native',
      baseline: 'native',
      template: TEMPLATES.update.name,
      path: '/v1/messages',
      headers: { ...json, 'x-api-key': ctx.key },
      body: (n) => ({
        to: { number: n },
        type: 'template',
        template: { name: TEMPLATES.update.name, language: 'en_US', params: [PARAM] },
      }),
      idOf: (a) => a?.id,
    },
    {
      name: 'native-plain',
      baseline: 'native-plain',
      template: TEMPLATES.notice.name,
      path: '/v1/messages',
      headers: { ...json, 'x-api-key': ctx.key },
      body: (n) => ({ to: { number: n }, type: 'template', template: { name: TEMPLATES.notice.name, language: 'en_US' } }),
      idOf: (a) => a?.id,
    },
    {
      name: 'whautochat',
      baseline: 'native-plain',
      template: TEMPLATES.notice.name,
      path: '/compat/whautochat/v1/messages/whatsapp/sendtemplate',
      headers: { ...json, 'x-api-key': ctx.key },
      body: (n) => ({ recepient: { phoneNumber: n }, workspace: { id: ctx.workspaceId }, template: TEMPLATES.notice.name }),
      idOf: (a) => a?.id,
    },
    {
      name: 'chitchatlabs',
      baseline: 'native',
      template: TEMPLATES.update.name,
      path: '/compat/chitchatlabs/chat-service/apis/message/single',
      headers: { ...json, 'x-tenant-api-key': ctx.key },
      body: (n) => ({ to: { mobile: n.slice(1) }, fb_template: TEMPLATES.update.name, language: 'en_US', params: [PARAM] }),
      idOf: (a) => a?.id,
    },
    {
      name: 'bird',
      baseline: 'native',
      template: TEMPLATES.update.name,
      path: `/compat/bird/workspaces/${ctx.workspaceId}/channels/${ctx.channelId}/messages`,
      headers: { ...json, authorization: `AccessKey ${ctx.key}` },
      body: (n) => ({
        receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: n }] },
        template: {
          projectId: ctx.updateTemplateId,
          version: 'latest',
          locale: 'en-US',
          parameters: [{ type: 'string', key: '1', value: PARAM }],
        },
      }),
      idOf: (a) => a?.id,
    },
    {
      name: 'engagelab',
      baseline: 'native',
      template: TEMPLATES.update.name,
      path: '/compat/engagelab/v1/messages',
      headers: { ...json, authorization: ctx.basic },
      body: (n) => ({
        from: ctx.display,
        to: [n],
        body: { type: 'template', template: { name: TEMPLATES.update.name, language: 'en_US', components: bodyComponent } },
      }),
      idOf: (a) => a?.message_id,
    },
    {
      name: 'cloud-api',
      baseline: 'native',
      template: TEMPLATES.update.name,
      path: `/compat/cloud-api/v23.0/${ctx.phone}/messages`,
      headers: { ...json, authorization: `Bearer ${ctx.key}` },
      body: (n) => ({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: n.slice(1),
        type: 'template',
        template: { name: TEMPLATES.update.name, language: { code: 'en_US' }, components: bodyComponent },
      }),
      idOf: (a) => a?.messages?.[0]?.id,
    },
  ];
}

/** Every answer of a route, warm-up included, for the checks: number → { id, status }. */
const answered = new Map();

/**
 * Offers `rate` requests per second of `route` for `seconds` (open loop); resolves the phase's outcome. `meter` is
 * started just before the first request and stopped after the last answer.
 */
async function offer(pool, route, rate, seconds, meter) {
  const n = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const log = answered.get(route.name);
  const out = { sent: n, ok: 0, refused: new Map(), latencies: [], late: 0 };
  const refuse = (why) => out.refused.set(why, (out.refused.get(why) ?? 0) + 1);
  await meter?.start();
  const t0 = performance.now();
  let lastAnswer = t0;
  const fire = async (number) => {
    const started = performance.now();
    try {
      const res = await pool.request({
        method: 'POST',
        path: route.path,
        headers: route.headers,
        body: JSON.stringify(route.body(number)),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      const text = await res.body.text();
      const done = performance.now();
      lastAnswer = Math.max(lastAnswer, done);
      out.latencies.push(done - started);
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (res.statusCode >= 200 && res.statusCode < 300) {
        out.ok += 1;
        log.set(number, { id: route.idOf(json), status: res.statusCode });
      } else {
        refuse(`HTTP ${res.statusCode}`);
        log.set(number, { status: res.statusCode, text: text.slice(0, 300) });
      }
    } catch (error) {
      lastAnswer = Math.max(lastAnswer, performance.now());
      refuse(error.code ?? error.message);
      log.set(number, { status: 0, text: String(error.message) });
    }
  };
  const inFlight = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (performance.now() - due > 5) out.late += 1;
    inFlight.push(fire(newNumber()));
  }
  await Promise.all(inFlight);
  out.spanMs = lastAnswer - t0;
  out.cpu = meter ? await meter.stop() : undefined;
  return out;
}

/** API process CPU and Postgres CPU (PostgresCpu) over a phase. */
class PhaseMeter {
  constructor(pg, database, apiPid) {
    this.pg = pg;
    this.database = database;
    this.apiPid = apiPid;
  }

  /** The database's transactions so far (pg_stat_database: each backend flushes about once a second). */
  async xacts() {
    const { rows } = await this.pg.query(
      'SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = $1',
      [this.database],
    );
    return Number(rows[0].n);
  }

  async start() {
    this.postgres = await new PostgresCpu(this.pg, this.database, 500).start();
    this.xactsBefore = await this.xacts();
    this.apiBefore = cpuSecondsOf(this.apiPid) ?? 0;
  }

  async stop() {
    const api = (cpuSecondsOf(this.apiPid) ?? 0) - this.apiBefore;
    const pgUsed = await this.postgres.stop();
    // PostgreSQL 15 backends flush their statistics at most once a second, and one that went idle meanwhile only
    // after PGSTAT_IDLE_INTERVAL (10 s): the full form waits that long so each phase's transactions are its own.
    let xacts = NaN;
    if (STATS_SETTLE_MS > 0) {
      await sleep(STATS_SETTLE_MS);
      xacts = (await this.xacts()) - this.xactsBefore;
    }
    return { api, pgApi: pgUsed['for API'], pgOther: pgUsed.background + pgUsed.autovacuum, xacts };
  }
}

const pct = (sorted, p) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

await runBench(new Bench('compat', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const say = bench.say;
  const figures = new Figures(
    'compat',
    `Vendor surfaces at acceptance — ${RATE} req/s offered for ${SECONDS} s per route, ${ROUNDS} round(s)${SMOKE ? ' (smoke: checks only)' : ''}`,
  );
  const pg = bench.pg();
  const sim = await bench.startSimulator();
  const { url, child: apiChild } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  const ws = await api.workspace('Compat bench');
  const keys = await api.get('/v1/api-keys');
  const publicId = (Array.isArray(keys) ? keys : keys.data)[0].publicId;

  // One WhatsApp channel on the simulator; the two templates stored there as APPROVED, then read by Herald.
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate: 1000 });
  const channel = await api.get(`/v1/channels/${channelId}`);
  await call(sim.url, 'PUT', '/_sim/templates', {
    body: Object.values(TEMPLATES).map((t) => ({
      wabaId: WABA_ID,
      name: t.name,
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: t.text, ...(t.example ? { example: t.example } : {}) }],
    })),
  });
  const synced = await api.post('/v1/templates/sync', {});
  say(`templates synced: ${JSON.stringify(synced)}`);
  const listed = await api.get(`/v1/templates?channelId=${channelId}&status=APPROVED`);
  const updateTemplate = listed.data.find((t) => t.name === TEMPLATES.update.name && t.language === 'en_US');
  if (!updateTemplate || !listed.data.some((t) => t.name === TEMPLATES.notice.name)) {
    throw new Error(
      `the templates are not approved in Herald after the sync: ${JSON.stringify(listed.data.map((t) => [t.name, t.status]))}`,
    );
  }

  const all = routes({
    key: api.key,
    basic: `Basic ${Buffer.from(`${publicId}:${api.key}`).toString('base64')}`,
    workspaceId: ws.id,
    channelId,
    phone: PHONE,
    display: channel.displayPhoneNumber,
    updateTemplateId: updateTemplate.id,
  }).filter((r) => !only || only.includes(r.name));
  for (const r of all) answered.set(r.name, new Map());

  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 60_000 });
  const meter = new PhaseMeter(pg, bench.database, apiChild.pid);
  // Warm-up: every route at the rate, unmeasured (JIT, the API's pools and caches).
  for (const r of all) {
    const w = await offer(pool, r, RATE, WARMUP_S);
    say(
      `warm-up ${r.name}: ${w.ok}/${w.sent} 2xx${w.refused.size ? `, refused ${[...w.refused].map(([k, v]) => `${k}×${v}`).join(' ')}` : ''}`,
    );
  }
  await sleep(1_000);
  // The stack's own cost with no request: the API's timers and Postgres's for it, over IDLE_S seconds.
  await meter.start();
  const idleT0 = performance.now();
  await sleep(IDLE_S * 1000);
  const idleCpu = await meter.stop();
  const idleSeconds = (performance.now() - idleT0) / 1000;
  const idle = { api: idleCpu.api / idleSeconds, pgApi: idleCpu.pgApi / idleSeconds, pgOther: idleCpu.pgOther / idleSeconds };
  say(
    `idle: API ${fmt(idle.api * 1000, 1)} ms/s, Postgres for the API ${fmt(idle.pgApi * 1000, 1)} ms/s, other ${fmt(idle.pgOther * 1000, 1)} ms/s`,
  );

  const phases = new Map(all.map((r) => [r.name, []]));
  const startedAt = new Date();
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? all : [...all].reverse();
    for (const r of order) {
      const p = await offer(pool, r, RATE, SECONDS, meter);
      phases.get(r.name).push(p);
      const us = (s) => (p.ok > 0 ? (s * 1e6) / p.ok : NaN);
      say(
        `round ${round + 1} ${r.name}: ${p.ok}/${p.sent} 2xx in ${fmt(p.spanMs / 1000, 2)} s; API ${fmt(us(p.cpu.api), 0)} µs, Postgres ${fmt(us(p.cpu.pgApi), 0)} µs${Number.isFinite(p.cpu.xacts) ? `, ≈ ${fmt(p.cpu.xacts / Math.max(1, p.ok), 1)} transactions` : ''} per request`,
      );
      await sleep(500);
    }
  }
  const endedAt = new Date();
  await pool.close();

  // ---- figures per route, over its rounds
  const rows = new Map();
  for (const r of all) {
    const ps = phases.get(r.name);
    const sum = (f) => ps.reduce((n, p) => n + f(p), 0);
    const ok = sum((p) => p.ok);
    const sent = sum((p) => p.sent);
    const latencies = ps.flatMap((p) => p.latencies).sort((a, b) => a - b);
    const refused = new Map();
    for (const p of ps) for (const [k, v] of p.refused) refused.set(k, (refused.get(k) ?? 0) + v);
    const us = (f) => (ok > 0 ? (sum(f) * 1e6) / ok : NaN);
    rows.set(r.name, {
      r,
      ok,
      sent,
      refused,
      achieved:
        (ok * 1000) /
        Math.max(
          1,
          sum((p) => p.spanMs),
        ),
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      late: sum((p) => p.late),
      api: us((p) => p.cpu.api),
      pgApi: us((p) => p.cpu.pgApi),
      pgOther: us((p) => p.cpu.pgOther),
      xacts: ok > 0 ? sum((p) => p.cpu.xacts) / ok : NaN,
      perRound: ps.map((p) => (p.ok > 0 ? ((p.cpu.api + p.cpu.pgApi) * 1e6) / p.ok : NaN)),
    });
  }
  for (const row of rows.values()) {
    const base = rows.get(row.r.baseline);
    row.ratio = base ? (row.api + row.pgApi) / (base.api + base.pgApi) : NaN;
    row.apiRatio = base ? row.api / base.api : NaN;
  }

  for (const row of rows.values()) {
    const refusedText = row.refused.size ? ` (${[...row.refused].map(([k, v]) => `${k} ×${v}`).join(', ')})` : '';
    figures.add(
      `${row.r.name}: accepted (2xx) / refused`,
      `${int(row.ok)} / ${int(row.sent - row.ok)}${refusedText}; ${fmt(row.achieved, 1)} req/s achieved; p50 ${fmt(row.p50, 2)} ms, p99 ${fmt(row.p99, 2)} ms${row.late ? `; ${row.late} started > 5 ms late` : ''}`,
    );
    if (!SMOKE) {
      figures.add(
        `${row.r.name}: CPU per request, µs`,
        `API ${fmt(row.api, 0)}, Postgres for the API ${fmt(row.pgApi, 0)} (WAL writer, checkpointer, bgwriter, autovacuum ${fmt(row.pgOther, 0)}; ≈ ${fmt(row.xacts, 1)} transactions); ${row.r.baseline === row.r.name ? 'baseline' : `÷ ${row.r.baseline}: ${fmt(row.ratio, 2)} (API alone ${fmt(row.apiRatio, 2)})`}`,
      );
    }
  }

  // ---- checks against Postgres
  let allOk = 0;
  for (const r of all) {
    const log = answered.get(r.name);
    const numbers = [...log.keys()];
    const good = [...log].filter(([, a]) => a.status >= 200 && a.status < 300);
    allOk += good.length;
    const row = rows.get(r.name);
    figures.check(`${r.name}: requests refused or unanswered`, row.sent - row.ok, 0);
    const ids = good.map(([, a]) => a.id);
    figures.check(`${r.name}: 2xx answers without a message id`, ids.filter((id) => typeof id !== 'string').length, 0);
    const valid = ids.filter((id) => typeof id === 'string');
    figures.check(`${r.name}: distinct message ids among 2xx answers`, new Set(valid).size, good.length);
    const found = new Map(
      (
        await pg.query('SELECT id::text AS id, to_number, template_name FROM messages WHERE id::text = ANY($1::text[])', [valid])
      ).rows.map((m) => [m.id, m]),
    );
    figures.check(`${r.name}: 2xx message ids found in messages`, found.size, good.length);
    const wrong = good.filter(([n, a]) => {
      const m = found.get(a.id);
      return !m || m.to_number !== n || m.template_name !== r.template;
    }).length;
    figures.check(`${r.name}: messages with another number or template than requested`, wrong, 0);
    const perNumber = (
      await pg.query('SELECT to_number, count(*)::int AS n FROM messages WHERE to_number = ANY($1::text[]) GROUP BY 1', [numbers])
    ).rows;
    const okNumbers = new Set(good.map(([n]) => n));
    const notOnce = perNumber.filter((m) => (okNumbers.has(m.to_number) ? m.n !== 1 : m.n !== 0)).length;
    figures.check(`${r.name}: numbers whose messages ≠ one per 2xx answer`, notOnce, 0);
    figures.check(
      `${r.name}: messages rows for its numbers`,
      perNumber.reduce((s, m) => s + m.n, 0),
      good.length,
    );
  }
  const [{ n: total }] = (await pg.query('SELECT count(*)::int AS n FROM messages')).rows;
  figures.check('messages rows = 2xx answers (every route, warm-up included)', total, allOk);

  const ok = figures.print([
    `stack: API (LOG_LEVEL warn), no worker (the jobs stay in Redis), the simulator (one WhatsApp channel; ${TEMPLATES.update.name} with one body variable and ${TEMPLATES.notice.name} with none, UTILITY, approved and synced)`,
    `load: open loop, ${RATE} req/s for ${SECONDS} s per route and round, ${ROUNDS} round(s) (the second reversed), warm-up ${WARMUP_S} s per route; an undici pool of ${CONNECTIONS} keep-alive connections; each request to a new number`,
    `window: ${startedAt.toISOString()} – ${endedAt.toISOString()}`,
  ]);

  if (!SMOKE) {
    const head = [
      'route',
      'baseline',
      '2xx / refused',
      'achieved',
      'p50',
      'p99',
      'API µs',
      'PG µs (API)',
      'PG other µs',
      'PG xacts',
      'API+PG by round',
      '÷ baseline (API+PG)',
      '÷ baseline (API)',
    ];
    const body = [...rows.values()].map((row) => [
      row.r.name,
      row.r.baseline,
      `${int(row.ok)} / ${int(row.sent - row.ok)}`,
      `${fmt(row.achieved, 1)}/s`,
      `${fmt(row.p50, 2)} ms`,
      `${fmt(row.p99, 2)} ms`,
      fmt(row.api, 0),
      fmt(row.pgApi, 0),
      fmt(row.pgOther, 0),
      fmt(row.xacts, 1),
      row.perRound.map((v) => fmt(v, 0)).join(' / '),
      fmt(row.ratio, 2),
      fmt(row.apiRatio, 2),
    ]);
    process.stdout.write(
      [
        ...markdownTable(head, body),
        '',
        'CPU per 2xx answer over the route\u2019s phases (first start to last answer)',
        '',
      ].join('\n'),
    );
  }
  return ok;
});
