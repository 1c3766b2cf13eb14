export const LOCAL_HOST = '127.0.0.1';

export const DEFAULT_POSTGRES_PORT = 5432;
export const DEFAULT_REDIS_PORT = 6379;
export const DEFAULT_DATABASE = 'herald';

/** Credentials of a Postgres server started here; it listens on 127.0.0.1 only. */
export const LOCAL_POSTGRES_USER = 'postgres';
export const LOCAL_POSTGRES_PASSWORD = 'postgres';
/** The OS user a Postgres server started by root runs as (Postgres refuses to run as root). */
export const POSTGRES_OS_USER = 'postgres';

/** How many ports after the preferred one are tried before asking the OS for any free port. */
export const PORT_SCAN_SPAN = 20;

export const PROBE_TIMEOUT_MS = 3_000;
export const POSTGRES_START_TIMEOUT_MS = 60_000;
export const REDIS_START_TIMEOUT_MS = 20_000;
export const SERVER_STOP_TIMEOUT_MS = 20_000;

/** In a Redis data directory started here: its pid and port, so the next start finds it (and `npm run reset` too). */
export const REDIS_STATE_FILE = 'herald-redis.json';

/** Directory for Postgres data when the requested one cannot be reached by the `postgres` OS user. */
export const FALLBACK_DATA_ROOT = '/var/lib/herald';

export const REDIS_INSTALL_HINT =
  'install Redis with `apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), ' +
  'or run `docker compose up -d redis` and set REDIS_URL=redis://127.0.0.1:6379';
