import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from './support/api-harness';

describe('health and readiness', () => {
  let api: ApiHarness;
  let noRedis: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
    // Port 1 on loopback: nothing listens there, so Redis is unreachable for this app.
    noRedis = await startApi({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => {
    await api.close();
    await noRedis.close();
  });

  it('is live and ready when Postgres and Redis answer', async () => {
    expect((await api.http.get('/health')).body).toEqual({ status: 'ok' });
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { postgres: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('records from its start that it is up to receive status webhooks, one record per process, kept after it stops', async () => {
    // What the in-doubt rule reads (StatusReceivers): a send left without an answer while no API was up is not sent again.
    const db = api.app.get(DataSource);
    const upNow = async () =>
      ((await db.query(`SELECT (SELECT range_agg(tstzrange(started_at, seen_at + interval '20 seconds')) FROM status_receivers) @> now() AS up`)) as Array<{ up: boolean | null }>)[0]!.up;
    const rows = async () => Number(((await db.query('SELECT count(*) AS n FROM status_receivers')) as Array<{ n: string }>)[0]!.n);
    expect(await upNow()).toBe(true);
    const before = await rows();
    const other = await startApi();
    expect(await rows()).toBe(before + 1);
    await other.close();
    expect(await rows()).toBe(before + 1); // the rule judges past sends by its time
  });

  it('answers 503 naming Redis when Redis is unreachable, and stays live', async () => {
    const ready = await noRedis.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('not_ready');
    expect(ready.body.error.message).toMatch(/redis is down/);
    expect(ready.body.error.message).not.toMatch(/postgres/);
    expect(ready.body.error.details).toEqual([{ field: 'redis', issue: expect.any(String) }]);
    expect((await noRedis.http.get('/health')).status).toBe(200);
  });
});
