// Drops this run's database, deletes its Redis keys and stops any server the setup started.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = process.cwd();
const services = createRequire(import.meta.url)(resolve(root, 'dist/libs/local-services/src/index.js'));
const { Redis } = await import('ioredis');

export default async function globalTeardown() {
  const state = globalThis.__HERALD_SERVICES__;
  if (!state) return;
  const redis = new Redis(state.redis.url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.REDIS_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  await services.dropDatabase(state.postgres.url, state.database);
  await state.redis.stop();
  await state.postgres.stop();
}
