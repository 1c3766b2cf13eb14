import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type ApiHarness } from './support/api-harness';

describe('npm run cli -- import contacts', () => {
  let api: ApiHarness;
  let ws: { id: string; apiKey: string };
  beforeAll(async () => {
    api = await startApi();
    ws = await api.createWorkspace('CLI import');
  });
  afterAll(() => api.close());

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/apps/cli/src/main.js', ...args], { env: process.env, encoding: 'utf8', timeout: 60_000 });

  it('imports a file with a progress bar and prints the summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    const file = join(dir, 'people.csv');
    const rows = Array.from({ length: 2000 }, (_, i) => `+4474007${String(100000 + i).slice(1)},Person ${i}`);
    rows[10] = 'garbage,Nobody';
    writeFileSync(file, `number,name\n${rows.join('\n')}\n`);

    const result = cli('import', 'contacts', file, '--audience', 'from-cli', '--name', 'From CLI', '--workspace', ws.id);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/100% \| 2,000 rows \| [\d,]+ rows\/s \| ETA \d+s \| done/);
    expect(result.stdout).toMatch(/completed in [\d.]+ s .*: 2000 rows read, 1999 imported, 0 updated, 1 invalid, 0 duplicates\./);
    expect(result.stdout).toContain('row 12 (garbage)');
  });

  it('explains what is wrong instead of importing', async () => {
    const missing = cli('import', 'contacts', '/no/such.csv', '--audience', 'x', '--workspace', ws.id);
    expect(missing.status).toBe(64);
    expect(missing.stderr).toContain('no such file');
    const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    const file = join(dir, 'x.csv');
    writeFileSync(file, 'number\n+447400700001\n');
    const unknown = cli('import', 'contacts', file, '--audience', 'nope', '--workspace', ws.id);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No audience with id "nope"');
    expect((await api.http.get('/v1/audiences/from-cli').set('x-api-key', ws.apiKey)).body.size).toBe(1999);
  });
});
