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
  it('reads a file saved in another encoding with --encoding, and a UTF-16 file by its byte order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('number,name\n+447400790101,Jörg Ødegård\n', 'latin1'));
    const utf16 = join(dir, 'unicode.txt');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('number,name\n+447400790102,Zoë\n', 'utf16le')]));
    const a = cli('import', 'contacts', latin1, '--audience', 'cli-enc', '--name', 'CLI encodings', '--encoding', 'latin1', '--workspace', ws.id);
    const b = cli('import', 'contacts', utf16, '--audience', 'cli-enc', '--workspace', ws.id);
    expect([a.status, a.stdout]).toEqual([0, expect.stringContaining('1 imported')]);
    expect(a.stderr).toMatch(/100% \| 1 rows/);
    expect([b.status, b.stdout]).toEqual([0, expect.stringContaining('1 imported')]);
    const contact = (n: string) => api.http.get(`/v1/contacts/${n}`).set('x-api-key', ws.apiKey);
    expect((await contact('+447400790101')).body.name).toBe('Jörg Ødegård');
    expect((await contact('+447400790102')).body.name).toBe('Zoë');
    const bad = cli('import', 'contacts', latin1, '--audience', 'cli-enc', '--encoding', 'klingon-8', '--workspace', ws.id);
    expect([bad.status, bad.stderr]).toEqual([64, expect.stringContaining('--encoding is not an encoding Herald can read')]);
  });
});
