// Runs once before the whole suite: finds (or starts) Postgres and Redis, gives each of jest's workers (a "lane")
// a database and a Redis key prefix of its own, applies the migrations to each with the real CLI, and exports the
// environment the specs read (test/support/lane-env.ts picks the lane's). `npm test` builds first; this file uses
// the build so it needs no TypeScript loader.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = process.cwd();
const services = createRequire(import.meta.url)(resolve(root, 'dist/libs/local-services/src/index.js'));

export default async function globalSetup(globalConfig) {
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
  // One database per jest worker: spec files run side by side, and each sees only its own rows and keys.
  const lanes = Math.max(1, Number(globalConfig?.maxWorkers) || 1);
  const databases = Array.from({ length: lanes }, (_, i) => `herald_test_${run}_${i + 1}`);
  for (const database of databases) await services.ensureDatabase(postgres.url, database);
  const urls = databases.map((database) => services.withDatabase(postgres.url, database));

  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Lane 1's until lane-env.ts sets the worker's own (anything outside a spec file uses lane 1).
    DATABASE_URL: urls[0],
    HERALD_TEST_DATABASE_URLS: urls.join(' '),
    REDIS_URL: redis.url,
    REDIS_PREFIX: `herald-test-${run}`,
    HERALD_TEST_REDIS_PREFIX: `herald-test-${run}`,
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    BULL_BOARD_USER: 'board',
    BULL_BOARD_PASSWORD: randomBytes(12).toString('base64url'),
    SECRETS_KEY: randomBytes(32).toString('base64'),
    HERALD_ENV_FILE: resolve(root, 'test/support/no-such.env'),
    // A developer's `npm start` leaves .data/stack.env in the checkout: the tests' processes must not read it.
    HERALD_STACK_FILE: resolve(root, 'test/support/no-such-stack.env'),
    HERALD_TEST_ADMIN_DATABASE_URL: postgres.url,
  });

  try {
    await Promise.all(urls.map((url) => migrate(url)));
  } catch (error) {
    // jest runs no teardown after a failed setup: leave nothing behind.
    for (const database of databases) await services.dropDatabase(postgres.url, database).catch(() => undefined);
    await redis.stop();
    await postgres.stop();
    throw error;
  }

  globalThis.__HERALD_SERVICES__ = { postgres, redis, databases };
}

/** `herald migration run` against one database, as an operator would run it. */
function migrate(url) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', 'migration', 'run'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`migrations failed:\n${output}`))));
  });
}
