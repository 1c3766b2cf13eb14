// Runs once before the whole suite: finds (or starts) Postgres and Redis, gives this run a database and a
// Redis key prefix of its own, applies the migrations with the real CLI, and exports the environment the
// specs read. `npm test` builds first; this file uses the build so it needs no TypeScript loader.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = process.cwd();
const services = createRequire(import.meta.url)(resolve(root, 'dist/libs/local-services/src/index.js'));

export default async function globalSetup() {
  const log = (line) => process.stderr.write(`[test setup] ${line}\n`);
  const postgres = await services.ensurePostgres({
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    dataDir: resolve(root, '.data/postgres'),
    database: 'postgres',
    log,
  });
  const redis = await services.ensureRedis({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    dataDir: resolve(root, '.data/redis'),
    log,
  });
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `herald_test_${run}`;
  await services.ensureDatabase(postgres.url, database);

  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: services.withDatabase(postgres.url, database),
    REDIS_URL: redis.url,
    REDIS_PREFIX: `herald-test-${run}`,
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    BULL_BOARD_USER: 'board',
    BULL_BOARD_PASSWORD: randomBytes(12).toString('base64url'),
    SECRETS_KEY: randomBytes(32).toString('base64'),
    HERALD_ENV_FILE: resolve(root, 'test/support/no-such.env'),
    // A developer's `npm start` leaves .data/stack.env in the checkout: the tests' processes must not read it.
    HERALD_STACK_FILE: resolve(root, 'test/support/no-such-stack.env'),
    HERALD_TEST_ADMIN_DATABASE_URL: postgres.url,
  });

  const migrate = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'migration', 'run'], { env: process.env, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  globalThis.__HERALD_SERVICES__ = { postgres, redis, database };
}
