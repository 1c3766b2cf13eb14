// What every benchmark needs: Postgres and Redis found or started like the tests do, a database and a Redis
// prefix of the benchmark's own (removed afterwards unless --keep), the built apps started as child processes
// (stopped on exit, also on Ctrl-C/SIGTERM), RSS watching, HTTP helpers and the figures table.
//
// Plain ESM JavaScript on purpose: benchmarks run the built apps and libs from dist/ and need no build of their own.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const requireFromRoot = createRequire(join(root, 'package.json'));
export const dist = (p) => join(root, 'dist', p);

export const ENTRY = {
  api: dist('apps/api/src/main.js'),
  worker: dist('apps/worker/src/main.js'),
  simulator: dist('apps/simulator/src/main.js'),
  cli: dist('apps/cli/src/main.js'),
  services: dist('libs/local-services/src/index.js'),
};

/**
 * Node flags as Herald's launchers start a worker and the simulator (scripts/node-flags.json, read by
 * scripts/stack.ts too; docker-compose.yml and the start:* npm scripts carry the same): the old generation of a
 * worker capped, and the collector of both on the main thread (docs/BENCHMARKS.md, scale and rate limits).
 */
const NODE_FLAGS = JSON.parse(readFileSync(join(root, 'scripts/node-flags.json'), 'utf8'));
export const WORKER_NODE_ARGS = NODE_FLAGS.worker;
export const SIMULATOR_NODE_ARGS = NODE_FLAGS.simulator;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const RSS_SAMPLE_MS = 200;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const fmt = (n, digits = 1) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : String(n);
export const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
export const mb = (bytes) => bytes / 1024 ** 2;

/** `say('throughput')('line')` writes "[throughput] line" to stderr (stdout is for the figures). */
/** A Markdown table's lines (header, separator, rows), every column padded to its widest cell. */
export function markdownTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}
export const sayer = (tag) => (line) => process.stderr.write(`[${tag}] ${line}\n`);

export function machineLine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${fmt(os.totalmem() / 1024 ** 3)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** Builds dist/ when it is missing (the npm scripts build first anyway). */
export function ensureBuilt(say) {
  if (Object.values(ENTRY).every((f) => existsSync(f))) return;
  say('dist/ is missing or incomplete: npm run build');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
}

// ------------------------------------------------------------------------------------------------ arguments

/**
 * Parses `--flag value`, `--flag=value` and boolean `--flag` against `spec` ({ name: 'int' | 'bool' | 'str' }).
 * Unknown flags and bad values end the process with a usage line (exit 2).
 */
export function parseArgs(argv, spec, usageLine) {
  const usage = (problem) => {
    if (problem) process.stderr.write(`${problem}\n`);
    process.stderr.write(`usage: ${usageLine}\n`);
    process.exit(problem ? 2 : 0);
  };
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') usage();
    const name = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const kind = flag.startsWith('--') ? spec[name] : undefined;
    if (!kind) usage(`unknown argument "${argv[i]}"`);
    if (kind === 'bool') {
      opts[name] = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) usage(`${flag} needs a value`);
    if (kind === 'int') {
      const n = Number(String(raw).replace(/[_,]/g, ''));
      if (!Number.isSafeInteger(n) || n < 0) usage(`${flag} must be a whole number (got "${raw}")`);
      opts[name] = n;
    } else opts[name] = raw;
  }
  return opts;
}

// ------------------------------------------------------------------------------------------------- figures

/**
 * The figures of one benchmark: name | value | target | pass/FAIL. `print()` writes the table to stdout; with
 * BENCH_RESULTS=<file> set (npm run bench does), each row is also appended there as one JSON line.
 */
export class Figures {
  constructor(bench, title) {
    this.bench = bench;
    this.title = title;
    this.rows = [];
    this.failed = 0;
  }

  /** `pass` undefined: an informative figure with no target. */
  add(name, value, target = '', pass = undefined) {
    if (pass === false) this.failed += 1;
    this.rows.push({ name, value: String(value), target: String(target), pass });
    return pass;
  }

  /** A check that must hold: `got` equals `want`. */
  check(name, got, want) {
    return this.add(`check: ${name}`, String(got), `= ${String(want)}`, got === want);
  }

  print(extra = []) {
    const cells = this.rows.map((r) => [r.name, r.value, r.target, r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL']);
    const head = ['figure', 'value', 'target', 'result'];
    const widths = head.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
    const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    process.stdout.write(
      [
        '',
        this.title,
        `machine: ${machineLine()}`,
        ...(simulatorPriority === undefined ? [] : [`simulator: ${simulatorPriority}`]),
        ...extra,
        '',
        line(head),
        `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
        ...cells.map(line),
        '',
        this.failed === 0
          ? 'PASS: every target met and every check passed'
          : `FAIL: ${this.failed} target(s) missed or check(s) failed`,
        '',
      ].join('\n'),
    );
    this.record();
    return this.failed === 0;
  }

  /** With BENCH_RESULTS=<file> (npm run bench sets it), appends each row that has a verdict as a JSON line. */
  record() {
    const out = process.env.BENCH_RESULTS;
    if (!out) return;
    for (const r of this.rows) {
      if (r.pass !== undefined) appendFileSync(out, `${JSON.stringify({ bench: this.bench, ...r })}\n`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------- HTTP

/** One request over a fresh connection; resolves { status, json, text } (never throws on an HTTP status). */
export function request(base, method, path, { headers = {}, body, stream, timeoutMs = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const payload = body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const allHeaders =
      payload !== undefined && typeof body === 'object' && !Buffer.isBuffer(body)
        ? { 'content-type': 'application/json', ...headers }
        : headers;
    const req = http.request(new URL(path, base), { method, headers: allHeaders, agent: false, timeout: timeoutMs }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolvePromise({ status: res.statusCode, json, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (stream) pipeline(stream, req).catch(reject);
    else req.end(payload);
  });
}

/** Like `request`, but anything other than a 2xx is an error that names the call. */
export async function call(base, method, path, options = {}) {
  const res = await request(base, method, path, options);
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${method} ${path} answered ${res.status}: ${res.text.slice(0, 500)}`);
  return res.json;
}

export async function waitFor(what, probe, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ------------------------------------------------------------------------------------------------ processes

/** Starts `node <script>`; keeps its last 40 lines for error messages and echoes them with a `[name]` tag. */
export function startProcess(name, script, env, { nodeArgs = [], quiet = false } = {}) {
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, ...extra, script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const listeners = [];
  const keep = (stream) => {
    const reader = createInterface({ input: stream });
    reader.on('line', (line) => {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      for (const listener of listeners) listener(line);
      if (!quiet) process.stderr.write(`[${name}] ${line.length > 400 ? `${line.slice(0, 400)}…` : line}\n`);
    });
  };
  keep(child.stdout);
  keep(child.stderr);
  child.tail = () => lines.join('\n');
  child.label = name;
  child.onLine = (listener) => listeners.push(listener);
  child.exited = once(child, 'exit');
  return child;
}

export const running = (child) => child && child.exitCode === null && child.signalCode === null;

export async function stopProcess(child, signal = 'SIGTERM') {
  if (!running(child)) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

/**
 * Counts the warnings and errors a child process logs, by message with digits folded: pino lines at level ≥ 40,
 * and the first line of plain ones that say error or failed (their indented continuations are skipped).
 */
export function collectProblems(child) {
  const seen = new Map();
  child.onLine((line) => {
    let msg;
    try {
      const entry = JSON.parse(line);
      if (typeof entry.level === 'number' && entry.level < 40) return;
      msg = String(entry.err?.message ?? entry.msg ?? line);
    } catch {
      if (/^\s/.test(line) || !/error|fail/i.test(line)) return;
      msg = line;
    }
    const key = msg.replace(/\d+/g, 'N').slice(0, 120);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  });
  return seen;
}

/** "total: n× message | …" of the `top` most frequent problems collected by `collectProblems`. */
export function problemSummary(seen, top = 4) {
  const total = [...seen.values()].reduce((a, b) => a + b, 0);
  const lines = [...seen]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([msg, n]) => `${n}× ${msg}`);
  return total === 0 ? '0' : `${total}: ${lines.join(' | ')}`;
}

/** VmRSS sampled every 200 ms, and the kernel's own peak (VmHWM); both in bytes. */
export class RssWatch {
  constructor(child) {
    this.child = child;
    this.peak = 0;
    this.timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);
    this.timer.unref();
  }

  sample() {
    try {
      const text = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
      const rss = field('VmRSS');
      this.peak = Math.max(this.peak, rss, field('VmHWM'));
      return rss;
    } catch {
      return undefined;
    }
  }

  stop() {
    this.sample();
    clearInterval(this.timer);
    return this.peak;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by every process whose command name is one of `names` (e.g. postgres, redis-server),
 * by name: the servers' whole cost, background processes included. Counts only processes alive now.
 */
export function cpuSecondsByName(names) {
  const out = Object.fromEntries(names.map((n) => [n, 0]));
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!(comm in out)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[comm] += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * CPU seconds (user + system) used so far by process `pid` and every descendant, children that have exited and
 * been reaped included (`cutime` + `cstime` of their parent): a Postgres postmaster's figure then holds its
 * backends, autovacuum workers and background processes, also those that came and went meanwhile.
 */
export function cpuSecondsOfTree(pid) {
  const parentOf = new Map();
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
    } catch {
      // gone meanwhile
    }
  }
  if (!ticks.has(pid)) return undefined;
  let total = 0;
  for (const [p, t] of ticks) {
    for (let q = p; q > 1; q = parentOf.get(q) ?? 0) {
      if (q === pid) {
        total += t;
        break;
      }
    }
  }
  return total / 100;
}

/** Open file descriptors of a process (sockets, files, pipes), by a readdir of /proc/<pid>/fd: cheap. */
export function openFdsOf(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/**
 * The open file descriptors of some child processes together, sampled every `everyMs` until `stop()`, which
 * returns { atStart, peak }. A worker's descriptors above its idle count are nearly all its connections to the
 * provider (its Postgres and Redis connections are open from the start). Cheaper than reading /proc/net/tcp, which
 * costs ~20 ms of CPU a read with a few thousand sockets, on cores the measured processes need.
 */
export class FdWatch {
  constructor(children, everyMs = 200) {
    this.children = children;
    this.atStart = this.count();
    this.peak = this.atStart;
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  count() {
    return this.children.reduce((n, child) => n + openFdsOf(child.pid), 0);
  }

  sample() {
    this.peak = Math.max(this.peak, this.count());
  }

  stop() {
    this.sample();
    clearInterval(this.timer);
    return { atStart: this.atStart, peak: this.peak };
  }
}

/**
 * Where the CPU went between `start()` and `stop()`: the given child processes (each its own pid only), this
 * process (all its threads: the load generator when it runs in this process, else the benchmark's polling), and
 * the Postgres and Redis servers.
 *
 * Servers: by default every process on the machine named `postgres` or `redis-server`, whoever it works for
 * (another benchmark's or the test suite's servers included), and Postgres backends that exit in between are
 * missed. With `servers: { postgres: pid, 'redis-server': pid }` (a benchmark's private servers:
 * `bench.setup({ privatePostgres: true, privateRedis: true })`), each is that server's process tree instead,
 * exited backends included (cpuSecondsOfTree). `self` names this process's row.
 */
export class CpuMeter {
  constructor(children, { servers, self = 'load generator / bench' } = {}) {
    this.children = children;
    this.servers = servers;
    this.self = self;
  }

  read() {
    const own = process.cpuUsage();
    const servers = this.servers
      ? Object.fromEntries(Object.entries(this.servers).map(([name, pid]) => [name, cpuSecondsOfTree(pid) ?? 0]))
      : cpuSecondsByName(['postgres', 'redis-server']);
    return {
      ...Object.fromEntries(Object.entries(this.children).map(([name, child]) => [name, cpuSecondsOf(child.pid) ?? 0])),
      [this.self]: (own.user + own.system) / 1e6,
      ...servers,
    };
  }

  start() {
    this.before = this.read();
    this.startedAt = performance.now();
    return this;
  }

  /** CPU seconds per process name over the interval, and the interval in seconds. */
  stop() {
    const after = this.read();
    const used = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, Math.max(0, v - (this.before[k] ?? 0))]));
    return { used, seconds: (performance.now() - this.startedAt) / 1000 };
  }
}

/**
 * CPU seconds of a shared Postgres server spent for one database, by backend pid (pg_stat_activity): the client
 * backends of Herald's processes (application_name herald-api / herald-worker), the autovacuum workers on the
 * database, and the server's WAL writer, checkpointer and background writer (shared with every other database on
 * the server: a ceiling for those three when others write meanwhile). The benchmark's own connections are left
 * out. Read every `everyMs`: a backend that exits loses at most its last interval. For a server other benchmarks
 * or the test suite also use, where counting every process named postgres (CpuMeter's default) would count theirs.
 */
export class PostgresCpu {
  constructor(pg, database, everyMs = 1_000) {
    this.pg = pg;
    this.database = database;
    this.everyMs = everyMs;
  }

  async read() {
    const { rows } = await this.pg.query(
      `SELECT pid, CASE WHEN backend_type IN ('walwriter', 'checkpointer', 'background writer') THEN 'background'
                        WHEN backend_type = 'autovacuum worker' THEN 'autovacuum'
                        WHEN application_name = 'herald-api' THEN 'for API'
                        ELSE 'for workers' END AS who
         FROM pg_stat_activity
        WHERE (datname = $1 AND application_name IN ('herald-api', 'herald-worker'))
           OR (datname = $1 AND backend_type = 'autovacuum worker')
           OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
      [this.database],
    );
    return new Map(rows.map((r) => [r.pid, { who: r.who, seconds: cpuSecondsOf(r.pid) ?? 0 }]));
  }

  async start() {
    this.before = await this.read();
    this.last = new Map(this.before);
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  async sample() {
    for (const [pid, reading] of await this.read().catch(() => new Map())) this.last.set(pid, reading);
  }

  /** { total, 'for API', 'for workers', autovacuum, background } in CPU seconds. */
  async stop() {
    clearInterval(this.timer);
    await this.sample();
    const used = { total: 0, 'for API': 0, 'for workers': 0, autovacuum: 0, background: 0 };
    for (const [pid, { who, seconds }] of this.last) {
      // A backend born meanwhile starts from 0; one whose pid was reused by another process reads lower: skip.
      const spent = seconds - (this.before.get(pid)?.seconds ?? 0);
      if (spent <= 0) continue;
      used[who] += spent;
      used.total += spent;
    }
    return used;
  }
}

/**
 * The simulator's scheduling priority (nice; BENCH_SIMULATOR_NICE overrides, 0 leaves it as Herald's). It stands
 * in for a provider on machines of its own and stamps each send when its event loop gets to it: sharing two cores
 * with Herald at equal priority, it stood still for up to 98–112 ms while sends arrived, stamped them together and
 * refused windows that followed (14 and 8 refusals in two runs); at -10 it stalled a third to a fifth as often, at
 * most 32–68 ms, with 4 and 0 refusals and rates within the spread (docs/BENCHMARKS.md, "The simulator's own stalls,
 * and its priority"). Raising a priority needs root or CAP_SYS_NICE; without, the figures say it stayed equal.
 */
const SIMULATOR_NICE = (() => {
  const value = Number(process.env.BENCH_SIMULATOR_NICE ?? -10);
  if (!Number.isInteger(value) || value < -20 || value > 19) throw new Error(`BENCH_SIMULATOR_NICE must be a whole number from -20 to 19 (got ${process.env.BENCH_SIMULATOR_NICE})`);
  return value;
})();
/** What became of SIMULATOR_NICE for the last simulator started, for the figures' header. */
let simulatorPriority;

/**
 * Starts the built Cloud API simulator on a free port (it logs JSON; errors are echoed); resolves
 * { child, url }. `track(child)` sees the child before it is ready (to stop it on failure).
 */
export async function startSimulator(extraEnv = {}, track = (child) => child) {
  const child = track(
    startProcess(
      'simulator',
      ENTRY.simulator,
      { ...process.env, SIMULATOR_HOST: '127.0.0.1', SIMULATOR_PORT: '0', ...extraEnv },
      { quiet: true, nodeArgs: SIMULATOR_NODE_ARGS },
    ),
  );
  if (SIMULATOR_NICE !== 0) {
    try {
      os.setPriority(child.pid, SIMULATOR_NICE);
      simulatorPriority =
        SIMULATOR_NICE < 0
          ? `nice ${SIMULATOR_NICE}, ahead of Herald's processes for the CPU (a provider stamps sends on machines of its own)`
          : `nice ${SIMULATOR_NICE}, behind Herald's processes for the CPU`;
    } catch (error) {
      simulatorPriority = `the same priority as Herald's processes (nice ${SIMULATOR_NICE} refused: ${error.code ?? error.message})`;
    }
  } else simulatorPriority = "the same priority as Herald's processes (BENCH_SIMULATOR_NICE=0)";
  const port = await new Promise((resolvePort, rejectPort) => {
    const timer = setTimeout(() => rejectPort(new Error('the simulator did not start within 15 s')), 15_000);
    child.onLine((line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolvePort(entry.port);
        } else if (entry.level === 'error' || entry.level >= 50) process.stderr.write(`[simulator] ${line}\n`);
      } catch {
        process.stderr.write(`[simulator] ${line}\n`);
      }
    });
    void child.exited.then(() => rejectPort(new Error(`the simulator exited:\n${child.tail()}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

// ------------------------------------------------------------------------------------------- the benchmark

/**
 * A benchmark's world: services, its own database (migrated) and Redis prefix, and the processes it starts.
 * `await bench.cleanup()` (also run on SIGINT/SIGTERM) stops them and removes the database and keys.
 */
export class Bench {
  constructor(name, { keep = false } = {}) {
    this.name = name;
    this.keep = keep;
    this.say = sayer(name);
    const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    this.database = `herald_bench_${run}`;
    this.redisPrefix = `herald-bench-${run.replace(/_/g, '-')}`;
    this.children = new Set();
    this.closers = [];
    this.services = requireFromRoot(ENTRY.services);
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => {
        this.say(`${signal}: stopping`);
        void this.cleanup().finally(() => process.exit(130));
      });
    }
  }

  /**
   * Finds or starts Postgres and Redis, creates and migrates the database; sets `this.env` for the apps.
   * `privatePostgres` / `privateRedis`: start servers of the benchmark's own (in a temp directory, on free
   * ports, removed afterwards), for scenarios that restart Postgres or FLUSHALL Redis without touching anyone
   * else's data.
   */
  async setup({ privatePostgres = false, privateRedis = false } = {}) {
    ensureBuilt(this.say);
    const log = (line) => this.say(line);
    this.scratch = mkdtempSync(join(os.tmpdir(), `${this.redisPrefix}-`));
    if (privatePostgres) {
      this.privatePostgres = { dataDir: join(this.scratch, 'postgres'), port: await this.services.anyFreePort() };
      this.postgres = await this.startPrivatePostgres();
    } else {
      this.postgres = await this.services.ensurePostgres({
        url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        dataDir: join(root, '.data/postgres'),
        database: 'postgres',
        log,
      });
    }
    this.redis = await this.services.ensureRedis(
      privateRedis
        ? { dataDir: join(this.scratch, 'redis'), port: await this.services.anyFreePort(), install: false, log }
        : { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', dataDir: join(root, '.data/redis'), log },
    );
    await this.services.ensureDatabase(this.postgres.url, this.database);
    this.dbCreated = true;
    this.databaseUrl = this.services.withDatabase(this.postgres.url, this.database);
    this.adminToken = randomBytes(24).toString('base64url');
    this.env = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.redisPrefix,
      ADMIN_TOKEN: this.adminToken,
      BULL_BOARD_USER: 'board',
      BULL_BOARD_PASSWORD: randomBytes(12).toString('base64url'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      HERALD_ENV_FILE: join(root, 'bench/no-such.env'), // ignore a developer's .env
    };
    delete this.env.NODE_OPTIONS;
    this.migrate();
    this.say(`database ${this.database} migrated; Redis prefix ${this.redisPrefix}`);
    return this;
  }

  startPrivatePostgres() {
    return this.services.ensurePostgres({
      dataDir: this.privatePostgres.dataDir,
      port: this.privatePostgres.port,
      database: 'postgres',
      log: (line) => this.say(line),
    });
  }

  /** Stops the private Postgres (fast shutdown: clients are cut off) and, after `downMs`, starts it again. */
  async restartPostgres(downMs = 0, onDown = async () => undefined) {
    if (!this.privatePostgres) throw new Error('restartPostgres needs setup({ privatePostgres: true })');
    await this.postgres.stop();
    const downAt = Date.now();
    await onDown();
    await sleep(Math.max(0, downMs - (Date.now() - downAt)));
    this.postgres = await this.startPrivatePostgres();
    return Date.now() - downAt;
  }

  migrate(env = this.env) {
    const migrate = spawnSync(process.execPath, [ENTRY.cli, 'migration', 'run'], { cwd: root, env, encoding: 'utf8' });
    if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
  }

  track(child) {
    this.children.add(child);
    void child.exited.then(() => this.children.delete(child));
    return child;
  }

  /**
   * Starts the API on a free port and waits for /health/ready; resolves { child, url }. `options.publicUrlIsSelf`:
   * PUBLIC_URL is the API's own address (Herald registers Telegram's webhook at <PUBLIC_URL>/webhooks/telegram/<id>).
   */
  async startApi(extraEnv = {}, options = {}) {
    const port = await this.services.anyFreePort();
    const url = `http://127.0.0.1:${port}`;
    const self = options.publicUrlIsSelf ? { PUBLIC_URL: url } : {};
    const child = this.track(
      startProcess(options.name ?? 'api', ENTRY.api, { ...this.env, PORT: String(port), ...self, ...extraEnv }, options),
    );
    await waitFor(
      'the API to answer /health/ready',
      async () => {
        if (!running(child)) throw new Error(`the API exited before it was ready:\n${child.tail()}`);
        const res = await request(url, 'GET', '/health/ready', { timeoutMs: 2_000 }).catch(() => undefined);
        return res?.status === 200;
      },
      READY_TIMEOUT_MS,
      200,
    );
    return { child, url };
  }

  /**
   * The environment of worker `index` of `count` in a layout (docs/SENDING.md, "Worker layout"): `shared`, every
   * worker drains every queue; `split`, the last `eventWorkers` drain the provider events, callbacks, imports and
   * maintenance and the others the sends (`layoutQueues` of libs/config, as `npm start` does).
   */
  static workerLayoutEnv(layout, index, count, eventWorkers = 1) {
    const { layoutQueues, parseWorkerLayout } = workerLayout();
    const queues = layoutQueues(parseWorkerLayout('--layout', layout), index, count, eventWorkers);
    return queues === undefined ? {} : { WORKER_QUEUES: queues };
  }

  /**
   * Starts a worker as `npm start` and docker-compose.yml do (with WORKER_NODE_ARGS); its BullMQ workers take
   * jobs as soon as Nest has built it, ≈ 1 s.
   */
  async startWorker(extraEnv = {}, options = {}) {
    const nodeArgs = [...WORKER_NODE_ARGS, ...(options.nodeArgs ?? [])];
    const child = this.track(
      startProcess(options.name ?? 'worker', ENTRY.worker, { ...this.env, ...extraEnv }, { ...options, nodeArgs }),
    );
    await Promise.race([sleep(options.settleMs ?? 1_500), child.exited]);
    if (!running(child)) throw new Error(`the worker exited at start:\n${child.tail()}`);
    return child;
  }

  /** Starts the Cloud API simulator on a free port; resolves { child, url }. */
  async startSimulator(extraEnv = {}) {
    return startSimulator(extraEnv, (child) => this.track(child));
  }

  /** A pg Pool on the benchmark's database (closed by cleanup). */
  pg(max = 4) {
    const { Pool } = requireFromRoot('pg');
    const pool = new Pool({ connectionString: this.databaseUrl, max });
    pool.on('error', () => undefined); // a restarted Postgres drops idle clients; queries report their own errors
    this.closers.push(() => pool.end());
    return pool;
  }

  /** An ioredis client on the benchmark's Redis (closed by cleanup). */
  redisClient() {
    const { Redis } = requireFromRoot('ioredis');
    const client = new Redis(this.redis.url, { maxRetriesPerRequest: 3 });
    client.on('error', () => undefined);
    this.closers.push(() => client.disconnect());
    return client;
  }

  /** Bytes Redis reports as used_memory. */
  async redisUsedMemory(client) {
    const info = await client.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
  }

  async deleteRedisKeys() {
    const { Redis } = requireFromRoot('ioredis');
    const redis = new Redis(this.redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.redisPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }

  async cleanup() {
    this.cleaning ??= (async () => {
      await Promise.all([...this.children].map((c) => stopProcess(c)));
      for (const close of this.closers.splice(0)) await Promise.resolve(close()).catch(() => undefined);
      if (this.keep) {
        if (this.dbCreated) this.say(`kept database ${this.database} and Redis prefix ${this.redisPrefix} (--keep)`);
        return;
      }
      if (this.redis) await this.deleteRedisKeys().catch((e) => this.say(`could not delete Redis keys: ${e.message}`));
      if (this.dbCreated)
        await this.services
          .dropDatabase(this.postgres.url, this.database)
          .catch((e) => this.say(`could not drop ${this.database}: ${e.message}`));
      await this.redis?.stop();
      await this.postgres?.stop();
      // A private server may have put its data elsewhere (the postgres OS user cannot enter a private /tmp).
      const dataDir = this.privatePostgres && this.postgres?.logFile?.replace(/\.log$/, '');
      if (dataDir) for (const p of [dataDir, this.postgres.logFile]) rmSync(p, { recursive: true, force: true });
      if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    })();
    return this.cleaning;
  }
}

/**
 * Runs `main(bench)` and exits: 0 when it returns true, 1 when it returns false or throws. Always cleans up.
 */
export async function runBench(bench, main) {
  let ok = false;
  try {
    ok = await main(bench);
  } catch (error) {
    bench.say(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await bench.cleanup();
  }
  process.exit(ok ? 0 : 1);
}

/** The worker layouts as `npm start` lays them out (libs/config, worker-layout.util), read from the build when used. */
let workerLayoutUtil;
const workerLayout = () => (workerLayoutUtil ??= requireFromRoot(dist('libs/config/src/worker-layout.util.js')));
/** The split layout's two halves, as WORKER_QUEUES values. */
export const splitQueues = () => ({ sending: workerLayout().SENDING_QUEUES.join(','), events: workerLayout().EVENT_QUEUES.join(',') });

// ------------------------------------------------------------------------------------- CPU profile summary

/**
 * Self costs (CPU microseconds, or bytes allocated) added up by function and by package or area, from V8 profile
 * frames (`callFrame`): what summariseProfiles and summariseAllocations rank.
 */
class FrameTally {
  fns = new Map();
  pkgs = new Map();
  total = 0;

  add({ functionName, url, lineNumber }, cost) {
    this.total += cost;
    const where = url.replace(/^file:\/\//, '').replace(`${root}/`, '');
    const key = `${functionName || '(anonymous)'}  ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
    this.fns.set(key, (this.fns.get(key) ?? 0) + cost);
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ??
      (where.startsWith('node:')
        ? 'node (core)'
        : where.startsWith('dist/')
          ? where.split('/').slice(1, 3).join('/')
          : functionName.startsWith('(')
            ? functionName
            : where || '(native)');
    this.pkgs.set(pkg, (this.pkgs.get(pkg) ?? 0) + cost);
  }

  /** The `n` largest of `by` ('fns' or 'pkgs'), each as `show(cost)`, its share of the total and its name. */
  rank(by, n, show) {
    return [...this[by]]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, cost]) => `    ${show(cost)}  ${fmt((100 * cost) / this.total).padStart(5)} %  ${k}`);
  }
}

/**
 * What a sampling allocation profile (bench/lib/alloc-profile.mjs) says: bytes allocated in all and per `unit` (e.g.
 * per send), by package or area and by function (self), as summariseProfiles does for CPU.
 */
export function summariseAllocations(file, units, unit, top = 20) {
  if (!existsSync(file)) return `no allocation profile at ${file}`;
  const tally = new FrameTally();
  const walk = (node) => {
    if (node.selfSize > 0) tally.add(node.callFrame, node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(JSON.parse(readFileSync(file, 'utf8')).head);
  const show = (bytes) => `${fmt(bytes / units, 0).padStart(8)} B/${unit}`;
  return [
    `  ${fmt(tally.total / 1e6, 0)} MB allocated (sampled), ${fmt(tally.total / units, 0)} bytes per ${unit}`,
    '   by package / area (self):',
    ...tally.rank('pkgs', 12, show),
    `   top ${top} functions (self):`,
    ...tally.rank('fns', top, show),
  ].join('\n');
}

/** Self time per function (and per package) of the .cpuprofile files in `dir`. */
export function summariseProfiles(dir, top = 20) {
  if (!existsSync(dir)) return `no profile in ${dir}`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const out = [];
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    for (let k = 0; k < profile.samples.length; k++) {
      self.set(profile.samples[k], (self.get(profile.samples[k]) ?? 0) + (profile.timeDeltas[k] ?? 0));
    }
    const tally = new FrameTally();
    let idle = 0;
    for (const [id, us] of self) {
      const { callFrame } = byId.get(id);
      if (callFrame.functionName === '(idle)') idle += us;
      else tally.add(callFrame, us);
    }
    const show = (us) => `${fmt(us / 1000, 0).padStart(8)} ms`;
    out.push(`  ${file}: ${fmt(tally.total / 1e6, 2)} s on CPU, ${fmt(idle / 1e6, 2)} s idle`);
    out.push('   by package / area (self time):', ...tally.rank('pkgs', 12, show));
    out.push(`   top ${top} functions (self time):`, ...tally.rank('fns', top, show));
  }
  return out.join('\n');
}
