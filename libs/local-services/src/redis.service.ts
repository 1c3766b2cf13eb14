import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { buildRedisUrl, redactUrl } from './connection-url.util';
import {
  REDIS_STATE_FILE,
  DEFAULT_REDIS_PORT,
  PROBE_TIMEOUT_MS,
  REDIS_INSTALL_HINT,
  REDIS_START_TIMEOUT_MS,
  SERVER_STOP_TIMEOUT_MS,
} from './local-services.constants';
import type { EnsureRedisOptions, LocalServicesLog, ProbeResult, ServiceHandle } from './local-services.types';
import { findFreePort } from './port.util';
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
  type ServerProcess,
} from './server-process.util';

const REDIS_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin', '/opt/homebrew/bin', '/snap/bin'];
/** Written beside the data so a later start can reuse a server whose owner was killed outright. */
const STATE_FILE = REDIS_STATE_FILE;

/** Connects to `url` and sends PING; never throws. */
export async function pingRedis(url: string, timeoutMs: number = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  let client: Redis;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  let lastError: Error | undefined;
  client.on('error', (error: Error) => (lastError = error));
  try {
    await client.connect();
    const answer = await client.ping();
    return answer === 'PONG' ? { ok: true } : { ok: false, reason: `PING answered ${String(answer)}` };
  } catch (error) {
    // A refused connection rejects with "Connection is closed."; the 'error' event says why.
    const reason = lastError?.message || (error instanceof Error ? error.message : String(error));
    return { ok: false, reason: reason || 'connection failed' };
  } finally {
    // ioredis arms a 2 s timer when disconnecting an already closed connection; skip that case.
    if (client.status !== 'end') client.disconnect();
  }
}

/** `redis-server` on PATH or in the usual directories. */
export function findRedisServer(): Promise<string | undefined> {
  return findExecutable('redis-server', REDIS_DIRS);
}

/**
 * Resolves to a reachable REDIS_URL: `options.url` when it answers PING, else a `redis-server` started
 * here on 127.0.0.1 (port 6379 if free, else the next free one) with an append-only file in
 * `options.dataDir` and `noeviction`. Without a binary, as root on Debian/Ubuntu, installs Debian's
 * `redis-server` package first; otherwise fails with a one-line message saying how to get Redis.
 */
export async function ensureRedis(options: EnsureRedisOptions): Promise<ServiceHandle> {
  const log = options.log ?? noLog;
  if (options.url) {
    const probe = await pingRedis(options.url);
    if (probe.ok) {
      log(`using Redis at ${redactUrl(options.url)}`);
      return { url: options.url, startedHere: false, stop: async () => undefined };
    }
    if (options.startLocal === false) throw new Error(`Redis at ${redactUrl(options.url)} does not answer: ${probe.reason}`);
    log(`Redis at ${redactUrl(options.url)} does not answer (${probe.reason}); starting a local one instead`);
  } else if (options.startLocal === false) {
    throw new Error('REDIS_URL is not set (and starting a local Redis is disabled)');
  }

  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const running = await findRunningRedis(dataDir, log);
  if (running) return handle(running.server, running.port, dataDir, log);

  const binary = (await findRedisServer()) ?? (options.install === false ? undefined : await installRedis(log));
  if (!binary) throw new Error(`Redis is not installed: ${REDIS_INSTALL_HINT}`);

  const logFile = `${dataDir}.log`;
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort({ preferred: options.port ?? DEFAULT_REDIS_PORT });
    log(`starting ${binary} on 127.0.0.1:${port}; data in ${dataDir}, log in ${logFile}`);
    const server = await startServerProcess({
      name: 'Redis',
      file: binary,
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dataDir,
        '--appendonly',
        'yes',
        '--maxmemory-policy',
        'noeviction',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      logFile,
      stopSignal: 'SIGTERM',
    });
    const url = buildRedisUrl({ port });
    const outcome = await waitUntil(async () => (await pingRedis(url, 1_000)).ok, server, REDIS_START_TIMEOUT_MS);
    if (outcome === 'ready') {
      await writeFile(path.join(dataDir, STATE_FILE), JSON.stringify({ pid: server.pid, port }) + '\n');
      return handle(server, port, dataDir, log);
    }
    await server.stop(5_000);
    const tail = await logTail(logFile);
    if (outcome === 'exited' && attempt < 3 && /address already in use/i.test(tail)) continue;
    const why = outcome === 'exited' ? `it stopped (${server.exitDescription()})` : 'it did not answer in time';
    throw new Error(`Redis did not start: ${why}; last lines of ${logFile}: ${tail}`);
  }
}

/** Hands out a server started or taken over here (`server`), or one another live process owns (undefined). */
async function handle(
  server: ServerProcess | undefined,
  port: number,
  dataDir: string,
  log: LocalServicesLog,
): Promise<ServiceHandle> {
  const url = buildRedisUrl({ port });
  const logFile = `${dataDir}.log`;
  if (!server) return { url, startedHere: false, logFile, stop: async () => undefined };
  await claimServer(dataDir);
  let stopping: Promise<void> | undefined;
  return {
    url,
    startedHere: true,
    pid: server.pid,
    logFile,
    stop: () =>
      (stopping ??= (async () => {
        log('stopping Redis');
        await server.stop(SERVER_STOP_TIMEOUT_MS);
        await rm(path.join(dataDir, STATE_FILE), { force: true });
        await releaseServer(dataDir);
        log('Redis stopped');
      })()),
  };
}

/**
 * A server already running on `dataDir`: shared while the process that started it lives, taken over
 * (and stopped by this owner) when that process was killed outright.
 */
async function findRunningRedis(
  dataDir: string,
  log: LocalServicesLog,
): Promise<{ server: ServerProcess | undefined; port: number } | undefined> {
  let state: { pid?: unknown; port?: unknown };
  try {
    state = JSON.parse(await readFile(path.join(dataDir, STATE_FILE), 'utf8')) as typeof state;
  } catch {
    return undefined;
  }
  const { pid, port } = state;
  if (typeof pid !== 'number' || typeof port !== 'number') return undefined;
  if (!isProcessAlive(pid) || !(await processLooksLike(pid, 'redis'))) return undefined;
  if (!(await pingRedis(buildRedisUrl({ port }))).ok) return undefined;
  const owner = await liveOwnerOf(dataDir);
  if (owner) {
    log(`using the Redis on 127.0.0.1:${port} that process ${owner} started (it stays up after this one)`);
    return { server: undefined, port };
  }
  log(`taking over the Redis left running on 127.0.0.1:${port} (pid ${pid}); data in ${dataDir}`);
  return { server: adoptServerProcess(pid, 'SIGTERM'), port };
}

/** As root on Debian/Ubuntu: `apt-get install redis-server`. Throws a one-line message when it cannot. */
async function installRedis(log: LocalServicesLog): Promise<string> {
  const aptGet = process.platform === 'linux' ? await findExecutable('apt-get', ['/usr/bin']) : undefined;
  if (!aptGet || !isRoot()) throw new Error(`Redis is not installed: ${REDIS_INSTALL_HINT}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log('Redis is not installed: installing the redis-server package with apt-get (this takes a minute)');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'redis-server']]) {
    const result = await runCommand(aptGet, args, { env });
    if (result.code !== 0) {
      const reason = (result.stderr.trim().split('\n').pop() ?? '').trim() || `exit code ${result.code}`;
      throw new Error(`Redis is not installed and \`apt-get ${args[0]}\` failed (${reason}): ${REDIS_INSTALL_HINT}`);
    }
  }
  const binary = await findRedisServer();
  if (!binary) throw new Error(`Redis is not installed (apt-get installed no redis-server binary): ${REDIS_INSTALL_HINT}`);
  log(`installed ${binary}`);
  return binary;
}
