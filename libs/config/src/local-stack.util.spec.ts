import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCoreConfig, loadWorkerConfig, readLocalEnvironment } from './config.loader';
import { ConfigError } from './config.error';
import { formatLocalStack, parseLocalStack, readLocalStack, withLocalStack } from './local-stack.util';

const SECRETS_KEY = Buffer.alloc(32, 9).toString('base64');
const STACK = { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5433/herald', REDIS_URL: 'redis://127.0.0.1:6380', SECRETS_KEY };

/** A process that lives as long as the test needs, its command line `node … <name>` as a runner's would be. */
function idleProcess(name: string): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', name], { stdio: 'ignore' });
}

/** A checkout whose `npm start` (pid `pid`) wrote `.data/stack.env` with `values`; returns its directory. */
function checkoutWithStack(values: Record<string, string>, pid: number | undefined): string {
  return checkoutWithText(formatLocalStack({ HERALD_STACK_PID: pid === undefined ? undefined : String(pid), ...values }, ['npm start']));
}

const made: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-stack-spec-'));
  made.push(dir);
  return dir;
}

function checkoutWithText(text: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, '.data'));
  writeFileSync(join(dir, '.data', 'stack.env'), text);
  return dir;
}

/** Runs `read` with stderr captured; returns what it returned and what it wrote there. */
function withStderr<T>(read: () => T): { value: T; stderr: string } {
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const value = read();
    return { value, stderr: stderr.mock.calls.map((call) => String(call[0])).join('') };
  } finally {
    stderr.mockRestore();
  }
}

/** The worker's configuration in checkout `dir` with nothing set, or the error that stopped it. */
function workerIn(dir: string, env: Record<string, string> = {}) {
  return withStderr(() => {
    try {
      return loadWorkerConfig(readLocalEnvironment('worker', { HERALD_ENV_FILE: join(dir, 'none.env'), ...env }, dir));
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
  });
}

let runner: ChildProcess;
beforeAll(() => {
  runner = idleProcess('dist/scripts/stack.js');
});
afterAll(() => {
  runner.kill();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe(withLocalStack.name, () => {
  it('fills what the environment lacks from the stack file of a running stack, and the environment wins', () => {
    const dir = checkoutWithStack({ HERALD_URL: 'http://localhost:3000', HERALD_API_KEY: 'hrld_abc' }, runner.pid);
    const env = withLocalStack({ HERALD_STACK_FILE: join(dir, '.data', 'stack.env'), HERALD_API_KEY: 'hrld_mine' });
    expect(env.HERALD_URL).toBe('http://localhost:3000');
    expect(env.HERALD_API_KEY).toBe('hrld_mine');
    expect(env.HERALD_STACK_PID).toBeUndefined();
  });

  it('returns the environment unchanged without a stack file', () => {
    const env = { HERALD_STACK_FILE: '/nonexistent/stack.env', PORT: '3000' };
    expect(withLocalStack(env)).toEqual(env);
  });
});

describe(readLocalEnvironment.name, () => {
  it('lets a second worker and the CLI join the running local stack with nothing set', () => {
    const dir = checkoutWithStack(STACK, runner.pid);
    const { value: worker, stderr } = workerIn(dir);
    expect(worker).toMatchObject({ databaseUrl: STACK.DATABASE_URL, redisUrl: STACK.REDIS_URL, secretsKey: Buffer.alloc(32, 9) });
    expect(stderr).toMatch(/^herald-worker: read DATABASE_URL, REDIS_URL, SECRETS_KEY from \.data\/stack\.env/);
    const { value: cli } = withStderr(() =>
      loadCoreConfig(readLocalEnvironment('cli', { HERALD_ENV_FILE: join(dir, 'none.env'), REDIS_URL: 'redis://10.0.0.1:6379' }, dir)),
    );
    expect(cli.redisUrl).toBe('redis://10.0.0.1:6379');
  });

  it('ignores the file once the npm start that wrote it is gone, and says why', async () => {
    const dead = idleProcess('dist/scripts/stack.js');
    dead.kill('SIGKILL');
    await once(dead, 'exit');
    const dir = checkoutWithStack(STACK, dead.pid);
    const { value, stderr } = workerIn(dir);
    expect(value).toMatchObject({ variable: 'DATABASE_URL', message: expect.stringMatching(/is missing/) });
    expect(stderr).toBe(`herald-worker: ignored .data/stack.env: the npm start that wrote it (pid ${dead.pid}) no longer runs\n`);
  });

  it('ignores a file whose pid now belongs to another program', () => {
    const other = idleProcess('some-other-program');
    try {
      const { value, stderr } = workerIn(checkoutWithStack(STACK, other.pid));
      expect(value).toBeInstanceOf(ConfigError);
      expect(stderr).toMatch(new RegExp(`ignored \\.data/stack\\.env: the npm start that wrote it \\(pid ${other.pid}\\) no longer runs`));
    } finally {
      other.kill();
    }
  });

  it('ignores a file that names no npm start (written by an older version, in dotenv form)', () => {
    const { value, stderr } = workerIn(checkoutWithText(`DATABASE_URL=${STACK.DATABASE_URL}\nSECRETS_KEY=${SECRETS_KEY}\n`));
    expect(value).toBeInstanceOf(ConfigError);
    expect(stderr).toMatch(/ignored \.data\/stack\.env: it does not name the npm start that wrote it \(no HERALD_STACK_PID\)/);
  });

  it('ignores the file with NODE_ENV=production, from the environment or from .env, even while the stack runs', () => {
    const dir = checkoutWithStack(STACK, runner.pid);
    const fromEnv = workerIn(dir, { NODE_ENV: 'production' });
    expect(fromEnv.value).toBeInstanceOf(ConfigError);
    expect(fromEnv.stderr).toMatch(/^herald-worker: ignored \.data\/stack\.env: NODE_ENV=production takes its settings from the environment and \.env only/);
    const other = checkoutWithStack(STACK, runner.pid);
    writeFileSync(join(other, '.env'), 'NODE_ENV=production\n');
    const fromFile = withStderr(() => readLocalEnvironment('worker', {}, other));
    expect(fromFile.value.DATABASE_URL).toBeUndefined();
    expect(fromFile.value.NODE_ENV).toBe('production');
    expect(fromFile.stderr).toMatch(/ignored \.data\/stack\.env: NODE_ENV=production/);
  });

  it('ignores a file that is not in the form npm start writes, naming the line, rather than read it unlike a shell', () => {
    const dir = checkoutWithText(`# npm start\nHERALD_STACK_PID='${runner.pid}'\nDATABASE_URL="$HOME"\n`);
    const { value, stderr } = workerIn(dir);
    expect(value).toBeInstanceOf(ConfigError);
    expect(stderr).toMatch(/ignored \.data\/stack\.env: line 3 is not NAME='value', the form npm start writes/);
  });
});

describe(formatLocalStack.name, () => {
  const NASTY: Record<string, string> = {
    DOLLAR: 'pa$$word $HOME ${HOME}',
    BACKTICK: '`touch pwned-backtick`',
    SUBSHELL: '$(touch pwned-subshell)',
    SINGLE: "it's",
    DOUBLE: 'say "hi"',
    BOTH: `both ' and " and \``,
    SPACES: '  spaces  around ',
    HASH: '#not a comment # nor this',
    BACKSLASH: "back\\slash \\' \\n",
    QUOTES_ONLY: "''",
    EMPTY: '',
    UNICODE: 'naïve ✓ \t tab',
  };

  it('writes every value in single quotes, read back exactly by the stack file reader', () => {
    const text = formatLocalStack(NASTY, ['a comment']);
    expect(text.split('\n').filter((line) => line && !line.startsWith('#')).every((line) => /^[A-Z_]+='/.test(line) && line.endsWith("'"))).toBe(true);
    expect(text).toContain(`SINGLE='it'\\''s'`);
    expect(parseLocalStack(text)).toEqual(NASTY);
  });

  it('is read by a shell (set -a; . file) to the same values, expanding and running nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'stack.env'), formatLocalStack(NASTY, ['a comment']));
    const names = Object.keys(NASTY);
    const script = `set -a; . ./stack.env; set +a; printf '%s\\0' ${names.map((name) => `"$${name}"`).join(' ')}`;
    const shell = spawnSync('sh', ['-c', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/home/nobody' } });
    expect(shell.stderr).toBe('');
    expect(Object.fromEntries(shell.stdout.split('\0').slice(0, -1).map((value, i) => [names[i], value]))).toEqual(NASTY);
    expect(readdirSync(dir)).toEqual(['stack.env']);
  });

  it('refuses a value with a line break, naming the variable', () => {
    expect(() => formatLocalStack({ BULL_BOARD_PASSWORD: 'two\nlines' }, [])).toThrow(/^BULL_BOARD_PASSWORD cannot be written to the stack file: its value holds a line break/);
    expect(() => formatLocalStack({ X: 'carriage\rreturn' }, [])).toThrow(/^X cannot be written/);
  });

  it('reads values with a quote through readLocalStack as a worker would', () => {
    const dir = checkoutWithStack({ BULL_BOARD_PASSWORD: `a b#c"d'e$f` }, runner.pid);
    expect(readLocalStack({ HERALD_ENV_FILE: join(dir, 'none.env') }, dir).values).toEqual({ BULL_BOARD_PASSWORD: `a b#c"d'e$f` });
  });
});

describe(parseLocalStack.name, () => {
  it('reads bare words and quoted pieces as the shell joins them, and refuses what the shell would expand', () => {
    expect(parseLocalStack("# c\n\nPORT=3000\nURL=http://h:1/x\nA='x'\\''y'z\r\n")).toEqual({ PORT: '3000', URL: 'http://h:1/x', A: "x'yz" });
    const refused = ['A=$HOME', 'A="x"', 'A=`id`', "A='open", 'A=two words', 'A=x?', '1A=x'].map((line) => {
      try {
        return [line, parseLocalStack(`# c\n${line}\n`)];
      } catch (error) {
        return [line, (error as Error).message];
      }
    });
    expect(refused).toEqual(refused.map(([line]) => [line, "line 2 is not NAME='value', the form npm start writes"]));
  });
});
