#!/usr/bin/env node
// Benchmark (not a test): the tracked-link redirect, GET /l/<code>, under load.
//
//   node bench/clicks.mjs                        # 10,000 links, 10 s of clicks; targets: ≥ 5,000 clicks/s, p99 ≤ 50 ms
//   node bench/clicks.mjs --smoke                # 2,000 links, 2 s: correctness only (CI)
//   node bench/clicks.mjs --links 100000 --seconds 30 --connections 64
//   node bench/clicks.mjs --profile              # CPU-profile the API; prints the hottest functions
//
// One API process. The links are seeded in SQL as LinksService.createLinks writes them (one INSERT from unnest,
// codes from the library's own generator, destinations with UTM parameters from its withUtm), not measured. The
// load generator (an undici keep-alive pool, --connections connections, each sending its next request when the
// last is answered) then clicks random links for --seconds: the first click of a code reads Postgres, later ones
// are answered from the API's cache (the codes fit in it). Every answer must be a 302 to the code's destination.
//
// Measured: clicks answered per second, latency percentiles, the CPU per click of the API and of Postgres' backends
// for it (the batched click writes included). Then, once the API's click recorder has flushed (≤ 250 ms later),
// checks that link_clicks holds exactly the clicks answered 302, code by code.
import { createHistogram } from 'node:perf_hooks';
import { join } from 'node:path';
import os from 'node:os';
import { rmSync } from 'node:fs';
import { Pool } from 'undici';
import {
  Bench,
  CpuMeter,
  Figures,
  PostgresCpu,
  RssWatch,
  dist,
  fmt,
  int,
  mb,
  parseArgs,
  requireFromRoot,
  runBench,
  stopProcess,
  summariseProfiles,
  waitFor,
} from './lib/harness.mjs';
import { Api } from './lib/campaign.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { links: 'int', seconds: 'int', connections: 'int', smoke: 'bool', keep: 'bool', profile: 'bool' },
  'node bench/clicks.mjs [--links N] [--seconds N] [--connections N] [--smoke] [--keep] [--profile]',
);
const LINKS = opts.links ?? (opts.smoke ? 2_000 : 10_000);
const SECONDS = opts.seconds ?? (opts.smoke ? 2 : 10);
const CONNECTIONS = opts.connections ?? 32;
const TARGET_CLICKS_PER_S = 5_000;
const TARGET_P99_MS = 50;
const TIMED = !opts.smoke;
const USER_AGENT = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';

if (LINKS < 1 || SECONDS < 1 || CONNECTIONS < 1) {
  process.stderr.write('--links, --seconds and --connections must be at least 1\n');
  process.exit(2);
}

/** Seeds LINKS links as LinksService.createLinks would; returns [code, destination] pairs. */
async function seedLinks(pg, workspaceId) {
  const { newLinkCodes, withUtm } = requireFromRoot(dist('libs/links/src/index.js'));
  const codes = newLinkCodes(LINKS);
  const runId = (await pg.query('SELECT gen_random_uuid() AS id')).rows[0].id;
  const utm = { source: 'herald', medium: 'whatsapp', campaign: 'bench-clicks' };
  const destinations = codes.map((_, i) => withUtm(`https://shop.example/products/${i}?ref=wa`, utm));
  await pg.query(
    `INSERT INTO tracked_links (code, workspace_id, destination, send_ref, run_id)
     SELECT t.code, $1, t.destination, t.send_ref, $5
       FROM unnest($2::text[], $3::text[], $4::text[]) AS t(code, destination, send_ref)`,
    [workspaceId, codes, destinations, codes.map((_, i) => `r:${i + 1}`), runId],
  );
  await pg.query('VACUUM ANALYZE tracked_links');
  return { links: codes.map((code, i) => [code, destinations[i]]), runId };
}

/** Clicks random links with CONNECTIONS requests in flight for SECONDS; returns what happened. */
async function click(url, links, onStart) {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 60_000 });
  const out = { sent: 0, redirected: 0, wrong: new Map(), perCode: new Map(), latency: createHistogram() };
  const fail = (why) => out.wrong.set(why, (out.wrong.get(why) ?? 0) + 1);
  const headers = { 'user-agent': USER_AGENT };
  out.startedAt = performance.now();
  onStart();
  const deadline = out.startedAt + SECONDS * 1000;
  const clicker = async () => {
    while (performance.now() < deadline) {
      const [code, destination] = links[Math.floor(Math.random() * links.length)];
      const started = performance.now();
      out.sent += 1;
      try {
        const res = await pool.request({ method: 'GET', path: `/l/${code}`, headers, headersTimeout: 30_000, bodyTimeout: 30_000 });
        await res.body.dump();
        if (res.statusCode !== 302) fail(`HTTP ${res.statusCode}`);
        else if (res.headers.location !== destination) fail('302 to another location');
        else {
          out.redirected += 1;
          out.perCode.set(code, (out.perCode.get(code) ?? 0) + 1);
        }
      } catch (error) {
        fail(error.code ?? error.message);
      }
      out.latency.record(Math.max(1, Math.round((performance.now() - started) * 1000)));
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, clicker));
  out.endedAt = performance.now();
  await pool.close();
  return out;
}

await runBench(new Bench('clicks', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const say = bench.say;
  const figures = new Figures(
    'clicks',
    `Tracked-link redirects — ${int(LINKS)} links, ${SECONDS} s, ${CONNECTIONS} connections${opts.smoke ? ' (smoke)' : ''}${opts.profile ? ' — PROFILED, figures inflated' : ''}`,
  );
  const pg = bench.pg();
  const profileDir = opts.profile ? join(os.tmpdir(), `herald-clicks-profile-${Date.now().toString(36)}`) : undefined;
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  const { url, child: apiChild } = await bench.startApi({}, { nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
  const api = new Api(url, bench.adminToken);
  await api.workspace();

  const t = performance.now();
  const { links, runId } = await seedLinks(pg, api.workspaceId);
  say(`seeded ${int(LINKS)} links in ${fmt((performance.now() - t) / 1000, 2)} s; clicking for ${SECONDS} s`);

  const rss = new RssWatch(apiChild);
  const meter = new CpuMeter({ api: apiChild });
  const pgCpu = await new PostgresCpu(pg, bench.database, 500).start();
  const clicked = await click(url, links, () => meter.start());
  const { used } = meter.stop();
  // The recorder writes within 250 ms of a click; wait for every click answered (not timed).
  const flushStarted = performance.now();
  let recorded = 0;
  await waitFor(
    'the clicks to be written',
    async () => {
      recorded = Number((await pg.query('SELECT count(*) AS n FROM link_clicks')).rows[0].n);
      return recorded >= clicked.redirected;
    },
    10_000,
    50,
  ).catch(() => undefined);
  const flushMs = performance.now() - flushStarted;
  const pgUsed = await pgCpu.stop();
  const peakRss = rss.stop();

  const seconds = (clicked.endedAt - clicked.startedAt) / 1000;
  const rate = clicked.redirected / seconds;
  const p = (q) => clicked.latency.percentile(q) / 1000;
  const perClick = (cpuSeconds) => (cpuSeconds * 1e6) / Math.max(1, clicked.redirected);
  figures.add(
    'clicks answered (302)',
    `${int(clicked.redirected)} in ${fmt(seconds, 2)} s: ${int(rate)} clicks/s`,
    TIMED ? `≥ ${int(TARGET_CLICKS_PER_S)}/s` : '',
    TIMED ? rate >= TARGET_CLICKS_PER_S : undefined,
  );
  figures.add(
    'latency p99',
    `${fmt(p(99), 2)} ms (p50 ${fmt(p(50), 2)} ms, p90 ${fmt(p(90), 2)} ms, max ${fmt(clicked.latency.max / 1000, 1)} ms)`,
    TIMED ? `≤ ${TARGET_P99_MS} ms` : '',
    TIMED ? p(99) <= TARGET_P99_MS : undefined,
  );
  figures.add(
    'CPU per click (µs)',
    `API ${fmt(perClick(used.api), 1)}, Postgres for the API ${fmt(perClick(pgUsed['for API']), 1)} (+ background ${fmt(perClick(pgUsed.background + pgUsed.autovacuum), 1)}), load generator ${fmt(perClick(used['load generator / bench']), 1)}`,
  );
  figures.add('  API CPU while clicking', `${fmt(used.api / seconds, 2)} cores`);
  figures.add('all clicks written after the last answer', `${int(flushMs)} ms (the recorder flushes every 250 ms or 1,000 clicks)`);
  figures.add('API peak RSS', `${fmt(mb(peakRss), 0)} MB`);

  figures.check('requests answered 302 to their own destination', clicked.redirected, clicked.sent);
  for (const [why, n] of clicked.wrong) figures.add(`  wrong answers: ${why}`, n);
  figures.check('clicks recorded = clicks answered 302', recorded, clicked.redirected);
  const rows = (await pg.query('SELECT code, count(*)::int AS n FROM link_clicks GROUP BY code')).rows;
  const mismatched = rows.filter((r) => clicked.perCode.get(r.code) !== r.n).length + [...clicked.perCode.keys()].filter((c) => !rows.some((r) => r.code === c)).length;
  figures.check('codes whose recorded clicks differ from their answers', mismatched, 0);
  const [agg] = (
    await pg.query(
      `SELECT count(*) FILTER (WHERE run_id IS DISTINCT FROM $1 OR user_agent IS DISTINCT FROM $2 OR send_ref NOT LIKE 'r:%')::int AS bad,
              count(DISTINCT send_ref)::int AS sends
         FROM link_clicks`,
      [runId, USER_AGENT],
    )
  ).rows;
  figures.check('clicks with a wrong run, send or user agent', agg.bad, 0);
  figures.check('sends clicked', agg.sends, clicked.perCode.size);

  const ok = figures.print([
    `load: ${CONNECTIONS} keep-alive connections (undici Pool), closed loop, random links; API: 1 process (LOG_LEVEL warn)`,
  ]);
  if (profileDir) {
    await stopProcess(apiChild);
    process.stdout.write(`\napi:\n${summariseProfiles(profileDir)}\n`);
  }
  return ok;
});
