import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fallbackPostgresDataDir, processesUsingLocalData } from './local-data.util';

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
