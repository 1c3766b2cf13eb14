// Drops this run's databases (one per lane), deletes its Redis keys (every lane's prefix extends the run's) and
// stops any server the setup started.
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
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.HERALD_TEST_REDIS_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  for (const database of state.databases) await services.dropDatabase(state.postgres.url, database);
  await state.redis.stop();
  await state.postgres.stop();
}
