#!/usr/bin/env node
// Benchmark (not a test): how many valid sends per second the WhatsApp Cloud API simulator accepts.
//
//   node bench/simulator-capacity.mjs                     # 64 concurrent senders for 10 s; target ≥ 10,000 sends/s
//   node bench/simulator-capacity.mjs --smoke             # 2 s, no throughput target (correctness only, for CI)
//   node bench/simulator-capacity.mjs --concurrency 128 --duration 20
//   node bench/simulator-capacity.mjs --count 200000      # a fixed number of sends instead of a duration
//   node bench/simulator-capacity.mjs --pipelining 4      # HTTP/1.1 pipelining per connection (default 1)
//   node bench/simulator-capacity.mjs --webhooks          # also run the status pipeline: signed status webhooks
//                                                         # to a receiver in this process, all checked and counted
//
// It starts the built simulator (dist/apps/simulator/src/main.js, so run `npm run build` first) as a child
// process on a free port, registers a phone number with a very high throughput limit and no webhook URL, warms
// up, resets the simulator's stats, then has `concurrency` senders post valid text messages (each with its own
// biz_opaque_callback_data) over keep-alive undici connections. It prints sends/s, latency percentiles and both
// processes' CPU use, checks that the simulator counted exactly the sends that got 200 and nothing else, and
// exits 1 when a check fails or throughput is under 10,000 sends/s (unless --smoke). It always stops the child.
// With --webhooks the number gets a webhook URL served by this process (so the load generator shares its CPU with
// the receiver): every status POST's signature is checked, and after the run it waits for the statuses to drain
// and checks that each accepted send got its first status and that both sides counted the same statuses.
//
// Plain ESM JavaScript on purpose: it runs the built simulator from dist/ and needs no build of its own.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { Pool, request } from 'undici';
import { ENTRY, Figures, RssWatch, cpuSecondsOf, startSimulator, stopProcess } from './lib/harness.mjs';
const TARGET_SENDS_PER_S = 10_000;
const WARMUP_MS = 1_500;
const DRAIN_TIMEOUT_MS = 20_000;
const PHONE = { id: '100000000000001', waba: '200000000000001', token: 'capacity-token', secret: 'capacity-secret' };

// ---------------------------------------------------------------------------------------------- arguments

function usage(problem) {
  if (problem) process.stderr.write(`bench/simulator-capacity: ${problem}\n`);
  process.stderr.write(
    'usage: node bench/simulator-capacity.mjs [--concurrency N] [--duration S | --count N] [--pipelining N] [--webhooks] [--smoke]\n',
  );
  process.exit(problem ? 2 : 0);
}

function parseArgs(argv) {
  const opts = { concurrency: 64, durationS: undefined, count: undefined, pipelining: 1, smoke: false, webhooks: false };
  const whole = (flag, raw, min, max) => {
    const n = Number(String(raw).replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min || n > max) usage(`${flag} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    switch (flag) {
      case '--concurrency':
        opts.concurrency = whole(flag, value(), 1, 4096);
        break;
      case '--duration':
        opts.durationS = whole(flag, value(), 1, 3600);
        break;
      case '--count':
        opts.count = whole(flag, value(), 1, 100_000_000);
        break;
      case '--pipelining':
        opts.pipelining = whole(flag, value(), 1, 64);
        break;
      case '--smoke':
        opts.smoke = true;
        break;
      case '--webhooks':
        opts.webhooks = true;
        break;
      case '--help':
      case '-h':
        usage();
        break;
      default:
        usage(`unknown argument ${argv[i]}`);
    }
  }
  if (opts.durationS !== undefined && opts.count !== undefined) usage('give --duration or --count, not both');
  if (opts.durationS === undefined && opts.count === undefined) opts.durationS = opts.smoke ? 2 : 10;
  return opts;
}

// ---------------------------------------------------------------------------------------------- the child

function rssMbOf(pid) {
  const watch = new RssWatch({ pid });
  const bytes = watch.stop();
  return bytes ? Math.round(bytes / 1024 ** 2) : undefined;
}

// ---------------------------------------------------------------------------------------------- webhooks

/**
 * A webhook receiver like Herald's: checks X-Hub-Signature-256 on the raw body and counts the statuses of sends
 * from index `fromIndex` on (callback data "cap-<index>"), so late POSTs about warm-up sends do not count.
 */
async function startReceiver(secret) {
  const counts = { posts: 0, badSignatures: 0, statuses: 0, byStatus: {}, firstStatuses: 0, fromIndex: Infinity };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      counts.posts += 1;
      if (req.headers['x-hub-signature-256'] !== expected) counts.badSignatures += 1;
      for (const entry of JSON.parse(raw.toString('utf8')).entry ?? []) {
        for (const change of entry.changes ?? []) {
          for (const status of change.value?.statuses ?? []) {
            const index = Number(String(status.biz_opaque_callback_data ?? '').slice(4));
            if (!(index >= counts.fromIndex)) continue;
            counts.statuses += 1;
            counts.byStatus[status.status] = (counts.byStatus[status.status] ?? 0) + 1;
            if (status.status === 'sent' || status.status === 'failed') counts.firstStatuses += 1;
          }
        }
      }
      res.writeHead(200).end();
    });
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  return { server, counts, url: `http://127.0.0.1:${server.address().port}/webhooks/whatsapp` };
}

async function drain(base, receiver) {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const stats = await admin(base, 'GET', '/_sim/stats');
    const { statusesPending, statusesBuffered, statusesSent } = stats.webhooks;
    if (statusesPending === 0 && statusesBuffered === 0 && statusesSent === receiver.counts.statuses) return stats;
    if (performance.now() > deadline) return stats;
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 250));
  }
}

// ---------------------------------------------------------------------------------------------- load

async function admin(base, method, path, body) {
  const response = await request(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path} answered ${response.statusCode}: ${text}`);
  return JSON.parse(text);
}

/**
 * Runs `concurrency` senders until `until(sendsStarted)` says stop; returns counts and a latency histogram
 * (0.1 ms buckets).
 */
async function load(pool, opts, startIndex, until) {
  const path = `/v21.0/${PHONE.id}/messages`;
  const headers = { authorization: `Bearer ${PHONE.token}`, 'content-type': 'application/json' };
  const histogram = new Uint32Array(100_000); // up to 10 s
  const failures = new Map();
  let ok = 0;
  let next = startIndex;
  const sender = async () => {
    while (!until(next - startIndex)) {
      const i = next++;
      const body =
        `{"messaging_product":"whatsapp","recipient_type":"individual","to":"+1555${String(i % 10_000_000).padStart(7, '0')}",` +
        `"type":"text","text":{"body":"Hello from the capacity benchmark"},"biz_opaque_callback_data":"cap-${i}"}`;
      const started = performance.now();
      try {
        const response = await pool.request({ method: 'POST', path, headers, body });
        await response.body.dump();
        if (response.statusCode === 200) ok += 1;
        else failures.set(`HTTP ${response.statusCode}`, (failures.get(`HTTP ${response.statusCode}`) ?? 0) + 1);
      } catch (error) {
        failures.set(error.code ?? error.message, (failures.get(error.code ?? error.message) ?? 0) + 1);
      }
      const bucket = Math.min(histogram.length - 1, Math.floor((performance.now() - started) * 10));
      histogram[bucket] += 1;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, sender));
  return { ok, failures, histogram, nextIndex: next };
}

function percentile(histogram, total, p) {
  const target = Math.ceil(total * p);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= target) return (i + 1) / 10;
  }
  return Infinity;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(ENTRY.simulator)) {
    process.stderr.write(`bench/simulator-capacity: ${ENTRY.simulator} is missing: run \`npm run build\` first\n`);
    process.exit(2);
  }
  let sim;
  let pool;
  let receiver;
  let exitCode = 0;
  try {
    sim = await startSimulator();
    const base = sim.url;
    if (opts.webhooks) {
      receiver = await startReceiver(PHONE.secret);
      // No duplicates, so both sides' counts can be compared exactly; short latencies so the run drains quickly.
      await admin(base, 'PUT', '/_sim/config', { statuses: { latencyMs: '50-500', duplicateProbability: 0 } });
    }
    await admin(base, 'PUT', `/_sim/phone-numbers/${PHONE.id}`, {
      wabaId: PHONE.waba,
      displayPhoneNumber: '15550000001',
      accessToken: PHONE.token,
      appSecret: PHONE.secret,
      messagesPerSecond: 1_000_000,
      ...(receiver ? { webhookUrl: receiver.url } : {}),
    });
    pool = new Pool(base, { connections: opts.concurrency, pipelining: opts.pipelining, keepAliveTimeout: 30_000 });

    const warmupEnd = performance.now() + WARMUP_MS;
    const warm = await load(pool, opts, 0, () => performance.now() >= warmupEnd);
    await admin(base, 'POST', '/_sim/reset', {});
    if (receiver) receiver.counts.fromIndex = warm.nextIndex;

    const cpuSimBefore = cpuSecondsOf(sim.child.pid);
    const cpuSelfBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = opts.durationS === undefined ? Infinity : started + opts.durationS * 1000;
    const until = opts.count === undefined ? () => performance.now() >= deadline : (done) => done >= opts.count;
    const run = await load(pool, opts, warm.nextIndex, until);
    const elapsedS = (performance.now() - started) / 1000;
    const cpuSimAfter = cpuSecondsOf(sim.child.pid);
    const cpuSelf = process.cpuUsage(cpuSelfBefore);
    const rssMb = rssMbOf(sim.child.pid);
    const stats = receiver ? await drain(base, receiver) : await admin(base, 'GET', '/_sim/stats');

    const failed = [...run.failures.values()].reduce((sum, n) => sum + n, 0);
    const total = run.ok + failed;
    const rate = run.ok / elapsedS;
    const simCpu =
      cpuSimBefore !== undefined && cpuSimAfter !== undefined ? ((cpuSimAfter - cpuSimBefore) / elapsedS) * 100 : undefined;
    const selfCpu = ((cpuSelf.user + cpuSelf.system) / 1e6 / elapsedS) * 100;

    const lines = [
      '',
      `simulator capacity — ${opts.concurrency} concurrent senders, pipelining ${opts.pipelining}, ${elapsedS.toFixed(1)} s, Node ${process.version}`,
      `  sends accepted   ${fmt(run.ok)} (${fmt(failed)} failed${failed ? `: ${JSON.stringify(Object.fromEntries(run.failures))}` : ''})`,
      `  throughput       ${fmt(rate)} sends/s${opts.smoke ? '' : `  (target ≥ ${fmt(TARGET_SENDS_PER_S)})`}`,
      `  latency          p50 ${percentile(run.histogram, total, 0.5)} ms   p99 ${percentile(run.histogram, total, 0.99)} ms   max ≤ ${percentile(run.histogram, total, 1)} ms`,
      `  CPU              simulator ${simCpu === undefined ? 'n/a' : `${Math.round(simCpu)} %`} of a core, load generator ${Math.round(selfCpu)} %`,
      `  simulator says   accepted ${fmt(stats.accepted.total)}, rejected ${fmt(stats.rejected.total)}, duplicate callback data ${fmt(stats.callbackData.duplicates)}, throttle violations ${fmt(stats.throttle.violations)}, RSS ${rssMb ?? 'n/a'} MB`,
    ];
    if (receiver) {
      const c = receiver.counts;
      lines.push(
        `  webhooks         ${fmt(c.statuses)} statuses received in ${fmt(c.posts)} POSTs (${JSON.stringify(c.byStatus)}), bad signatures ${fmt(c.badSignatures)}; simulator sent ${fmt(stats.webhooks.statusesSent)}, POSTs failed ${fmt(stats.webhooks.postsFailed)}, given up ${fmt(stats.webhooks.abandoned)}`,
      );
    }
    lines.push('');
    process.stdout.write(lines.join('\n'));

    const problems = [];
    if (failed > 0) problems.push(`${fmt(failed)} sends failed`);
    if (stats.accepted.total !== run.ok)
      problems.push(`the simulator counted ${fmt(stats.accepted.total)} accepted sends, the client ${fmt(run.ok)}`);
    if (stats.rejected.total !== 0) problems.push(`the simulator rejected ${fmt(stats.rejected.total)} sends`);
    if (stats.callbackData.duplicates !== 0)
      problems.push(`${fmt(stats.callbackData.duplicates)} callback data values were seen twice`);
    if (receiver) {
      const c = receiver.counts;
      if (c.badSignatures > 0) problems.push(`${fmt(c.badSignatures)} webhook POSTs had a bad signature`);
      if (c.firstStatuses !== run.ok)
        problems.push(`${fmt(run.ok)} sends accepted but ${fmt(c.firstStatuses)} sent/failed statuses received`);
      if (c.statuses !== stats.webhooks.statusesSent) {
        problems.push(`the receiver counted ${fmt(c.statuses)} statuses, the simulator ${fmt(stats.webhooks.statusesSent)}`);
      }
      if (stats.webhooks.postsFailed > 0) problems.push(`${fmt(stats.webhooks.postsFailed)} webhook POSTs failed`);
    }
    if (!opts.smoke && rate < TARGET_SENDS_PER_S)
      problems.push(`${fmt(rate)} sends/s is under the ${fmt(TARGET_SENDS_PER_S)} target`);
    for (const problem of problems) process.stderr.write(`FAIL: ${problem}\n`);
    if (problems.length === 0) process.stdout.write(opts.smoke ? 'OK (smoke: no throughput target)\n' : 'OK\n');
    // For `npm run bench`'s summary: the target and the verdict of the checks.
    const figures = new Figures('simulator', 'simulator capacity');
    if (!opts.smoke)
      figures.add(
        'sends accepted per second',
        `${fmt(rate)} sends/s`,
        `≥ ${fmt(TARGET_SENDS_PER_S)}`,
        rate >= TARGET_SENDS_PER_S,
      );
    const checkProblems = problems.filter((p) => !p.includes('target'));
    figures.add(
      'check: counts agree (client, simulator, receiver)',
      checkProblems.join('; ') || 'all agree',
      'all agree',
      checkProblems.length === 0,
    );
    exitCode = problems.length > 0 ? 1 : 0;
    figures.record();
  } catch (error) {
    process.stderr.write(`bench/simulator-capacity: ${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = 1;
  } finally {
    if (pool) await pool.close().catch(() => undefined);
    if (receiver) receiver.server.close();
    if (sim) await stopProcess(sim.child);
  }
  process.exit(exitCode);
}

void main();
