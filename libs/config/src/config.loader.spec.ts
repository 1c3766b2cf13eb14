import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from './config.error';
import { loadApiConfig, loadCoreConfig, loadWorkerConfig, readEnvironment } from './config.loader';
import { VARIABLES } from './config.variables';

const VALID = {
  DATABASE_URL: 'postgres://herald:secret@127.0.0.1:5432/herald',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ADMIN_TOKEN: 'a-long-enough-admin-token',
  BULL_BOARD_USER: 'admin',
  BULL_BOARD_PASSWORD: 'board-password',
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
};

function failure(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadApiConfig', () => {
  it('accepts a complete environment and applies defaults', () => {
    const config = loadApiConfig(VALID);
    expect(config.port).toBe(3000);
    expect(config.nodeEnv).toBe('development');
    expect(config.httpBodyLimitBytes).toBe(1024 * 1024);
    expect(config.webhookBodyLimitBytes).toBe(8 * 1024 * 1024);
    expect(config.secretsKey).toHaveLength(32);
    expect(config.redisPrefix).toBe('herald');
    expect(config.callbackRetentionDays).toBe(30);
    expect([config.callbackAllowPrivateUrls, config.mediaAllowPrivateUrls]).toEqual([false, false]);
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: undefined }, /DATABASE_URL is missing/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x/y' }, /DATABASE_URL must start with postgres: or postgresql:/],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    ['REDIS_URL', { REDIS_URL: 'http://localhost' }, /REDIS_URL must start with redis: or rediss:/],
    ['PORT', { PORT: 'eighty' }, /PORT must be a whole number/],
    ['PORT', { PORT: '70000' }, /PORT must be between 0 and 65535/],
    ['ADMIN_TOKEN', { ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 16 characters/],
    ['ADMIN_TOKEN', { ADMIN_TOKEN: '' }, /ADMIN_TOKEN is missing/],
    ['SECRETS_KEY', { SECRETS_KEY: 'abc' }, /SECRETS_KEY must be 32 bytes/],
    ['NODE_ENV', { NODE_ENV: 'staging' }, /NODE_ENV must be development, test or production/],
    ['HTTP_BODY_LIMIT', { HTTP_BODY_LIMIT: 'lots' }, /HTTP_BODY_LIMIT must be a size/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    ['REDIS_PREFIX', { REDIS_PREFIX: 'a b' }, /REDIS_PREFIX may hold only/],
    ['CALLBACK_RETENTION_DAYS', { CALLBACK_RETENTION_DAYS: '0' }, /CALLBACK_RETENTION_DAYS must be between 1 and 3650/],
    ['CALLBACK_RETENTION_DAYS', { CALLBACK_RETENTION_DAYS: '7.5' }, /CALLBACK_RETENTION_DAYS must be a whole number/],
  ])('refuses a bad %s with one line naming it', (variable, override, message) => {
    const error = failure(() => loadApiConfig({ ...VALID, ...override }));
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('takes a 64-hex-digit SECRETS_KEY as well as base64', () => {
    expect(loadApiConfig({ ...VALID, SECRETS_KEY: 'ab'.repeat(32) }).secretsKey).toEqual(Buffer.alloc(32, 0xab));
  });
});

describe('roles', () => {
  it('asks the worker and the CLI only for what they use', () => {
    const { ADMIN_TOKEN: _a, BULL_BOARD_USER: _u, BULL_BOARD_PASSWORD: _p, ...workerEnv } = VALID;
    expect(loadWorkerConfig(workerEnv).shutdownGraceMs).toBe(30_000);
    expect(loadWorkerConfig({ ...workerEnv, CALLBACK_RETENTION_DAYS: '7' }).callbackRetentionDays).toBe(7);
    // Both fetch header media from users' URLs (templates in the API, campaign images in the worker).
    expect(loadWorkerConfig({ ...workerEnv, MEDIA_ALLOW_PRIVATE_URLS: 'true' }).mediaAllowPrivateUrls).toBe(true);
    expect(loadApiConfig({ ...VALID, MEDIA_ALLOW_PRIVATE_URLS: 'true' }).mediaAllowPrivateUrls).toBe(true);
    expect(failure(() => loadApiConfig({ ...VALID, MEDIA_ALLOW_PRIVATE_URLS: 'yes please' })).variable).toBe('MEDIA_ALLOW_PRIVATE_URLS');
    const { SECRETS_KEY: _s, ...cliEnv } = workerEnv;
    expect(loadCoreConfig(cliEnv).databaseUrl).toBe(VALID.DATABASE_URL);
    expect(failure(() => loadWorkerConfig(cliEnv)).variable).toBe('SECRETS_KEY');
  });
});

describe('WORKER_QUEUES', () => {
  const { ADMIN_TOKEN: _a, BULL_BOARD_USER: _u, BULL_BOARD_PASSWORD: _p, ...workerEnv } = VALID;

  it('drains every queue when it is not set or empty', () => {
    const all = ['maintenance', 'imports', 'messages', 'webhooks', 'campaigns', 'callbacks'];
    expect(loadWorkerConfig(workerEnv).workerQueues).toEqual(all);
    expect(loadWorkerConfig({ ...workerEnv, WORKER_QUEUES: ' , ' }).workerQueues).toEqual(all);
  });

  it('takes a list in any case, with spaces and repeats', () => {
    expect(loadWorkerConfig({ ...workerEnv, WORKER_QUEUES: 'Campaigns, messages,campaigns' }).workerQueues).toEqual(['campaigns', 'messages']);
  });

  it('refuses a name that is not a queue, naming the queues', () => {
    const error = failure(() => loadWorkerConfig({ ...workerEnv, WORKER_QUEUES: 'campaigns,status' }));
    expect(error.variable).toBe('WORKER_QUEUES');
    expect(error.message).toBe(
      'WORKER_QUEUES names no queue: "status" (the queues: maintenance, imports, messages, webhooks, campaigns, callbacks)',
    );
  });
});

describe('readEnvironment', () => {
  it('reads .env underneath the real environment, which wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
    writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=debug\n');
    const env = readEnvironment({ PORT: '5000' }, dir);
    expect(env.PORT).toBe('5000');
    expect(env.LOG_LEVEL).toBe('debug');
  });
});

describe('.env.example', () => {
  it('documents every variable Herald reads', () => {
    const example = readFileSync(resolve(process.cwd(), '.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const missing = VARIABLES.map((v) => v.name).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });
});
