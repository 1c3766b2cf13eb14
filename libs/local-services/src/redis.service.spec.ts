import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ServiceHandle } from './local-services.types';
import { anyFreePort } from './port.util';
import { ensureRedis, findRedisServer, pingRedis } from './redis.service';

jest.setTimeout(30_000);

async function withClient<T>(url: string, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await work(client);
  } finally {
    client.disconnect();
  }
}

describe(pingRedis.name, () => {
  it('reports a port nobody listens on as not answering', async () => {
    const probe = await pingRedis(`redis://127.0.0.1:${await anyFreePort()}`, 1_000);
    expect(probe).toMatchObject({ ok: false, reason: expect.stringContaining('ECONNREFUSED') });
  });
});

// Starts a real redis-server in a temporary directory; needs the binary (none is installed by tests).
const redisServer = await findRedisServer();
(redisServer ? describe : describe.skip)(ensureRedis.name, () => {
  let dataDir: string;
  let server: ServiceHandle;

  beforeAll(async () => {
    dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'herald-local-redis-')), 'redis');
    server = await ensureRedis({ dataDir, port: 56_379, install: false });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('starts a server on 127.0.0.1 with an append-only file and no eviction', async () => {
    expect(server.startedHere).toBe(true);
    expect(server.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    await withClient(server.url, async (client) => {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
    });
  });

  it('uses a given URL that answers and starts nothing', async () => {
    const given = await ensureRedis({ url: server.url, dataDir: path.join(dataDir, 'unused') });
    expect(given).toMatchObject({ url: server.url, startedHere: false });
    await given.stop();
    expect((await pingRedis(server.url)).ok).toBe(true);
  });

  it('shares a server it finds running on the same data directory instead of starting another', async () => {
    const again = await ensureRedis({ dataDir, port: 56_379, install: false });
    expect(again).toMatchObject({ url: server.url, startedHere: false });
    await again.stop(); // the first handle owns the server
    expect((await pingRedis(server.url)).ok).toBe(true);
  });

  it('refuses a URL that does not answer when told not to start a server', async () => {
    const deadUrl = `redis://127.0.0.1:${await anyFreePort()}`;
    await expect(ensureRedis({ url: deadUrl, dataDir, startLocal: false })).rejects.toThrow(/does not answer/);
  });

  it('keeps data across a stop and a new start on the same directory', async () => {
    await withClient(server.url, (client) => client.set('herald:kept', 'still here'));
    await server.stop();
    expect((await pingRedis(server.url, 1_000)).ok).toBe(false);

    server = await ensureRedis({ dataDir, port: 56_379, install: false });
    expect(await withClient(server.url, (client) => client.get('herald:kept'))).toBe('still here');
  });
});
