import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { FALLBACK_DATA_ROOT } from './local-services.constants';
import { relocatedBinariesDir } from './local-data.util';
import { reachableBinaries } from './postgres.service';

/** The PostgreSQL OS user, when there is one (the copy is for the user root runs PostgreSQL as). */
function postgresUser(): { user: string; uid: number; gid: number } | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { user: 'postgres', uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;

// Only root runs PostgreSQL as another user, and only that user may be unable to reach a private checkout: elsewhere
// there is nothing to copy (CI and `npm test` run as root here).
(runAs ? describe : describe.skip)('reachableBinaries: binaries in a directory the postgres user cannot reach', () => {
  let installDir = '';
  afterAll(async () => {
    if (installDir) await rm(relocatedBinariesDir(installDir, 15), { recursive: true, force: true });
  });

  it('copies them once, whole, when two starts ask together; the second uses the first one’s copy', async () => {
    const privateDir = await mkdtemp(path.join(os.tmpdir(), 'herald-private-')); // 0700: the postgres user cannot enter
    installDir = path.join(privateDir, 'postgres');
    await mkdir(path.join(installDir, 'bin'), { recursive: true });
    for (const name of ['postgres', 'initdb']) {
      const file = path.join(installDir, 'bin', name);
      await writeFile(file, '#!/bin/sh\necho "postgres (PostgreSQL) 15.0"\n');
      await chmod(file, 0o755);
    }
    // Files enough to make a copy take a moment, so the two overlap.
    for (let i = 0; i < 200; i++) await writeFile(path.join(installDir, `lib-${i}.so`), Buffer.alloc(64 * 1024, i));
    const binaries = { source: 'test', postgres: path.join(installDir, 'bin', 'postgres'), initdb: path.join(installDir, 'bin', 'initdb'), major: 15 };
    const copy = relocatedBinariesDir(installDir, 15);
    // A copy abandoned half-made by a start that was killed (its pid is gone), and one a live start is making.
    const deadPid = 4_194_000;
    expect(() => process.kill(deadPid, 0)).toThrow();
    const abandoned = `${copy}.partial-${deadPid}-00000000`;
    const underway = `${copy}.partial-${process.pid}-11111111`;
    await mkdir(abandoned, { recursive: true });
    await mkdir(underway, { recursive: true });
    const lines: string[] = [];
    try {
      const [first, second] = await Promise.all([0, 1].map(() => reachableBinaries(binaries, runAs!, (line) => lines.push(line))));
      expect(first).toEqual(second);
      expect(first!.postgres).toBe(path.join(copy, 'bin', 'postgres'));
      // The postgres user runs the copy, which holds every file once (nothing nested from a second copy into it).
      expect(execFileSync('su', ['-s', '/bin/sh', '-c', `"${first!.postgres}"`, runAs!.user], { encoding: 'utf8' })).toContain('PostgreSQL');
      expect((await readdir(copy)).sort()).toEqual([...Array.from({ length: 200 }, (_, i) => `lib-${i}.so`), 'bin'].sort());
      // Nothing half-made is left beside it but the live start's: the abandoned one is gone, and so are the two starts' own.
      expect((await readdir(FALLBACK_DATA_ROOT)).filter((name) => name.startsWith(`${path.basename(copy)}.partial-`))).toEqual([path.basename(underway)]);
      // A later start finds the copy and copies nothing.
      lines.length = 0;
      expect(await reachableBinaries(binaries, runAs!, (line) => lines.push(line))).toEqual(first);
      expect(lines).toEqual([]);
    } finally {
      await rm(privateDir, { recursive: true, force: true });
      await rm(underway, { recursive: true, force: true });
      await rm(abandoned, { recursive: true, force: true });
    }
  });
});
