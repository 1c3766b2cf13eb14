/**
 * Runs before every spec file (jest `setupFiles`): points it at its jest worker's lane — the database and Redis key
 * prefix of its own that test/support/global-setup.mjs made — so spec files running side by side never see each
 * other's rows, queues or workers. Processes the specs start inherit it through `process.env`.
 */
const lane = Number(process.env.JEST_WORKER_ID ?? '1');
const urls = (process.env.HERALD_TEST_DATABASE_URLS ?? '').split(' ').filter(Boolean);
const url = urls[lane - 1];
if (url === undefined && urls.length > 0) throw new Error(`no test database for jest worker ${lane} (${urls.length} made)`);
if (url !== undefined) process.env.DATABASE_URL = url;
if (process.env.HERALD_TEST_REDIS_PREFIX) process.env.REDIS_PREFIX = `${process.env.HERALD_TEST_REDIS_PREFIX}-${lane}`;

export {};
