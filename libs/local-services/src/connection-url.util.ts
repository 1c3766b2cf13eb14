import { LOCAL_HOST, LOCAL_POSTGRES_PASSWORD, LOCAL_POSTGRES_USER } from './local-services.constants';

export interface PostgresUrlParts {
  port: number;
  database: string;
  host?: string;
  user?: string;
  password?: string;
}

/** `postgres://user:password@host:port/database`, with each part percent-encoded. */
export function buildPostgresUrl(parts: PostgresUrlParts): string {
  const user = encodeURIComponent(parts.user ?? LOCAL_POSTGRES_USER);
  const password = encodeURIComponent(parts.password ?? LOCAL_POSTGRES_PASSWORD);
  const host = formatHost(parts.host ?? LOCAL_HOST);
  return `postgres://${user}:${password}@${host}:${parts.port}/${encodeURIComponent(parts.database)}`;
}

export function buildRedisUrl(parts: { port: number; host?: string; db?: number }): string {
  const db = parts.db === undefined ? '' : `/${parts.db}`;
  return `redis://${formatHost(parts.host ?? LOCAL_HOST)}:${parts.port}${db}`;
}

/** The same Postgres URL (credentials, host, query) pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The database a Postgres URL names; like libpq, the user name when the path is empty. */
export function databaseNameOf(url: string): string {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (name) return name;
  return decodeURIComponent(parsed.username) || LOCAL_POSTGRES_USER;
}

/** The URL with its password replaced by `***`, for logs. Unparseable input is returned as `<invalid url>`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
