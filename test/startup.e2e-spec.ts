import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';

describe('process start with a bad configuration', () => {
  it.each([
    ['api', 'dist/apps/api/src/main.js', { PORT: 'not-a-port' }, /^herald-api: invalid configuration: PORT must be a whole number/],
    ['worker', 'dist/apps/worker/src/main.js', { SECRETS_KEY: '' }, /^herald-worker: invalid configuration: SECRETS_KEY is missing/],
    ['api', 'dist/apps/api/src/main.js', { DATABASE_URL: 'mysql://nope' }, /^herald-api: invalid configuration: DATABASE_URL must start with postgres/],
  ])('the %s stops at once with one line naming the variable', (_, entry, env, line) => {
    const result = spawnSync(process.execPath, [entry], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(78);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });
});
