import { describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCoreConfig, loadWorkerConfig, readLocalEnvironment } from './config.loader';
import { formatLocalStack, withLocalStack } from './local-stack.util';

const SECRETS_KEY = Buffer.alloc(32, 9).toString('base64');

/** A checkout whose `npm start` wrote `.data/stack.env`; returns its directory. */
function checkoutWithStack(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-stack-'));
  mkdirSync(join(dir, '.data'));
  writeFileSync(join(dir, '.data', 'stack.env'), text);
  return dir;
}

describe(withLocalStack.name, () => {
  it('fills what the environment lacks from the stack file, and the environment wins', () => {
    const dir = checkoutWithStack(formatLocalStack({ HERALD_URL: 'http://localhost:3000', HERALD_API_KEY: 'hrld_abc' }, ['npm start']));
    const env = withLocalStack({ HERALD_STACK_FILE: join(dir, '.data', 'stack.env'), HERALD_API_KEY: 'hrld_mine' });
    expect(env.HERALD_URL).toBe('http://localhost:3000');
    expect(env.HERALD_API_KEY).toBe('hrld_mine');
  });

  it('returns the environment unchanged without a stack file', () => {
    const env = { HERALD_STACK_FILE: '/nonexistent/stack.env', PORT: '3000' };
    expect(withLocalStack(env)).toEqual(env);
  });
});

describe(readLocalEnvironment.name, () => {
  it('lets a second worker and the CLI join the local stack with nothing set', () => {
    const dir = checkoutWithStack(
      formatLocalStack(
        { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5433/herald', REDIS_URL: 'redis://127.0.0.1:6380', SECRETS_KEY },
        ['written by npm start'],
      ),
    );
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const worker = loadWorkerConfig(readLocalEnvironment('worker', { HERALD_ENV_FILE: join(dir, 'none.env') }, dir));
      expect(worker.databaseUrl).toBe('postgres://postgres:postgres@127.0.0.1:5433/herald');
      expect(worker.redisUrl).toBe('redis://127.0.0.1:6380');
      expect(worker.secretsKey).toEqual(Buffer.alloc(32, 9));
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/read DATABASE_URL, REDIS_URL, SECRETS_KEY from \.data\/stack\.env/);
      const cli = loadCoreConfig(readLocalEnvironment('cli', { HERALD_ENV_FILE: join(dir, 'none.env'), REDIS_URL: 'redis://10.0.0.1:6379' }, dir));
      expect(cli.redisUrl).toBe('redis://10.0.0.1:6379');
    } finally {
      stderr.mockRestore();
    }
  });

  it('keeps values that dotenv would misread', () => {
    const dir = checkoutWithStack(formatLocalStack({ BULL_BOARD_PASSWORD: 'a b#c"d' }, []));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(readLocalEnvironment('api', { HERALD_ENV_FILE: join(dir, 'none.env') }, dir).BULL_BOARD_PASSWORD).toBe('a b#c"d');
    } finally {
      stderr.mockRestore();
    }
  });
});
