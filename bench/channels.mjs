#!/usr/bin/env node
// Benchmark (not a test): do campaign runs on Messenger and Telegram use their allowed rate when the provider is
// far away, and what does a send cost in CPU?
//
//   node bench/channels.mjs            # Messenger 6,000 users at 300 msg/s, Telegram 1,500 chats at 30 msg/s (about 2 min)
//   node bench/channels.mjs --smoke    # 300 Messenger users, 60 Telegram chats, 2 workers, no targets (CI, about 20 s)
//   node bench/channels.mjs --only telegram --recipients 3000 --latency 400 --workers 2
//   node bench/channels.mjs --only messenger --no-statuses   # a diagnosis: no delivery or read events
//
// Stack: the API (PUBLIC_URL its own address, so Herald's setWebhook points the bot at it), --workers (3) worker
// processes as `npm start` runs them (PROVIDER_CONNECTIONS unset), and the simulator answering every Send API and
// Bot API call after `latency.responseMs` (--latency, 250 ms: min = max). Messenger status webhooks on: every send
// gets `message_deliveries` then `message_reads` (both probabilities 1; no duplicates or reordering; each step after
// `statuses.latencyMs`, 200–1500 ms by default), one event per POST, and Herald applies them by watermark.
//
// Each case has a workspace of its own, so the audience `all` is exactly the users the case made:
//   messenger  a Page registered at the simulator (300 msg/s, Meta's Send API rate; 613 beyond it in any sliding
//              second), the channel made through Herald's API (messagesPerSecond 300), the Page's webhook pointed at
//              the API; --recipients (6,000) users write to the Page, then a campaign (`Hello there`, runImmediately,
//              audience `all`).
//   telegram   a bot registered at the simulator (its flood control: `telegram.botMessagesPerSecond` per bot in a
//              sliding second, set to --sim-bot-rate, by default the channel's own 30, so a send beyond Herald's limit
//              is a 429; per chat the simulator's defaults, 1/s with a burst of 3), the channel made through the API
//              (messagesPerSecond 30: Herald calls setWebhook itself), --chats (1,500) users send /start; then the
//              same campaign.
// The users write 50 at a time, in blocks of 500 after each of which the simulator's webhook backlog is let drain
// below 500 POSTs (it gives up POSTs beyond 2,000 pending, and one lost is a user Herald never learns); the case
// goes on once Herald knows every user (contact_identities), or nothing changed for 5 s with nothing pending.
//
// Figures per case, from the platform's side (the simulator), as bench/rate-limit.mjs and provider-latency.mjs:
// achieved = (accepted sends − 1) ÷ (time from the first to the last acceptance). The simulator keeps only the last
// 1,000 sends of a Page or bot (`GET /_sim/pages/:id/messages`, `GET /_sim/telegram-bots/:id/messages`, each with
// its acceptance time `at`) and its `/_sim/stats` has no times for Pages or bots, so this benchmark polls those lists
// while the run sends and keeps every send by id (checked complete against the Page's or bot's own accepted
// count). Violations: the simulator's rate refusals during the run (613 for the Page, 429 for the bot). Targets:
// achieved ÷ limit ≥ 0.97, 0 violations. Also, from the records: the most sends in any sliding second, the fewest
// in a whole second of the run, the longest pause between two acceptances.
//
// Checks: the run completed; every recipient ended sent, delivered or read (none queued, sending or failed); the
// simulator accepted as many as Postgres recorded, each recipient once (by the records: no PSID or chat got two),
// each Postgres provider id once; Messenger: every recipient `read` in the end (the watermarks applied) and no
// webhook POST given up by the simulator during the run (its backlog's peak is printed).
//
// CPU per send of each process over the case (from the campaign's POST until the run completed and, for
// Messenger, every recipient was read: statuses applied meanwhile included), over the sends the platform accepted:
// the workers together, the API, Postgres (this database's backends and the server's writers, PostgresCpu), Redis
// (the server's process, from INFO's process_id: other work on the same server counts too), the simulator, and
// this process (its polling).
// Beside them: how busy the whole machine was (/proc/stat, other work included) and, from Postgres's statistics
// (flushed by each backend about once a second, so approximate), transactions and table scans per send.
//
// Helpers written here because bench/lib has none: `SendLog` (every accepted send of a Page or bot, from the simulator's last-1,000
// lists), `Timeline` (the simulator's webhook backlog and refusals), `inParallel`, `maxInAnySecond`, `machineCpu`,
// `pgActivity`.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import {
  Bench,
  CpuMeter,
  Figures,
  PostgresCpu,
  call,
  fmt,
  int,
  parseArgs,
  runBench,
  sleep,
  waitFor,
  markdownTable,
} from './lib/harness.mjs';
import { Api, runTruth, simConfig, simStats, waitRun } from './lib/campaign.mjs';

const CASES = ['messenger', 'telegram'];
const opts = parseArgs(
  process.argv.slice(2),
  {
    smoke: 'bool',
    keep: 'bool',
    only: 'str',
    latency: 'int',
    recipients: 'int',
    chats: 'int',
    workers: 'int',
    simBotRate: 'int',
    noStatuses: 'bool',
  },
  'node bench/channels.mjs [--only messenger|telegram] [--latency MS] [--recipients N] [--chats M] [--workers N] [--sim-bot-rate N] [--no-statuses] [--smoke] [--keep]\n' +
    '  --recipients: Messenger users (6,000; smoke 300), or the Telegram chats with --only telegram and no --chats\n' +
    '  --chats: Telegram users (1,500; smoke 60)\n' +
    '  --no-statuses: no Messenger delivery or read events (a diagnosis: the sends without the webhooks they bring)',
);
const SMOKE = Boolean(opts.smoke);
const WORKERS = Math.max(1, opts.workers ?? (SMOKE ? 2 : 3));
const LATENCY_MS = opts.latency ?? 250;
const TARGET_USE = 0.97;
const INBOUND_CONCURRENCY = 50;
/** Users written between two looks at the simulator's webhook backlog, and the backlog let drain below. */
const WRITE_BLOCK = 500;
const MAX_BACKLOG = 500;
/** A wait for webhooks to be applied ends this long after the last change when nothing is pending. */
const QUIET_MS = 5_000;
const MESSENGER_LIMIT = 300;
const TELEGRAM_LIMIT = 30;
const SIM_BOT_RATE = opts.simBotRate ?? TELEGRAM_LIMIT;
const STATUSES = !opts.noStatuses;
const only = opts.only?.split(',');
for (const name of only ?? []) if (!CASES.includes(name)) usageExit(`--only: one of ${CASES.join(', ')}`);
const chosen = CASES.filter((c) => !only || only.includes(c));
const MESSENGER_USERS = opts.recipients ?? (SMOKE ? 300 : 6_000);
const TELEGRAM_USERS =
  opts.chats ??
  (only?.length === 1 && only[0] === 'telegram' && opts.recipients !== undefined ? opts.recipients : SMOKE ? 60 : 1_500);
if (MESSENGER_USERS < 2 || TELEGRAM_USERS < 2) usageExit('--recipients and --chats must be at least 2 (a rate needs two sends)');

function usageExit(problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}

const PAGE_ID = '109000000007001';
const PAGE_TOKEN = 'EAAG-bench-page-token';
const PAGE_SECRET = 'bench-page-app-secret';
const BOT_ID = '7100000001';
const BOT_TOKEN = `${BOT_ID}:AAH-bench-bot_secret`;
/** Statuses a recipient may end in once its send was accepted. */
const DONE = ['sent', 'delivered', 'read'];

// ------------------------------------------------------------------------------------------ local helpers

/** Runs `fn(item, index)` over `items`, at most `concurrency` at a time. */
async function inParallel(items, concurrency, fn) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/** The most times (ms, sorted) inside any sliding second (t − 1000, t], as the simulator's windows count. */
function maxInAnySecond(sorted) {
  let max = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi] - sorted[lo] >= 1000) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return max;
}

/** Busy and total jiffies of the whole machine so far (/proc/stat: every process, other work included). */
function machineCpu() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - fields[3] - fields[4], total };
}

/** This database's transactions and each table's scans so far (Postgres's statistics: about a second behind). */
async function pgActivity(pg, database) {
  const [{ xacts }] = (
    await pg.query('SELECT (xact_commit + xact_rollback)::bigint AS xacts FROM pg_stat_database WHERE datname = $1', [database])
  ).rows;
  const tables = (
    await pg.query('SELECT relname, (coalesce(idx_scan, 0) + coalesce(seq_scan, 0))::bigint AS scans FROM pg_stat_user_tables')
  ).rows;
  return { xacts: Number(xacts), scans: new Map(tables.map((t) => [t.relname, Number(t.scans)])) };
}

/**
 * What the simulator shows while a run sends, sampled every `everyMs` from `t0` (ms): its webhook POSTs pending (in
 * flight, queued or waiting for a retry) and the case's rate refusals so far. `stop()` gives the peak backlog and, per
 * second from `t0`, the highest backlog and the refusals in it.
 */
class Timeline {
  constructor(sim, counters, t0, everyMs = 500) {
    this.sim = sim;
    this.counters = counters;
    this.t0 = t0;
    this.samples = [];
    this.timer = setInterval(() => void this.sample(), everyMs);
    this.timer.unref();
  }

  async sample() {
    const at = Date.now();
    const [stats, counters] = await Promise.all([simStats(this.sim), this.counters()]).catch(() => []);
    if (stats) this.samples.push({ at, pending: stats.webhooks.postsPending, refused: counters.refused });
  }

  async stop() {
    clearInterval(this.timer);
    await this.sample();
    const seconds = [];
    let refusedBefore = this.samples[0]?.refused ?? 0;
    for (const s of this.samples) {
      const k = Math.max(0, Math.floor((s.at - this.t0) / 1000));
      while (seconds.length <= k) seconds.push({ pending: 0, refused: 0 });
      seconds[k].pending = Math.max(seconds[k].pending, s.pending);
      seconds[k].refused += s.refused - refusedBefore;
      refusedBefore = s.refused;
    }
    return { peak: Math.max(0, ...this.samples.map((s) => s.pending)), seconds };
  }
}

/**
 * Waits until `probe()` reaches `target`, or has not changed for QUIET_MS while the simulator has no webhook POST
 * pending (what never arrived will not); resolves the last value.
 */
async function settle(sim, what, probe, target, timeoutMs) {
  let last = -1;
  let changedAt = Date.now();
  let value = 0;
  await waitFor(
    what,
    async () => {
      value = await probe();
      if (value >= target) return true;
      if (value !== last) {
        last = value;
        changedAt = Date.now();
        return false;
      }
      return Date.now() - changedAt >= QUIET_MS && (await simStats(sim)).webhooks.postsPending === 0;
    },
    timeoutMs,
    250,
  ).catch(() => undefined);
  return value;
}

/**
 * Every send a Page or bot accepted while it runs, from the simulator's list of its last 1,000 sends (oldest first,
 * each with `at`): polled every `everyMs` for about 1.5 × what the limit lets through meanwhile, at once again for
 * 1,000 when a poll brought only new ones (sends may lie between it and the last), and kept by id. Sends the list
 * held before `start()` are left out. `possibleGaps` counts polls of 1,000 all new (some may have been missed); the
 * caller checks the count kept against the platform's own.
 */
class SendLog {
  constructor(sim, path, { idOf, toOf, limit, everyMs = 1_000 }) {
    this.sim = sim;
    this.path = path;
    this.idOf = idOf;
    this.toOf = toOf;
    this.everyMs = everyMs;
    this.pollLimit = Math.min(1_000, Math.max(100, Math.ceil(limit * (everyMs / 1000) * 1.5) + 50));
    this.sends = new Map();
    this.before = new Set();
    this.polls = 0;
    this.possibleGaps = 0;
  }

  async fetch(limit) {
    this.polls += 1;
    return (await call(this.sim.url, 'GET', `${this.path}?limit=${limit}`)).data;
  }

  async poll(limit = this.pollLimit) {
    const data = await this.fetch(limit);
    let fresh = 0;
    for (const s of data) {
      const id = this.idOf(s);
      if (this.before.has(id) || this.sends.has(id)) continue;
      this.sends.set(id, { at: Date.parse(s.at), to: this.toOf(s) });
      fresh += 1;
    }
    if (data.length === limit && fresh === data.length) {
      if (limit < 1_000) return this.poll(1_000);
      this.possibleGaps += 1;
    }
    return fresh;
  }

  async start() {
    for (const s of await this.fetch(1_000)) this.before.add(this.idOf(s));
    this.stopped = false;
    this.loop = (async () => {
      while (!this.stopped) {
        await sleep(this.everyMs);
        if (!this.stopped) await this.poll().catch(() => undefined);
      }
    })();
    return this;
  }

  /** Stops polling, takes the last ones, and sums up what was kept. */
  async stop() {
    this.stopped = true;
    await this.loop;
    await this.poll(1_000);
    const list = [...this.sends.values()];
    const times = list.map((s) => s.at).sort((a, b) => a - b);
    const perRecipient = new Map();
    for (const s of list) perRecipient.set(s.to, (perRecipient.get(s.to) ?? 0) + 1);
    const first = times[0];
    const last = times[times.length - 1];
    // Sends in each whole second from the first acceptance (the last, partial second left out), and the longest pause.
    const seconds = Math.floor((last - first) / 1000);
    const perSecond = new Array(seconds).fill(0);
    let pause = { ms: 0, at: 0 };
    for (let i = 0; i < times.length; i++) {
      const k = Math.floor((times[i] - first) / 1000);
      if (k < seconds) perSecond[k] += 1;
      if (i > 0 && times[i] - times[i - 1] > pause.ms) pause = { ms: times[i] - times[i - 1], at: times[i - 1] - first };
    }
    const sorted = [...perSecond].sort((a, b) => a - b);
    return {
      count: list.length,
      first,
      last,
      maxInSecond: maxInAnySecond(times),
      fewestInSecond: sorted[0],
      medianInSecond: sorted[Math.floor(sorted.length / 2)],
      perSecond,
      pause,
      recipientsTwice: [...perRecipient.values()].filter((n) => n > 1).length,
      polls: this.polls,
      possibleGaps: this.possibleGaps,
    };
  }
}

// ------------------------------------------------------------------------------------------- the cases

/** Messenger: a Page at the simulator, the channel through the API, users writing to the Page. */
function messengerCase(sim) {
  const page = (webhookUrl) =>
    call(sim.url, 'PUT', `/_sim/pages/${PAGE_ID}`, {
      body: {
        platform: 'messenger',
        accessToken: PAGE_TOKEN,
        appSecret: PAGE_SECRET,
        name: 'Herald Bench Page',
        messagesPerSecond: MESSENGER_LIMIT,
        ...(webhookUrl ? { webhookUrl } : {}),
      },
    });
  return {
    kind: 'messenger',
    label: `Messenger, ${int(MESSENGER_USERS)} users at ${MESSENGER_LIMIT} msg/s`,
    limit: MESSENGER_LIMIT,
    users: MESSENGER_USERS,
    refusal: '613',
    async connect(api) {
      await page();
      const channel = await api.post('/v1/channels', {
        type: 'messenger',
        name: 'Bench Page',
        senderId: PAGE_ID,
        accessToken: PAGE_TOKEN,
        appSecret: PAGE_SECRET,
        verifyToken: 'bench-verify-token',
        graphBaseUrl: `${sim.url}/v23.0`,
        messagesPerSecond: MESSENGER_LIMIT,
      });
      await page(`${api.url}/webhooks/messenger/${channel.id}`);
      return channel.id;
    },
    userIds: () => Array.from({ length: MESSENGER_USERS }, (_, i) => String(6_500_000_000_000_000 + i)),
    write: (psid, i) =>
      call(sim.url, 'POST', `/_sim/pages/${PAGE_ID}/inbound`, { body: { from: psid, text: `Hi, I am user ${i + 1}` } }),
    async counters() {
      const { stats } = await call(sim.url, 'GET', `/_sim/pages/${PAGE_ID}`);
      return { accepted: stats.accepted, refused: stats.rejectedByCode?.['613'] ?? 0, rejected: stats.rejected };
    },
    sendLog: () =>
      new SendLog(sim, `/_sim/pages/${PAGE_ID}/messages`, {
        idOf: (s) => s.mid,
        toOf: (s) => s.recipientId,
        limit: MESSENGER_LIMIT,
      }),
  };
}

/** Telegram: a bot at the simulator, the channel through the API (Herald sets the webhook), users sending /start. */
function telegramCase(sim) {
  return {
    kind: 'telegram',
    label: `Telegram, ${int(TELEGRAM_USERS)} chats at ${TELEGRAM_LIMIT} msg/s`,
    limit: TELEGRAM_LIMIT,
    users: TELEGRAM_USERS,
    refusal: '429',
    async connect(api) {
      await call(sim.url, 'PUT', `/_sim/telegram-bots/${BOT_ID}`, {
        body: { token: BOT_TOKEN, username: 'herald_bench_bot', firstName: 'Herald Bench' },
      });
      const channel = await api.post('/v1/channels', {
        type: 'telegram',
        name: 'Bench bot',
        botToken: BOT_TOKEN,
        apiBaseUrl: sim.url,
        messagesPerSecond: TELEGRAM_LIMIT,
      });
      const bot = await call(sim.url, 'GET', `/_sim/telegram-bots/${BOT_ID}`);
      const want = `${api.url}/webhooks/telegram/${channel.id}`;
      if (bot.webhook?.url !== want) throw new Error(`the bot's webhook is ${bot.webhook?.url ?? 'not set'}, not ${want}`);
      return channel.id;
    },
    userIds: () => Array.from({ length: TELEGRAM_USERS }, (_, i) => 800_000_000 + i),
    write: (chatId, i) =>
      call(sim.url, 'POST', `/_sim/telegram-bots/${BOT_ID}/updates`, {
        body: { chatId, firstName: `User ${i + 1}`, text: '/start' },
      }),
    async counters() {
      const { stats } = await call(sim.url, 'GET', `/_sim/telegram-bots/${BOT_ID}`);
      return { accepted: stats.sent, refused: stats.rejectedByCode?.['429'] ?? 0, rejected: stats.rejected };
    },
    sendLog: () =>
      new SendLog(sim, `/_sim/telegram-bots/${BOT_ID}/messages`, {
        idOf: (s) => s.messageId,
        toOf: (s) => String(s.chatId),
        limit: TELEGRAM_LIMIT,
      }),
  };
}

// ------------------------------------------------------------------------------------------- the benchmark

await runBench(new Bench('channels', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const say = bench.say;
  const figures = new Figures(
    'channels',
    `Campaigns on Messenger and Telegram — ${WORKERS} worker processes, provider ${LATENCY_MS} ms away, Messenger status webhooks ${STATUSES ? 'on' : 'off'}${SMOKE ? ' (smoke)' : ''}`,
  );
  const pg = bench.pg();
  const sim = await bench.startSimulator();
  await simConfig(sim, {
    latency: { responseMs: LATENCY_MS },
    statuses: { deliveredProbability: STATUSES ? 1 : 0, readProbability: 1, duplicateProbability: 0, reorderProbability: 0 },
    telegram: { botMessagesPerSecond: SIM_BOT_RATE },
  });
  const { url: apiUrl, child: apiChild } = await bench.startApi({}, { publicUrlIsSelf: true });
  // The Redis server's own process (INFO's process_id): counting every process named redis-server would take in other
  // work's servers, and lose those that exit meanwhile.
  const redisPid = bench.redis.pid ?? Number(/process_id:(\d+)/.exec(await bench.redisClient().info('server'))?.[1]);
  if (!Number.isInteger(redisPid) || redisPid <= 0) throw new Error("could not read the Redis server's process id (INFO server)");
  const workers = [];
  for (let i = 0; i < WORKERS; i++) workers.push(await bench.startWorker({ PUBLIC_URL: apiUrl }, { name: `worker-${i + 1}` }));

  const makers = { messenger: messengerCase, telegram: telegramCase };
  const results = [];
  for (const kind of chosen) {
    const c = makers[kind](sim);
    say(`${c.label}: connecting`);
    const api = new Api(apiUrl, bench.adminToken);
    await api.workspace(`Channels bench: ${kind}`);
    const channelId = await c.connect(api);

    // Users write first: Herald learns each as a contact with an identity on the channel from the webhook.
    say(`${c.label}: ${int(c.users)} users write (${INBOUND_CONCURRENCY} at a time)`);
    const ids = c.userIds();
    const writeStarted = performance.now();
    for (let from = 0; from < ids.length; from += WRITE_BLOCK) {
      await inParallel(ids.slice(from, from + WRITE_BLOCK), INBOUND_CONCURRENCY, (id, i) => c.write(id, from + i));
      await waitFor(
        "the simulator's webhook backlog to drain",
        async () => (await simStats(sim)).webhooks.postsPending < MAX_BACKLOG,
        120_000,
        100,
      );
    }
    const written = performance.now();
    const identities = async () =>
      (await pg.query('SELECT count(*)::int AS n FROM contact_identities WHERE channel_id = $1', [channelId])).rows[0].n;
    const learnt = await settle(sim, 'Herald to learn every user', identities, c.users, 120_000 + c.users * 20);
    const learntAt = performance.now();
    figures.add(
      `${c.kind}: users learnt as contacts`,
      `${int(learnt)} of ${int(c.users)}: written in ${fmt((written - writeStarted) / 1000, 2)} s, all known ${fmt((learntAt - writeStarted) / 1000, 2)} s after the first`,
    );
    figures.check(`${c.kind}: users learnt (contact_identities)`, learnt, c.users);
    await sleep(500);

    // The run, measured.
    const before = await c.counters();
    const abandonedBefore = (await simStats(sim)).webhooks.abandoned;
    const log = await c.sendLog().start();
    const meter = new CpuMeter(
      { simulator: sim.child, api: apiChild, ...Object.fromEntries(workers.map((w, i) => [`worker-${i + 1}`, w])) },
      { servers: { redis: redisPid }, self: 'bench' },
    ).start();
    const pgCpu = await new PostgresCpu(pg, bench.database).start();
    const pgBefore = await pgActivity(pg, bench.database);
    const machineBefore = machineCpu();
    say(`${c.label}: campaign`);
    const postedAt = Date.now();
    const timeline = new Timeline(sim, () => c.counters(), postedAt);
    const created = await api.post('/v1/campaigns', {
      title: `Channels bench ${kind}`,
      message: 'Hello there',
      channelId,
      options: { runImmediately: true, audiences: ['all'] },
    });
    const { campaignId } = created;
    const runId = created.run?.runId;
    if (!runId) throw new Error(`the campaign started no run: ${JSON.stringify(created).slice(0, 300)}`);
    const timeoutMs = ((c.users / c.limit) * 3 + 120) * 1000;
    const view = await waitRun(api, campaignId, runId, { timeoutMs, everyMs: 100 });
    const completedAt = Date.now();
    await waitFor('the run to settle', async () => (await runTruth(pg, runId)).unsettled === 0, 30_000, 200).catch(
      () => undefined,
    );
    const readCount = async () =>
      (await pg.query("SELECT count(*)::int AS n FROM campaign_recipients WHERE run_id = $1 AND status = 'read'", [runId]))
        .rows[0].n;
    // Every Messenger send is delivered and read at the Page: wait until Herald applied the watermarks.
    if (c.kind === 'messenger' && STATUSES) await settle(sim, 'every recipient read', readCount, c.users, 120_000);
    const readAt = Date.now();
    const { used, seconds: caseSeconds } = meter.stop();
    const machineAfter = machineCpu();
    const pgUsed = await pgCpu.stop();
    used.postgres = pgUsed.total;
    const { peak: backlogPeak, seconds: timeSeries } = await timeline.stop();
    const records = await log.stop();
    const after = await c.counters();
    const abandoned = (await simStats(sim)).webhooks.abandoned - abandonedBefore;
    const pgAfter = await pgActivity(pg, bench.database);

    // Figures from the platform's side.
    const accepted = after.accepted - before.accepted;
    const violations = after.refused - before.refused;
    const otherRefusals = after.rejected - before.rejected - violations;
    const spanMs = records.count > 1 ? records.last - records.first : 0;
    const achieved = spanMs > 0 ? ((accepted - 1) * 1000) / spanMs : 0;
    const ratio = achieved / c.limit;
    const truth = await runTruth(pg, runId);
    const [extra] = (
      await pg.query(
        `SELECT count(*) FILTER (WHERE attempts > 1)::int AS retried,
                count(*) FILTER (WHERE status = ANY($2))::int AS done,
                count(*) FILTER (WHERE status = 'read')::int AS read
           FROM campaign_recipients WHERE run_id = $1`,
        [runId, DONE],
      )
    ).rows;
    const ratioOk = figures.add(
      `${c.kind}: achieved ÷ limit`,
      `${fmt(ratio, 4)} (${fmt(achieved, 1)} msg/s: ${int(accepted)} in ${fmt(spanMs / 1000, 3)} s)`,
      SMOKE ? '' : `≥ ${TARGET_USE}`,
      SMOKE ? undefined : ratio >= TARGET_USE,
    );
    const violationsOk = figures.add(
      `${c.kind}: violations (the simulator's ${c.refusal} refusals)`,
      violations,
      SMOKE ? '' : '= 0',
      SMOKE ? undefined : violations === 0,
    );
    figures.add(
      `${c.kind}: sends per second (records)`,
      `most in any sliding second ${records.maxInSecond} (limit ${c.limit}); whole seconds: fewest ${records.fewestInSecond ?? '—'}, median ${records.medianInSecond ?? '—'}; longest pause ${int(records.pause.ms)} ms (${fmt(records.pause.at / 1000, 2)} s in)`,
    );
    figures.add(
      `${c.kind}: run time`,
      `${fmt((completedAt - postedAt) / 1000, 2)} s from the campaign's POST to completed (first acceptance after ${fmt((records.first - postedAt) / 1000, 2)} s, last after ${fmt((records.last - postedAt) / 1000, 2)} s)`,
    );
    figures.check(`${c.kind}: run status`, view.status, 'completed');
    figures.check(`${c.kind}: recipients in the run`, truth.total, c.users);
    figures.check(`${c.kind}: recipients sent, delivered or read`, extra.done, c.users);
    figures.check(`${c.kind}: recipients left queued or sending`, truth.unsettled, 0);
    figures.check(`${c.kind}: simulator accepted = Postgres accepted`, accepted, truth.accepted);
    figures.check(`${c.kind}: Postgres provider ids distinct`, truth.distinctIds, truth.accepted);
    figures.check(`${c.kind}: recipients sent twice at the platform (records)`, records.recipientsTwice, 0);
    figures.check(`${c.kind}: sends recorded = sends accepted (records complete)`, records.count, accepted);
    figures.add(`${c.kind}: other refusals by the platform`, otherRefusals);
    figures.add(`${c.kind}: recipients retried (attempts > 1)`, extra.retried);
    figures.add(
      `${c.kind}: Postgres statuses`,
      Object.entries(truth.byStatus)
        .map(([s, n]) => `${s} ${int(n)}`)
        .join(', '),
    );
    let readShare;
    if (c.kind === 'messenger' && STATUSES) {
      readShare = extra.read / Math.max(1, truth.total);
      figures.add(
        'messenger: recipients read (watermarks applied)',
        `${int(extra.read)} of ${int(truth.total)} (${fmt(readShare * 100, 2)} %); the last ${fmt((readAt - completedAt) / 1000, 2)} s after the run completed`,
      );
      figures.check('messenger: recipients read', extra.read, c.users);
    }
    figures.add(`${c.kind}: simulator's webhook backlog, peak`, `${int(backlogPeak)} POSTs pending (it gives up beyond 2,000)`);
    figures.add(
      `${c.kind}: per second from the POST: backlog peak`,
      backlogPeak === 0
        ? '0 throughout'
        : timeSeries.map((x) => (x.pending >= 1000 ? `${fmt(x.pending / 1000, 1)}k` : String(x.pending))).join(' '),
    );
    const refusedAt = timeSeries.flatMap((x, k) => (x.refused > 0 ? [`+${k} s: ${x.refused}`] : []));
    figures.add(`${c.kind}: ${c.refusal} refusals by second from the POST`, refusedAt.length ? refusedAt.join(', ') : 'none');
    figures.add(`${c.kind}: accepted in each whole second from the first (records)`, records.perSecond.join(' '));
    figures.check(`${c.kind}: webhook POSTs the simulator gave up during the run`, abandoned, 0);
    const us = (seconds) => (accepted > 0 ? (seconds * 1e6) / accepted : 0);
    const workerSeconds = Object.entries(used)
      .filter(([k]) => k.startsWith('worker-'))
      .reduce((n, [, v]) => n + v, 0);
    const cpu = {
      workers: us(workerSeconds),
      api: us(used.api),
      postgres: us(used.postgres),
      redis: us(used.redis),
      simulator: us(used.simulator),
      bench: us(used.bench),
    };
    cpu.herald = cpu.workers + cpu.api + cpu.postgres + cpu.redis;
    figures.add(
      `${c.kind}: CPU per send, µs`,
      `workers ${fmt(cpu.workers, 0)}, API ${fmt(cpu.api, 0)}, Postgres ${fmt(cpu.postgres, 0)}, Redis ${fmt(cpu.redis, 0)} (Herald ${fmt(cpu.herald, 0)}); simulator ${fmt(cpu.simulator, 0)}, bench ${fmt(cpu.bench, 0)} (${int(accepted)} sends)`,
    );
    figures.add(
      `${c.kind}: Postgres CPU per send by whom, µs`,
      `for the workers ${fmt(us(pgUsed['for workers']), 0)}, for the API ${fmt(us(pgUsed['for API']), 0)}, autovacuum ${fmt(us(pgUsed.autovacuum), 0)}, WAL writer, checkpointer and background writer ${fmt(us(pgUsed.background), 0)}`,
    );
    const busyCores =
      ((machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total)) * os.cpus().length;
    figures.add(
      `${c.kind}: machine busy over the case`,
      `${fmt(busyCores, 2)} of ${os.cpus().length} cores (every process, other work included) for ${fmt(caseSeconds, 1)} s; Herald's processes ${fmt((cpu.herald * accepted) / 1e6 / caseSeconds, 2)} cores`,
    );
    const scans = [...pgAfter.scans]
      .map(([table, n]) => [table, (n - (pgBefore.scans.get(table) ?? 0)) / Math.max(1, accepted)])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6);
    figures.add(
      `${c.kind}: Postgres per send (≈, its statistics)`,
      `${fmt((pgAfter.xacts - pgBefore.xacts) / Math.max(1, accepted), 1)} transactions; table scans: ${scans.map(([t, n]) => `${t} ${fmt(n, 1)}`).join(', ')}`,
    );
    figures.add(
      `${c.kind}: records polled`,
      `${records.polls} polls${records.possibleGaps ? `, ${records.possibleGaps} with possible gaps` : ''}`,
    );
    results.push({
      c,
      accepted,
      spanMs,
      achieved,
      ratio,
      violations,
      maxInSecond: records.maxInSecond,
      readShare,
      runSeconds: (completedAt - postedAt) / 1000,
      busyCores,
      cpu,
      pass: SMOKE ? undefined : ratioOk && violationsOk,
    });
    say(
      `${c.label}: ${fmt(ratio, 4)} of the limit, ${violations} violations, run ${fmt((completedAt - postedAt) / 1000, 2)} s${readShare === undefined ? '' : `, read ${fmt(readShare * 100, 2)} %`}`,
    );
  }

  const stats = await simStats(sim);
  figures.add(
    'simulator: webhook POSTs (page events and Telegram updates)',
    `${int(stats.webhooks.postsSucceeded)} succeeded, ${int(stats.webhooks.postsFailed)} failed, ${int(stats.webhooks.retries)} retries, ${int(stats.webhooks.abandoned)} given up`,
  );

  const ok = figures.print([
    `stack: API (PUBLIC_URL its own address), ${WORKERS} workers (PROVIDER_CONNECTIONS unset), the simulator answering every Send API and Bot API call after ${LATENCY_MS} ms`,
    `Messenger: ${STATUSES ? 'a delivery and a read event for every send (probability 1, one event per POST, no duplicates or reordering)' : 'no delivery or read events (--no-statuses)'}; Telegram: the simulator's bot limit ${SIM_BOT_RATE}/s, per chat its defaults`,
    'achieved = (sends the platform accepted − 1) ÷ (its last acceptance − its first), from the simulator\u2019s records of every send',
  ]);

  const head = [
    'case',
    'limit',
    'accepted',
    'span',
    'achieved',
    '÷ limit',
    'violations',
    'max/s',
    'read',
    'run time',
    'CPU µs/send: workers / API / PG / Redis (sim)',
    'Herald',
    'machine busy',
    'result',
  ];
  const body = results.map((r) => [
    r.c.kind,
    `${r.c.limit}/s`,
    int(r.accepted),
    `${fmt(r.spanMs / 1000, 2)} s`,
    `${fmt(r.achieved, 1)}/s`,
    fmt(r.ratio, 4),
    String(r.violations),
    String(r.maxInSecond),
    r.readShare === undefined ? '—' : `${fmt(r.readShare * 100, 1)} %`,
    `${fmt(r.runSeconds, 2)} s`,
    `${fmt(r.cpu.workers, 0)} / ${fmt(r.cpu.api, 0)} / ${fmt(r.cpu.postgres, 0)} / ${fmt(r.cpu.redis, 0)} (${fmt(r.cpu.simulator, 0)})`,
    `${fmt(r.cpu.herald, 0)} µs`,
    `${fmt(r.busyCores, 2)} cores`,
    r.pass === undefined ? '—' : r.pass ? 'PASS' : 'FAIL',
  ]);
  process.stdout.write(
    [
      ...markdownTable(head, body),
      '',
      'Herald: workers + API + Postgres + Redis per accepted send, from the campaign\u2019s POST to the run completed (Messenger: to every recipient read)',
      '',
    ].join('\n'),
  );
  return ok;
});
