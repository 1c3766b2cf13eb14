#!/usr/bin/env node
// Benchmark (not a test): does a number's rate limit still get used when the provider is far away?
//
//   node bench/provider-latency.mjs            # every case below (about 5.5 minutes on 2 cores)
//   node bench/provider-latency.mjs --smoke    # 4 tiny cases, no targets (CI, about 40 s)
//   node bench/provider-latency.mjs --only 1000-20k,pair-400 --latency 400
//   node bench/provider-latency.mjs --bounded-seconds 60   # the 80 msg/s run of 20,000 measured over 60 s
//
// The simulator answers every Graph call after `latency.responseMs` (250 ms, then 400 ms: Meta is 100–400 ms
// away) and posts status webhooks to the API for every send: sent, delivered and read (both probabilities 1; no
// duplicates or reordering). 3 worker processes in the split layout (docs/SENDING.md, "Worker layout": 2 drain the
// sends, 1 the provider events, callbacks, imports and maintenance; --layout shared: every worker every queue),
// PROVIDER_CONNECTIONS unset (no bound: in flight follows
// rate × latency). Each case has a number of its own, which the simulator limits to the channel's rate over any
// sliding second (130429 beyond, counted as a violation). Figures per number, as in bench/rate-limit.mjs:
// achieved = (the simulator's accepted sends − 1) ÷ the time from its first to its last acceptance
// (`accepted.timesByPhoneNumberId`), and its violations. Targets: achieved ÷ limit ≥ 0.97, 0 violations.
//
// Cases, each at 250 and at 400 ms:
//   1000-20k    1,000 msg/s, a run of 20,000 (20 chunks)
//   80-20k      80 msg/s, a run of 20,000, bounded: measured over its first --bounded-seconds (40) of sending
//               (from the simulator's stats at that moment), then cancelled; the whole run would take 250 s
//   pair-400    two numbers at 400 msg/s, a run of 8,000 on each started together, sent by the same workers
//   messages-1000  1,000 msg/s, 5,000 single messages (POST /v1/messages, `to` lists of 1,000; a utility template)
//   1000-1chunk 1,000 msg/s, a run of 1,500 in one chunk job (one worker sends it all)
//   80-1chunk   80 msg/s, a run of 1,500 in one chunk job
// The one-chunk cases run last, on workers restarted with CAMPAIGN_CHUNK_SIZE=1500 (default 1,000, which would
// make two chunks) and warmed up by an unmeasured run. Smoke: 1,000 at 1,000 msg/s (one chunk), 160 at 80 msg/s,
// 800 per number at 400 msg/s and 1,000 single messages at 1,000 msg/s, 2 workers.
//
// Checks: every run completed (the bounded one cancelled, nothing left sending), Postgres accepted = simulator
// accepted for each number, no callback data accepted twice, and at the end every accepted send `read` in Postgres
// (the statuses were all applied), no webhook POST abandoned.
//
// CPU per send of each process over each case (from its first run started to its last settled, statuses applied
// meanwhile included): the workers together, the API, Postgres (this database's backends and the server's
// writers, PostgresCpu), Redis (the shared server, by process name: other work on it counts too) and the
// simulator, over the sends the simulator accepted in the case.
import { Bench, CpuMeter, FdWatch, Figures, PostgresCpu, cpuSecondsByName, fmt, int, markdownTable, parseArgs, runBench, sleep, splitQueues, stopProcess, waitFor } from './lib/harness.mjs';
import {
  Api,
  addChannel,
  approvedTemplate,
  approvedCampaign,
  refusalText,
  runTruth,
  seedAudience,
  simConfig,
  simStats,
  simTruth,
  startRun,
  waitRun,
} from './lib/campaign.mjs';

const CASES = ['1000-20k', '80-20k', 'pair-400', 'messages-1000', '1000-1chunk', '80-1chunk'];
const opts = parseArgs(
  process.argv.slice(2),
  { smoke: 'bool', keep: 'bool', workers: 'int', only: 'str', latency: 'int', boundedSeconds: 'int', layout: 'str' },
  `node bench/provider-latency.mjs [--only ${CASES.join(',')}] [--latency MS] [--bounded-seconds S] [--workers N] [--layout split|shared] [--smoke] [--keep]`,
);
const SMOKE = Boolean(opts.smoke);
const WORKERS = opts.workers ?? (SMOKE ? 2 : 3);
const LAYOUT = opts.layout ?? 'split';
Bench.workerLayoutEnv(LAYOUT, 0, 2); // refuses an unknown layout before anything starts
const TARGET_USE = 0.97;
const BOUNDED_SECONDS = opts.boundedSeconds ?? 40;
const ONE_CHUNK_SIZE = 1_500;
const LATENCIES = opts.latency !== undefined ? [opts.latency] : [250, 400];
const only = opts.only?.split(',');
for (const name of only ?? []) if (!CASES.includes(name)) throw new Error(`--only: one of ${CASES.join(', ')}`);

/**
 * Where a number's rate fell short of its limit, from the simulator's acceptances per bucket: the time lost
 * (the span less what the accepted sends take at the limit), split into the first second, the last second and
 * the rest, and how many buckets in between sent under 0.9 of the limit. Undefined without a timeline.
 */
function shortfallOf(times, limit) {
  const counts = times?.perBucket;
  if (!counts?.length || !times.spanMs) return undefined;
  const bucketMs = times.bucketMs;
  const lostIn = (count, ms) => ms - (count * 1000) / limit; // ms of the bucket not used at the limit
  const perSecond = Math.round(1000 / bucketMs);
  let firstMs = 0, lastMs = 0, middleMs = 0, slowBuckets = 0;
  const lastFull = counts.length - 1; // the final bucket is partial: it ends at the last acceptance
  for (const [i, count] of counts.entries()) {
    const ms = i === lastFull ? times.spanMs - i * bucketMs : bucketMs;
    const lost = lostIn(count, ms);
    if (i < perSecond) firstMs += lost;
    else if (i > lastFull - perSecond) lastMs += lost;
    else {
      middleMs += lost;
      if (count < (0.9 * limit * bucketMs) / 1000) slowBuckets += 1;
    }
  }
  const totalMs = firstMs + lastMs + middleMs;
  return { totalMs, firstMs, lastMs, middleMs, slowBuckets, buckets: Math.max(0, counts.length - 2 * perSecond), bucketMs };
}

/**
 * When a number's violations came, as seconds after its first acceptance ("s 0: 3, s 14: 1"), from the simulator's
 * violations per wall-clock second (every number's: a pair's two are told apart only by their spans).
 */
function whenOf(bySecond, times) {
  if (!bySecond || !times?.first) return 'when: unknown';
  const first = Date.parse(times.first);
  const last = Date.parse(times.last);
  const within = Object.entries(bySecond)
    .map(([second, n]) => [Number(second) * 1000, n])
    .filter(([ms]) => ms >= first - 1000 && ms <= last)
    .map(([ms, n]) => `s ${Math.max(0, Math.floor((ms - first) / 1000))}: ${n}`);
  return within.length ? `after the first acceptance, ${within.join(', ')}` : 'when: outside the span';
}

/** The number's refusals, the first of each second, with what its window held then (`refusalText`). */
function shapesOf(refusals, phone, times, limit) {
  if (!refusals?.length || !times?.first) return '';
  const first = Date.parse(times.first);
  const seen = new Set();
  const told = [];
  for (const r of refusals) {
    if (r.phoneNumberId !== phone) continue;
    const second = Math.max(0, Math.floor((Date.parse(r.at) - first) / 1000));
    if (seen.has(second)) continue;
    seen.add(second);
    told.push(`s ${second}: ${refusalText(r, limit)}`);
  }
  return told.length ? `; windows: ${told.join('; ')}` : '';
}

/** A template of the simulator's account, approved and read by Herald, for the single-message cases. */
const MESSAGE_TEMPLATE = 'latency_notice';
/** The most numbers one POST /v1/messages takes (`to` list). */
const MESSAGES_PER_POST = 1_000;

/** Posts `count` single messages on the channel, `to` lists of 1,000 numbers from `offset`; what `runTruth` reads them by. */
async function postMessages(api, channelId, count, offset) {
  const requestedAt = Date.now();
  for (let first = 0; first < count; first += MESSAGES_PER_POST) {
    const to = Array.from({ length: Math.min(MESSAGES_PER_POST, count - first) }, (_, i) => `+919${String(offset + first + i).padStart(9, '0')}`);
    const answer = await api.post('/v1/messages', { channelId, to, type: 'template', template: { name: MESSAGE_TEMPLATE, language: 'en_US' } });
    if ((answer.refused ?? []).length > 0) throw new Error(`numbers refused: ${JSON.stringify(answer.refused.slice(0, 3))}`);
  }
  return { requestedAt };
}

/** A channel's single messages as Postgres has them: accepted, and not final yet (scheduled, queued or sending). */
async function messagesTruth(pg, channelId) {
  const { rows } = await pg.query(
    `SELECT count(*) FILTER (WHERE accepted_at IS NOT NULL)::int AS accepted,
            count(*) FILTER (WHERE status IN ('scheduled', 'queued', 'sending'))::int AS unsettled
       FROM messages WHERE channel_id = $1`,
    [channelId],
  );
  return rows[0];
}

/** The cases to run, in order: those on the default workers first, then the one-chunk ones. */
function plan() {
  let phone = 109000000002000;
  const nextPhone = () => String(phone++);
  const cases = [];
  if (SMOKE) {
    cases.push({ kind: '1000-1chunk', label: '1000 msg/s, 1,000 in one chunk', limit: 1000, recipients: 1000, latency: 250 });
    cases.push({ kind: '80-20k', label: '80 msg/s, 160', limit: 80, recipients: 160, latency: 400 });
    cases.push({ kind: 'pair-400', label: '2 × 400 msg/s, 800 each', limit: 400, recipients: 800, numbers: 2, latency: 400 });
    cases.push({ kind: 'messages-1000', label: '1000 msg/s, 1,000 single messages', limit: 1000, recipients: 1000, messages: true, latency: 250 });
  } else {
    for (const latency of LATENCIES) {
      cases.push({ kind: '1000-20k', label: '1000 msg/s, 20,000', limit: 1000, recipients: 20_000, latency });
      cases.push({
        kind: '80-20k',
        label: `80 msg/s, 20,000, first ${BOUNDED_SECONDS} s`,
        limit: 80,
        recipients: 20_000,
        boundedSeconds: BOUNDED_SECONDS,
        latency,
      });
      cases.push({ kind: 'pair-400', label: '2 × 400 msg/s, 8,000 each', limit: 400, recipients: 8_000, numbers: 2, latency });
      cases.push({ kind: 'messages-1000', label: '1000 msg/s, 5,000 single messages', limit: 1000, recipients: 5_000, messages: true, latency });
    }
    for (const latency of LATENCIES) {
      cases.push({
        kind: '1000-1chunk',
        label: '1000 msg/s, 1,500 in one chunk',
        limit: 1000,
        recipients: 1_500,
        oneChunk: true,
        latency,
      });
      cases.push({
        kind: '80-1chunk',
        label: '80 msg/s, 1,500 in one chunk',
        limit: 80,
        recipients: 1_500,
        oneChunk: true,
        latency,
      });
    }
  }
  const chosen = cases.filter((c) => !only || only.includes(c.kind));
  for (const c of chosen) c.phones = Array.from({ length: c.numbers ?? 1 }, nextPhone);
  return chosen;
}

await runBench(new Bench('provider-latency', { keep: opts.keep }), async (bench) => {
  const cases = plan();
  if (cases.length === 0) throw new Error('no case chosen');
  await bench.setup();
  const figures = new Figures(
    'provider-latency',
    `Provider latency — ${WORKERS} worker processes (${LAYOUT === 'split' && WORKERS > 1 ? `${WORKERS - 1} on ${splitQueues().sending}, 1 on ${splitQueues().events}` : 'each on every queue'}), status webhooks on${SMOKE ? ' (smoke)' : ''}`,
  );
  const pg = bench.pg();
  const sim = await bench.startSimulator({ SIMULATOR_TEMPLATE_APPROVAL_DELAY_MS: '200' });
  // Every send gets sent, delivered and read, as Meta posts them for a message that is read.
  await simConfig(sim, {
    statuses: { deliveredProbability: 1, readProbability: 1, duplicateProbability: 0, reorderProbability: 0 },
  });
  const { url, child: apiChild } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace();

  let workers = [];
  const startWorkers = async (env) => {
    workers = await Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        bench.startWorker({ ...env, ...Bench.workerLayoutEnv(LAYOUT, i, WORKERS) }, { name: `worker-${i + 1}` }),
      ),
    );
  };
  await startWorkers({});

  // Everything a case needs is made before anything is measured: audiences (seeded in SQL), a channel per number
  // (the simulator limits the number to the channel's rate) and a campaign with its template approved.
  bench.say(`preparing ${cases.length} cases`);
  let offset = 0;
  const prepare = async (c, phone, i) => {
    if (c.messages) {
      const channelId = await addChannel(api, sim, pg, { phone, rate: c.limit });
      await approvedTemplate(api, sim, channelId, MESSAGE_TEMPLATE);
      const first = 500_000_000 + offset;
      offset += c.recipients;
      return { phone, channelId, first };
    }
    const audience = `latency-${phone}`;
    await seedAudience(pg, api.workspaceId, audience, c.recipients, { offset });
    offset += c.recipients;
    const channelId = await addChannel(api, sim, pg, { phone, rate: c.limit });
    const campaignId = await approvedCampaign(api, channelId, `Latency ${phone} ${i}`);
    return { phone, audience, campaignId };
  };
  for (const c of cases) c.parts = await Promise.all(c.phones.map((phone, i) => prepare(c, phone, i)));
  const warmUp = cases.some((c) => c.oneChunk)
    ? {
        limit: 1000,
        recipients: ONE_CHUNK_SIZE,
        latency: 250,
        parts: [await prepare({ limit: 1000, recipients: ONE_CHUNK_SIZE }, '109000000002999', 0)],
      }
    : undefined;

  const runCase = async (c) => {
    await simConfig(sim, { latency: { responseMs: c.latency } });
    const fds = new FdWatch(workers);
    const meter = new CpuMeter(
      { simulator: sim.child, api: apiChild, ...Object.fromEntries(workers.map((w, i) => [`worker-${i + 1}`, w])) },
      { servers: bench.redis.pid ? { redis: bench.redis.pid } : {}, self: 'bench' },
    ).start();
    const redisBefore = bench.redis.pid ? 0 : cpuSecondsByName(['redis-server'])['redis-server'];
    const pgCpu = await new PostgresCpu(pg, bench.database).start();
    const runs = [];
    for (const part of c.parts) {
      runs.push({ ...part, ...(c.messages ? await postMessages(api, part.channelId, c.recipients, part.first) : await startRun(api, part.campaignId, [part.audience])) });
    }
    const truthOf = (r) => (c.messages ? messagesTruth(pg, r.channelId) : runTruth(pg, r.runId));
    const timeoutMs = ((c.recipients / c.limit) * 3 + 120) * 1000;
    if (c.boundedSeconds) {
      // Measured over the first boundedSeconds of sending, from one snapshot of the simulator's stats, then cancelled.
      const [r] = runs;
      const first = await waitFor(
        'the first acceptance',
        async () => (await simStats(sim)).accepted.timesByPhoneNumberId?.[r.phone]?.first,
        60_000,
        50,
      );
      await sleep(Math.max(0, Date.parse(first) + c.boundedSeconds * 1000 - Date.now()));
      r.snapshot = await simStats(sim);
      await api.post(`/v1/campaigns/${r.campaignId}/runs/${r.runId}/cancel`);
    }
    for (const r of runs) {
      r.view = c.messages
        ? await waitFor('every message final', async () => (await truthOf(r)).unsettled === 0 && { status: 'completed' }, timeoutMs, 100)
        : await waitRun(api, r.campaignId, r.runId, { timeoutMs, everyMs: 100 });
    }
    // A cancelled run's batches in hand still finish: wait until nothing is left sending.
    for (const r of runs) {
      await waitFor('the runs to settle', async () => (await truthOf(r)).unsettled === 0, 30_000, 200).catch(
        () => undefined,
      );
    }
    c.fds = fds.stop();
    const { used } = meter.stop();
    used.postgres = (await pgCpu.stop()).total;
    if (!bench.redis.pid) used.redis = cpuSecondsByName(['redis-server'])['redis-server'] - redisBefore;
    const stats = await simStats(sim);
    c.rows = [];
    for (const [index, r] of runs.entries()) {
      const truth = await truthOf(r);
      const chunks = c.messages ? undefined : (await pg.query('SELECT chunk_count FROM campaign_runs WHERE id = $1', [r.runId])).rows[0].chunk_count;
      const at = r.snapshot ?? stats;
      const accepted = at.accepted.byPhoneNumberId?.[r.phone] ?? 0;
      const spanMs = at.accepted.timesByPhoneNumberId?.[r.phone]?.spanMs ?? 0;
      const achieved = spanMs > 0 ? ((accepted - 1) * 1000) / spanMs : 0;
      const violations = stats.throttle.byPhoneNumberId?.[r.phone] ?? 0;
      const shortfall = shortfallOf(at.accepted.timesByPhoneNumberId?.[r.phone], c.limit);
      const name = `${c.label}, ${c.latency} ms${runs.length > 1 ? `, number ${index + 1}` : ''}`;
      const ratio = achieved / c.limit;
      const ratioOk = figures.add(
        `${name}: achieved ÷ limit`,
        `${fmt(ratio, 4)} (${fmt(achieved, 1)} msg/s: ${int(accepted)} in ${fmt(spanMs / 1000, 3)} s)`,
        SMOKE ? '' : `≥ ${TARGET_USE}`,
        SMOKE ? undefined : ratio >= TARGET_USE,
      );
      if (shortfall) {
        figures.add(
          `${name}: time lost against the limit`,
          `${int(shortfall.totalMs)} ms: first second ${int(shortfall.firstMs)}, last second ${int(shortfall.lastMs)}, ` +
            `between ${int(shortfall.middleMs)} (${shortfall.slowBuckets} of ${shortfall.buckets} × ${shortfall.bucketMs} ms under 0.9 of the limit)`,
        );
      }
      const violationsOk = figures.add(
        `${name}: violations (any 1-s window)`,
        violations === 0
          ? 0
          : `${violations} (${whenOf(stats.throttle.bySecond, at.accepted.timesByPhoneNumberId?.[r.phone])}` +
              `${shapesOf(stats.throttle.refusals, r.phone, at.accepted.timesByPhoneNumberId?.[r.phone], c.limit)})`,
        SMOKE ? '' : '= 0',
        SMOKE ? undefined : violations === 0,
      );
      const want = c.boundedSeconds ? 'cancelled' : 'completed';
      if (!c.messages) figures.check(`${name}: run status`, r.view.status, want);
      if (!c.boundedSeconds) figures.check(`${name}: ${c.messages ? 'messages' : 'recipients'} accepted (Postgres)`, truth.accepted, c.recipients);
      figures.check(`${name}: left sending or queued`, truth.unsettled, 0);
      figures.check(
        `${name}: simulator accepted = Postgres accepted`,
        stats.accepted.byPhoneNumberId?.[r.phone] ?? 0,
        truth.accepted,
      );
      if (c.oneChunk || c.kind === '1000-1chunk') figures.check(`${name}: chunks`, chunks, 1);
      c.rows.push({
        name,
        accepted,
        spanMs,
        achieved,
        ratio,
        violations,
        chunks,
        pass: SMOKE ? undefined : ratioOk && violationsOk,
      });
    }
    const sends = runs.reduce((n, r) => n + (stats.accepted.byPhoneNumberId?.[r.phone] ?? 0), 0);
    const us = (seconds) => (sends > 0 ? (seconds * 1e6) / sends : 0);
    const workerSeconds = Object.entries(used).filter(([k]) => k.startsWith('worker-')).reduce((n, [, v]) => n + v, 0);
    c.cpu = { workers: us(workerSeconds), api: us(used.api), postgres: us(used.postgres), redis: us(used.redis ?? 0), simulator: us(used.simulator) };
    figures.add(
      `${c.label}, ${c.latency} ms: CPU per send, µs`,
      `workers ${fmt(c.cpu.workers, 0)}, API ${fmt(c.cpu.api, 0)}, Postgres ${fmt(c.cpu.postgres, 0)}, Redis ${fmt(c.cpu.redis, 0)}; simulator ${fmt(c.cpu.simulator, 0)} (${int(sends)} sends)`,
    );
    bench.say(
      `${c.label}, ${c.latency} ms: ${c.rows.map((r) => `${fmt(r.ratio, 4)} of the limit, ${r.violations} violations`).join('; ')}; workers' open descriptors: peak ${c.fds.peak} (${c.fds.atStart} at the start)`,
    );
  };

  let restarted = false;
  for (const c of cases) {
    if (c.oneChunk && !restarted) {
      restarted = true;
      bench.say(
        `one-chunk cases: restarting the workers with CAMPAIGN_CHUNK_SIZE=${ONE_CHUNK_SIZE}, then an unmeasured warm-up run`,
      );
      await Promise.all(workers.map((w) => stopProcess(w)));
      await startWorkers({ CAMPAIGN_CHUNK_SIZE: String(ONE_CHUNK_SIZE) });
      await simConfig(sim, { latency: { responseMs: warmUp.latency } });
      const [w] = warmUp.parts;
      const { runId } = await startRun(api, w.campaignId, [w.audience]);
      const view = await waitRun(api, w.campaignId, runId, { timeoutMs: 120_000, everyMs: 100 });
      figures.check('warm-up run status', view.status, 'completed');
    }
    bench.say(`${c.label}, ${c.latency} ms`);
    await runCase(c);
  }

  // Every accepted send must end `read`: the status webhooks of all cases were applied.
  const sendsRead = async () =>
    (
      await pg.query(
        `SELECT count(*) FILTER (WHERE accepted_at IS NOT NULL)::int AS accepted,
                count(*) FILTER (WHERE status = 'read')::int AS read
           FROM (SELECT accepted_at, status FROM campaign_recipients UNION ALL SELECT accepted_at, status FROM messages) AS sends`,
      )
    ).rows[0];
  const statusesDone = await waitFor(
    'every accepted send to be read',
    async () => {
      const r = await sendsRead();
      return r.read === r.accepted && r;
    },
    60_000,
    500,
  ).catch(() => undefined);
  const final = statusesDone ?? (await sendsRead());
  figures.check('accepted sends read in Postgres (statuses applied)', final.read, final.accepted);
  const s = await simTruth(sim, cases[0].phones[0]);
  figures.check('simulator: callback data accepted twice', s.duplicates, 0);
  figures.check('simulator: webhook POSTs abandoned', s.stats.webhooks.abandoned, 0);
  figures.add(
    'status webhooks posted (sent, delivered, read)',
    `${int(s.stats.webhooks.statusesSent)} statuses in ${int(s.stats.webhooks.postsSucceeded)} POSTs`,
  );
  // A send is stamped when the simulator's event loop gets to it: its own stalls make sends look bunched (docs/SIMULATOR.md).
  figures.add(
    "the simulator's own stalls (its event loop more than 3 ms late), whole bench",
    `${int(s.stats.ownStalls.stalls)}, the longest ${fmt(s.stats.ownStalls.longestMs, 0)} ms`,
  );

  const ok = figures.print([
    'the simulator answers every Graph call after latency.responseMs and limits each number to its rate over any sliding second',
    `workers: PROVIDER_CONNECTIONS unset (no bound); one-chunk cases with CAMPAIGN_CHUNK_SIZE=${ONE_CHUNK_SIZE}`,
    ...(SMOKE
      ? []
      : [`80 msg/s, 20,000: bounded to the first ${BOUNDED_SECONDS} s of sending (the whole run takes 250 s), then cancelled`]),
  ]);

  // One line per case and number, PASS/FAIL as the targets have it.
  const head = ['case', 'latency', 'limit', 'accepted', 'span', 'achieved', '÷ limit', 'violations', 'worker fds', 'Herald CPU/send', 'result'];
  const body = cases.flatMap((c) =>
    c.rows.map((r) => [
      r.name.replace(/, \d+ ms/, ''),
      `${c.latency} ms`,
      `${c.limit}/s`,
      int(r.accepted),
      `${fmt(r.spanMs / 1000, 2)} s`,
      `${fmt(r.achieved, 1)}/s`,
      fmt(r.ratio, 4),
      String(r.violations),
      `${c.fds.peak} (${c.fds.atStart})`,
      `${fmt(c.cpu.workers + c.cpu.api + c.cpu.postgres + c.cpu.redis, 0)} µs`,
      r.pass === undefined ? '—' : r.pass ? 'PASS' : 'FAIL',
    ]),
  );
  process.stdout.write(
    [
      ...markdownTable(head, body),
      '',
      `worker fds: the workers' open file descriptors together, peak during the case (at its start); above the idle count (about 30 a worker) nearly all are connections to the provider, idle ones closing after 30 s`,
      `Herald CPU/send: workers + API + Postgres + Redis over the case (every number of it), statuses applied meanwhile included`,
      '',
    ].join('\n'),
  );
  return ok;
});
