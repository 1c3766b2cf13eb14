import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';

/** No local stack file: these processes see only what each case gives them. */
const NO_STACK = { HERALD_STACK_FILE: 'test/support/no-such-stack.env' };

describe('process start with a bad configuration', () => {
  it.each([
    ['api', 'dist/apps/api/src/main.js', { PORT: 'not-a-port' }, /^herald-api: invalid configuration: PORT must be a whole number/],
    ['worker', 'dist/apps/worker/src/main.js', { SECRETS_KEY: '' }, /^herald-worker: invalid configuration: SECRETS_KEY is missing/],
    ['api', 'dist/apps/api/src/main.js', { DATABASE_URL: 'mysql://nope' }, /^herald-api: invalid configuration: DATABASE_URL must start with postgres/],
  ])('the %s stops at once with one line naming the variable', (_, entry, env, line) => {
    const result = spawnSync(process.execPath, [entry], { env: { ...process.env, ...NO_STACK, ...env }, encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(78);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('tells a worker or the CLI without DATABASE_URL where npm start would have put it', () => {
    for (const [name, entry, args] of [
      ['worker', 'dist/apps/worker/src/main.js', []],
      ['cli', 'dist/apps/cli/src/main.js', ['workspace', 'create', 'Acme']],
    ] as const) {
      const result = spawnSync(process.execPath, [entry, ...args], { env: { ...process.env, ...NO_STACK, DATABASE_URL: undefined }, encoding: 'utf8', timeout: 15_000 });
      expect([name, result.status]).toEqual([name, 78]);
      expect(result.stderr.trim()).toMatch(
        new RegExp(
          `^herald-${name}: invalid configuration: DATABASE_URL is missing: .* \\(on the machine where \`npm start\` runs, it is read from test/support/no-such-stack\\.env, which does not exist here: start the stack first, or set DATABASE_URL\\)$`,
        ),
      );
    }
  });
});
