import { relative } from 'node:path';
import { ApiConfig, CallbacksConfig, CoreConfig, MediaFetchConfig, WorkerConfig, type ProcessRole } from './config.types';
import { readDotenvFile, readLocalStack, warnIfIgnored } from './local-stack.util';
import {
  parseBoolean,
  parseByteSize,
  parseInteger,
  parseKey32,
  parseKeywordList,
  parseQueueList,
  parseLogLevel,
  parseMinLength,
  parseName,
  parseNodeEnv,
  parsePattern,
  parseUrl,
  readVariable,
  VARIABLES,
} from './config.variables';

type Env = Record<string, string | undefined>;

/**
 * The environment a process sees: an optional `.env` file (in the working directory, or HERALD_ENV_FILE)
 * underneath the real environment, which always wins.
 */
export function readEnvironment(env: Env = process.env, cwd = process.cwd()): Env {
  return { ...readDotenvFile(env, cwd), ...env };
}

/**
 * What a worker or the CLI sees on a machine where `npm start` runs: `.env`, then the local stack file over it (the
 * addresses and secrets the running stack chose), then the real environment over both. Says on stderr which
 * variables came from the stack file, or why the file was ignored, so a worker that joined the local stack (or did
 * not) is not a mystery.
 */
export function readLocalEnvironment(role: ProcessRole, env: Env = process.env, cwd = process.cwd()): Env {
  const stack = readLocalStack(env, cwd);
  warnIfIgnored(stack, `herald-${role}`, cwd);
  const supplied = VARIABLES.filter((v) => v.roles.includes(role) && stack.values[v.name] !== undefined && env[v.name] === undefined).map((v) => v.name);
  if (supplied.length > 0) {
    const file = relative(cwd, stack.file) || stack.file;
    process.stderr.write(`herald-${role}: read ${supplied.join(', ')} from ${file} (written by npm start; the environment wins)\n`);
  }
  return readEnvironment({ ...stack.values, ...env }, cwd);
}

function callbacks(env: Env): CallbacksConfig {
  return {
    callbackAllowPrivateUrls: parseBoolean('CALLBACK_ALLOW_PRIVATE_URLS', readVariable(env, 'CALLBACK_ALLOW_PRIVATE_URLS')),
    callbackRetryBaseMs: parseInteger('CALLBACK_RETRY_BASE_MS', readVariable(env, 'CALLBACK_RETRY_BASE_MS'), 10, 3_600_000),
    callbackRetentionDays: parseInteger('CALLBACK_RETENTION_DAYS', readVariable(env, 'CALLBACK_RETENTION_DAYS'), 1, 3650),
  };
}

function mediaFetch(env: Env): MediaFetchConfig {
  return { mediaAllowPrivateUrls: parseBoolean('MEDIA_ALLOW_PRIVATE_URLS', readVariable(env, 'MEDIA_ALLOW_PRIVATE_URLS')) };
}

function core(env: Env): CoreConfig {
  return {
    nodeEnv: parseNodeEnv(readVariable(env, 'NODE_ENV')),
    logLevel: parseLogLevel(readVariable(env, 'LOG_LEVEL')),
    databaseUrl: parseUrl('DATABASE_URL', readVariable(env, 'DATABASE_URL'), ['postgres:', 'postgresql:']),
    databasePoolSize: parseInteger('DATABASE_POOL_SIZE', readVariable(env, 'DATABASE_POOL_SIZE'), 1, 200),
    redisUrl: parseUrl('REDIS_URL', readVariable(env, 'REDIS_URL'), ['redis:', 'rediss:']),
    redisPrefix: parseName('REDIS_PREFIX', readVariable(env, 'REDIS_PREFIX')),
    sendMaxAttempts: parseInteger('SEND_MAX_ATTEMPTS', readVariable(env, 'SEND_MAX_ATTEMPTS'), 1, 100),
    publicUrl: parseUrl('PUBLIC_URL', readVariable(env, 'PUBLIC_URL'), ['http:', 'https:']).replace(/\/+$/, ''),
  };
}

/** Validates everything the CLI needs; throws ConfigError naming the first bad variable. */
export function loadCoreConfig(env: Env = readLocalEnvironment('cli')): CoreConfig {
  return Object.freeze(core(env));
}

export function loadApiConfig(env: Env = readEnvironment()): ApiConfig {
  return Object.freeze({
    ...core(env),
    ...callbacks(env),
    ...mediaFetch(env),
    port: parseInteger('PORT', readVariable(env, 'PORT'), 0, 65535),
    adminToken: parseMinLength('ADMIN_TOKEN', readVariable(env, 'ADMIN_TOKEN'), 16),
    bullBoardUser: parseMinLength('BULL_BOARD_USER', readVariable(env, 'BULL_BOARD_USER'), 1),
    bullBoardPassword: parseMinLength('BULL_BOARD_PASSWORD', readVariable(env, 'BULL_BOARD_PASSWORD'), 8),
    secretsKey: parseKey32('SECRETS_KEY', readVariable(env, 'SECRETS_KEY')),
    httpBodyLimitBytes: parseByteSize('HTTP_BODY_LIMIT', readVariable(env, 'HTTP_BODY_LIMIT')),
    webhookBodyLimitBytes: parseByteSize('WEBHOOK_BODY_LIMIT', readVariable(env, 'WEBHOOK_BODY_LIMIT')),
    importMaxBytes: parseByteSize('IMPORT_MAX_BYTES', readVariable(env, 'IMPORT_MAX_BYTES'), { bytes: 16 * 1024 ** 3, label: '16gb' }),
    webhookApplyDelayMs: parseInteger('WEBHOOK_APPLY_DELAY_MS', readVariable(env, 'WEBHOOK_APPLY_DELAY_MS'), 20, 10_000),
    whatsappGraphVersion: parsePattern('WHATSAPP_GRAPH_VERSION', readVariable(env, 'WHATSAPP_GRAPH_VERSION'), /^v\d{1,3}\.\d{1,3}$/, 'a Graph API version like v26.0'),
  });
}

export function loadWorkerConfig(env: Env = readLocalEnvironment('worker')): WorkerConfig {
  return Object.freeze({
    ...core(env),
    ...callbacks(env),
    ...mediaFetch(env),
    secretsKey: parseKey32('SECRETS_KEY', readVariable(env, 'SECRETS_KEY')),
    workerConcurrency: parseInteger('WORKER_CONCURRENCY', readVariable(env, 'WORKER_CONCURRENCY'), 1, 1000),
    workerQueues: parseQueueList('WORKER_QUEUES', readVariable(env, 'WORKER_QUEUES')),
    shutdownGraceMs: parseInteger('WORKER_SHUTDOWN_GRACE_MS', readVariable(env, 'WORKER_SHUTDOWN_GRACE_MS'), 0, 3_600_000),
    revokedApiKeyRetentionDays: parseInteger(
      'REVOKED_API_KEY_RETENTION_DAYS',
      readVariable(env, 'REVOKED_API_KEY_RETENTION_DAYS'),
      1,
      3650,
    ),
    webhookFailedRetentionDays: parseInteger('WEBHOOK_FAILED_RETENTION_DAYS', readVariable(env, 'WEBHOOK_FAILED_RETENTION_DAYS'), 1, 3650),
    optOutKeywords: parseKeywordList('OPT_OUT_KEYWORDS', readVariable(env, 'OPT_OUT_KEYWORDS')),
    telegramChatMessagesPerSecond: parseInteger('TELEGRAM_CHAT_MESSAGES_PER_SECOND', readVariable(env, 'TELEGRAM_CHAT_MESSAGES_PER_SECOND'), 1, 30),
    metaAudioVideoPerSecond: parseInteger('META_AUDIO_VIDEO_PER_SECOND', readVariable(env, 'META_AUDIO_VIDEO_PER_SECOND'), 1, 300),
    providerTimeoutMs: parseInteger('PROVIDER_TIMEOUT_MS', readVariable(env, 'PROVIDER_TIMEOUT_MS'), 100, 300_000),
    providerConnections: parseInteger('PROVIDER_CONNECTIONS', readVariable(env, 'PROVIDER_CONNECTIONS'), 0, 100_000),
    sendUnconfirmedAfterSeconds: parseInteger('SEND_UNCONFIRMED_AFTER_SECONDS', readVariable(env, 'SEND_UNCONFIRMED_AFTER_SECONDS'), 10, 86_400),
    campaignChunkSize: parseInteger('CAMPAIGN_CHUNK_SIZE', readVariable(env, 'CAMPAIGN_CHUNK_SIZE'), 10, 10_000),
    campaignReconcileIntervalMs: parseInteger('CAMPAIGN_RECONCILE_INTERVAL_MS', readVariable(env, 'CAMPAIGN_RECONCILE_INTERVAL_MS'), 1_000, 600_000),
  });
}
