import { ConfigError } from './config.error';
import type { NodeEnv, ProcessRole } from './config.types';

type Env = Record<string, string | undefined>;

/**
 * Every environment variable Herald reads, with who needs it and what it means. This list is the single
 * source of truth: the loader validates against it and a test checks that `.env.example` documents each one.
 */
export interface VariableSpec {
  readonly name: string;
  readonly roles: readonly ProcessRole[];
  /** Required when no default exists (in every mode). */
  readonly default?: string;
  readonly secret?: boolean;
  readonly description: string;
}

const ALL: readonly ProcessRole[] = ['api', 'worker', 'cli'];

export const VARIABLES: readonly VariableSpec[] = [
  { name: 'NODE_ENV', roles: ALL, default: 'development', description: 'development | test | production. In production nothing is generated and every secret must be set.' },
  { name: 'LOG_LEVEL', roles: ALL, default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace or silent.' },
  { name: 'DATABASE_URL', roles: ALL, description: 'PostgreSQL connection URL, e.g. postgres://user:pass@127.0.0.1:5432/herald.' },
  { name: 'DATABASE_POOL_SIZE', roles: ALL, default: '10', description: 'Connections each process keeps open to PostgreSQL (1-200).' },
  { name: 'REDIS_URL', roles: ALL, description: 'Redis connection URL, e.g. redis://127.0.0.1:6379. Use maxmemory-policy noeviction.' },
  { name: 'REDIS_PREFIX', roles: ALL, default: 'herald', description: 'Prefix of every queue key in Redis (letters, digits, -, _).' },
  { name: 'PORT', roles: ['api'], default: '3000', description: 'TCP port of the HTTP API.' },
  { name: 'PUBLIC_URL', roles: ALL, default: 'http://localhost:3000', description: "The API's address as recipients reach it (http(s), no path): tracked links become <PUBLIC_URL>/l/<code>." },
  { name: 'ADMIN_TOKEN', roles: ['api'], secret: true, description: 'Operator token for POST /v1/workspaces (header x-admin-token); at least 16 characters.' },
  { name: 'BULL_BOARD_USER', roles: ['api'], description: 'HTTP basic-auth user for the queue dashboard at /admin/queues.' },
  { name: 'BULL_BOARD_PASSWORD', roles: ['api'], secret: true, description: 'HTTP basic-auth password for /admin/queues; at least 8 characters.' },
  { name: 'SECRETS_KEY', roles: ['api', 'worker'], secret: true, description: 'Key that encrypts secrets at rest (AES-256-GCM): 32 bytes as base64 or 64 hex digits. Never change it without re-encrypting.' },
  { name: 'HTTP_BODY_LIMIT', roles: ['api'], default: '1mb', description: 'Largest JSON request body the API accepts (e.g. 512kb, 1mb); larger bodies get 413.' },
  { name: 'WEBHOOK_BODY_LIMIT', roles: ['api'], default: '8mb', description: "Largest provider webhook POST the API accepts (/webhooks/…): Meta batches up to 1,000 updates in one, and a refused batch is retried, then dropped; larger bodies get 413." },
  { name: 'IMPORT_MAX_BYTES', roles: ['api'], default: '1gb', description: 'Largest CSV file one import may upload (e.g. 200mb, 1gb); larger uploads get 413.' },
  { name: 'WORKER_CONCURRENCY', roles: ['worker'], default: '10', description: 'Jobs one worker process runs at once per queue (1-1000).' },
  { name: 'WORKER_QUEUES', roles: ['worker'], default: '', description: 'Queues this worker process drains, comma-separated: campaigns, messages, webhooks, callbacks, imports, maintenance; empty = all of them. At high rates run the sending queues (campaigns,messages) in processes apart from the rest, so applying statuses and posting callbacks never delays a send (docs/SENDING.md, "Worker layout"). Every queue needs at least one process that drains it.' },
  { name: 'WORKER_SHUTDOWN_GRACE_MS', roles: ['worker'], default: '30000', description: 'On SIGTERM/SIGINT, how long active jobs may run to completion before the worker gives them back and exits.' },
  { name: 'WEBHOOK_APPLY_DELAY_MS', roles: ['api'], default: '1000', description: 'How long a stored provider webhook may wait for the job that applies it, so that the statuses of one message arriving close together (sent, then delivered) are applied as one change to its row. 20-10000 ms; statuses appear in the API up to this much later.' },
  { name: 'WHATSAPP_GRAPH_VERSION', roles: ['api'], default: 'v26.0', description: 'Graph API version of a new channel whose graphBaseUrl is not given: https://graph.facebook.com/<version>.' },
  { name: 'OPT_OUT_KEYWORDS', roles: ['worker'], default: 'STOP,STOP ALL,UNSUBSCRIBE,CANCEL,END,QUIT,OPT OUT,OPTOUT,STOPP,ARRET,ARRÊT,DESABONNER,BAJA,DETENER,PARAR,CANCELAR,SAIR,ABMELDEN,ANNULLA,BASTA,RUKO,BAND', description: 'Comma-separated inbound texts (whole message, any case) that opt the sender out of marketing.' },
  { name: 'TELEGRAM_CHAT_MESSAGES_PER_SECOND', roles: ['worker'], default: '1', description: "Messages a second into one Telegram chat (its Bots FAQ: about one; short bursts are tolerated, then 429s). 1-30." },
  { name: 'META_AUDIO_VIDEO_PER_SECOND', roles: ['worker'], default: '10', description: "Audio and video sends a second per Messenger Page or Instagram account (Meta's Send API limit; text goes at the channel's rate). 1-300." },
  { name: 'PROVIDER_TIMEOUT_MS', roles: ['worker'], default: '15000', description: 'Timeout of one request to the provider (Graph API); a timeout is a transient failure.' },
  { name: 'PROVIDER_CONNECTIONS', roles: ['worker'], default: '0', description: 'Upper bound on connections each worker process opens per provider origin; 0 = no bound: it opens what the sends in flight need (rate x latency, e.g. 1000 msg/s at 250 ms = 250) and closes them after 30 s idle. A bound caps each origin at bound / latency msg/s (64 at 250 ms = 256 msg/s): set one only for a file-descriptor or firewall limit.' },
  { name: 'SEND_MAX_ATTEMPTS', roles: ALL, default: '8', description: 'Tries of one message on transient failures (exponential backoff from 1 s) before it is marked failed.' },
  { name: 'SEND_UNCONFIRMED_AFTER_SECONDS', roles: ['worker'], default: '120', description: 'A send left "sending" (a crashed worker, no answer) with no provider status since is sent again no sooner than this long after its request was surely over (its worker gone), on evidence the provider never got it: webhooks received after that, Herald\'s API up all that time, none missing of the sends around it (else it waits, and fails "unconfirmed" at the end of its validity).' },
  { name: 'CAMPAIGN_CHUNK_SIZE', roles: ['worker'], default: '1000', description: 'Recipients per chunk job of a campaign run (Redis holds one job per chunk, never one per recipient).' },
  { name: 'CAMPAIGN_RECONCILE_INTERVAL_MS', roles: ['worker'], default: '10000', description: 'How often campaign work is rebuilt from Postgres: lost jobs, in-doubt sends, template states, finished runs; single messages\' lost work is looked for as often (at most every 30 s).' },
  { name: 'CALLBACK_ALLOW_PRIVATE_URLS', roles: ['api', 'worker'], default: 'false', description: 'true lets callback URLs (webhook endpoints, per-send callbackUrl) point at loopback, private (RFC 1918, ULA), link-local, CGNAT and metadata addresses. Leave false in production: it is the SSRF guard. The local stack and the tests set it to true.' },
  { name: 'MEDIA_ALLOW_PRIVATE_URLS', roles: ['api', 'worker'], default: 'false', description: "true lets media Herald fetches from a URL a user gives (a template's media header url, a campaign's imgUrl: the API and the worker fetch them to upload to Meta) come from loopback, private (RFC 1918, ULA), link-local, CGNAT and metadata addresses, named by the URL, by a redirect or by what a name resolves to. Leave false in production: it is the SSRF guard (such a URL is refused with 400 header_media_unreadable, or the campaign's template is rejected). The local stack and the tests set it to true." },
  { name: 'CALLBACK_RETRY_BASE_MS', roles: ['api', 'worker'], default: '5000', description: 'First retry delay of a failed callback delivery; each retry doubles it (capped at 1 h, full jitter) for 24 h. Lower only for tests.' },
  { name: 'CALLBACK_RETENTION_DAYS', roles: ['api', 'worker'], default: '30', description: 'Finished callback deliveries (delivered or failed) are deleted this many days after their last attempt, with their events once no delivery of theirs is left; pending deliveries are kept whatever their age (1-3650).' },
  { name: 'WEBHOOK_FAILED_RETENTION_DAYS', roles: ['worker'], default: '30', description: "Provider webhook events set aside because they could not be applied (GET /v1/channels/:id/failed-webhook-events) are deleted this many days after (1-3650)." },
  { name: 'REVOKED_API_KEY_RETENTION_DAYS', roles: ['worker'], default: '90', description: 'Revoked API keys are deleted this many days after revocation.' },
];

/** Reads one variable: the environment value, else its default, else a ConfigError if required. */
export function readVariable(env: Env, name: string): string {
  const spec = VARIABLES.find((v) => v.name === name);
  if (!spec) throw new Error(`unknown configuration variable ${name}`);
  const raw = env[name];
  const value = raw === undefined || raw.trim() === '' ? spec.default : raw.trim();
  if (value === undefined) throw new ConfigError(name, `is missing: ${spec.description}`);
  return value;
}

export function parseNodeEnv(value: string): NodeEnv {
  if (value === 'development' || value === 'test' || value === 'production') return value;
  throw new ConfigError('NODE_ENV', `must be development, test or production (got "${value}")`);
}

export function parseInteger(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number (got "${value}")`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${n})`);
  return n;
}

export function parseUrl(name: string, value: string, protocols: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a valid URL (expected ${protocols.map((p) => `${p}//…`).join(' or ')})`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')} (got "${url.protocol}")`);
  }
  if (!url.hostname) throw new ConfigError(name, 'has no host');
  return value;
}

/** Accepts a 32-byte key as 64 hex digits or base64 / base64url. */
export function parseKey32(name: string, value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(value) && !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value))) {
    throw new ConfigError(name, `must be 32 bytes as base64 or 64 hex digits (got ${key.length} bytes); generate one with: openssl rand -base64 32`);
  }
  return key;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseByteSize(name: string, value: string, max: { bytes: number; label: string } = { bytes: 100 * 1024 ** 2, label: '100mb' }): number {
  const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(value);
  if (!m) throw new ConfigError(name, `must be a size like 512kb or 1mb (got "${value}")`);
  const bytes = Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!;
  if (bytes < 1024 || bytes > max.bytes) throw new ConfigError(name, `must be between 1kb and ${max.label} (got "${value}")`);
  return bytes;
}

export function parseMinLength(name: string, value: string, min: number): string {
  if (value.length < min) throw new ConfigError(name, `must be at least ${min} characters long`);
  return value;
}

export function parseName(name: string, value: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new ConfigError(name, `may hold only letters, digits, - and _ (got "${value}")`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseLogLevel(value: string): string {
  if (!LOG_LEVELS.includes(value)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  return value;
}

export function parsePattern(name: string, value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new ConfigError(name, `must be ${what} (got "${value.slice(0, 40)}")`);
  return value;
}

export function parseBoolean(name: string, value: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(name, `must be true or false (got "${value.slice(0, 20)}")`);
}

/** The queues a worker process can drain (the values of @herald/queues' QueueName; a spec keeps the two equal). */
export const WORKER_QUEUE_NAMES = ['maintenance', 'imports', 'messages', 'webhooks', 'campaigns', 'callbacks'] as const;
export type WorkerQueueName = (typeof WORKER_QUEUE_NAMES)[number];

/** A comma-separated list of queue names; empty (or only commas and spaces) = every queue. */
export function parseQueueList(name: string, value: string): WorkerQueueName[] {
  const names = value
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q !== '');
  if (names.length === 0) return [...WORKER_QUEUE_NAMES];
  const unknown = names.filter((q) => !(WORKER_QUEUE_NAMES as readonly string[]).includes(q));
  if (unknown.length > 0) {
    throw new ConfigError(name, `names no queue: ${unknown.map((q) => `"${q}"`).join(', ')} (the queues: ${WORKER_QUEUE_NAMES.join(', ')})`);
  }
  return [...new Set(names)] as WorkerQueueName[];
}

/** A comma-separated list of words or short phrases, compared upper-cased. */
export function parseKeywordList(name: string, value: string): string[] {
  const words = value
    .split(',')
    .map((w) => w.trim().toUpperCase())
    .filter((w) => w !== '');
  if (words.length === 0 || words.some((w) => w.length > 40)) throw new ConfigError(name, 'must list at least one keyword of at most 40 characters');
  return [...new Set(words)];
}
