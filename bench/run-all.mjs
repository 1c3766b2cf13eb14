#!/usr/bin/env node
// `npm run bench`: every benchmark and chaos scenario, one after the other, then one table of figure, target
// and pass/fail. Exits 1 when any target is missed or any check fails.
//
//   npm run bench                          # full forms (about 22 minutes on 2 cores)
//   npm run bench -- --smoke               # the short forms CI runs
//   npm run bench -- --only throughput,scale
//   npm run bench -- --markdown out.md     # also write the summary as a Markdown table (docs/BENCHMARKS.md)
//
// Each benchmark prints its own detailed table as it goes; with BENCH_RESULTS set, each appends its targeted
// figures and checks to that file as JSON lines, which this script gathers.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, fmt, machineLine, markdownTable, parseArgs, root, sayer } from './lib/harness.mjs';

export const BENCHES = [
  { name: 'simulator', script: 'bench/simulator-capacity.mjs' },
  { name: 'import', script: 'bench/import.mjs' },
  { name: 'throughput', script: 'bench/throughput.mjs' },
  { name: 'rate-limit', script: 'bench/rate-limit.mjs' },
  { name: 'provider-latency', script: 'bench/provider-latency.mjs' },
  { name: 'schedule', script: 'bench/schedule.mjs' },
  { name: 'scale', script: 'bench/scale.mjs' },
  { name: 'webhooks', script: 'bench/webhooks.mjs' },
  { name: 'status-apply', script: 'bench/status-apply.mjs' },
  { name: 'clicks', script: 'bench/clicks.mjs' },
  { name: 'callbacks', script: 'bench/callbacks.mjs' },
  { name: 'callbacks-campaign', script: 'bench/callbacks.mjs', args: ['--campaign'] },
  { name: 'compat', script: 'bench/compat.mjs' },
  { name: 'chaos', script: 'bench/chaos.mjs' },
];

const opts = parseArgs(
  process.argv.slice(2),
  { smoke: 'bool', only: 'str', markdown: 'str' },
  `node bench/run-all.mjs [--smoke] [--only ${BENCHES.map((b) => b.name).join(',')}] [--markdown FILE]`,
);
const say = sayer('bench');
const chosen = opts.only ? opts.only.split(',') : BENCHES.map((b) => b.name);
const unknown = chosen.filter((n) => !BENCHES.some((b) => b.name === n));
if (unknown.length > 0) {
  say(`unknown benchmark(s): ${unknown.join(', ')}`);
  process.exit(2);
}
ensureBuilt(say);

const results = join(os.tmpdir(), `herald-bench-results-${process.pid}.jsonl`);
rmSync(results, { force: true });
const outcomes = [];
for (const b of BENCHES.filter((x) => chosen.includes(x.name))) {
  const args = [...(b.args ?? []), ...(opts.smoke ? ['--smoke'] : [])];
  say(`== ${b.name}: node ${[b.script, ...args].join(' ')}`);
  const started = performance.now();
  const code = await new Promise((resolveExit) => {
    const child = spawn(process.execPath, [b.script, ...args], {
      cwd: root,
      env: { ...process.env, BENCH_RESULTS: results },
      stdio: 'inherit',
    });
    child.on('exit', (c, signal) => resolveExit(signal ? 1 : (c ?? 1)));
  });
  outcomes.push({ name: b.name, code, seconds: (performance.now() - started) / 1000 });
}

let rows = [];
try {
  rows = readFileSync(results, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
} catch {
  rows = [];
}
rmSync(results, { force: true });

// Targets one per row; checks folded into one row per benchmark.
const table = [];
for (const o of outcomes) {
  const mine = rows.filter((r) => r.bench === o.name || r.bench.startsWith(`${o.name}:`));
  const targets = mine.filter((r) => !r.name.startsWith('check: '));
  const checks = mine.filter((r) => r.name.startsWith('check: '));
  for (const r of targets) table.push([r.bench, r.name, r.value, r.target, r.pass === false ? 'FAIL' : 'pass']);
  const failedChecks = checks.filter((r) => r.pass === false);
  if (checks.length > 0)
    table.push([
      o.name,
      `checks (${checks.length})`,
      `${checks.length - failedChecks.length} passed`,
      'all pass',
      failedChecks.length ? 'FAIL' : 'pass',
    ]);
  for (const r of failedChecks) table.push([r.bench, r.name, r.value, r.target, 'FAIL']);
  if (mine.length === 0 || (o.code !== 0 && !mine.some((r) => r.pass === false)))
    table.push([o.name, 'finished', `exit ${o.code}`, 'exit 0', o.code === 0 ? 'pass' : 'FAIL']);
}

const head = ['benchmark', 'figure', 'value', 'target', 'result'];
const failed = table.filter((r) => r[4] === 'FAIL').length;
const summary = markdownTable(head, table).join('\n');
const verdict = failed === 0 ? 'PASS: every target met and every check passed' : `FAIL: ${failed} row(s) failed`;
process.stdout.write(
  [
    '',
    `Herald benchmarks${opts.smoke ? ' (smoke forms)' : ''} — ${new Date().toISOString()}`,
    `machine: ${machineLine()}`,
    `time: ${outcomes.map((o) => `${o.name} ${fmt(o.seconds, 0)} s`).join(', ')}`,
    '',
    summary,
    '',
    verdict,
    '',
  ].join('\n'),
);
if (opts.markdown) {
  writeFileSync(opts.markdown, `${summary}\n\n${verdict}\n\nmachine: ${machineLine()}\n`);
  say(`summary written to ${opts.markdown}`);
}
process.exit(failed === 0 ? 0 : 1);
