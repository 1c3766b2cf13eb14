import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { parse as parseDotenv } from 'dotenv';
import { QueueName } from '@herald/queues';
import { waitFor } from './support/process-harness';
import { startLocalStack, type LocalStack } from './support/local-stack';

/** A process on this machine with nothing of Herald's in its environment, as in a second terminal. */
const BARE_ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

describe('npm start: a quiet terminal, one summary, and one stack file the worker and the CLI read', () => {
  let stack: LocalStack;
  let file: Record<string, string>;
  beforeAll(async () => {
    stack = await startLocalStack();
    file = parseDotenv(readFileSync(join(stack.dir, '.data', 'stack.env')));
  }, 40_000);
  afterAll(() => stack?.stop());

  it('writes the addresses and local secrets it chose to .data/stack.env, readable by its owner only', async () => {
    expect(statSync(join(stack.dir, '.data', 'stack.env')).mode & 0o777).toBe(0o600);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'SECRETS_KEY', 'ADMIN_TOKEN', 'BULL_BOARD_USER', 'BULL_BOARD_PASSWORD', 'PORT', 'HERALD_URL', 'SIMULATOR_URL', 'HERALD_API_KEY']) {
      expect([name, file[name]]).toEqual([name, expect.stringMatching(/\S/)]);
    }
    expect(file.HERALD_URL).toBe(`http://localhost:${stack.port}`);
    const keys = await fetch(`${file.HERALD_URL}/v1/api-keys`, { headers: { authorization: `Bearer ${file.HERALD_API_KEY}` } });
    expect(keys.status).toBe(200);
    const board = await fetch(`${file.HERALD_URL}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`${file.BULL_BOARD_USER}:${file.BULL_BOARD_PASSWORD}`).toString('base64')}` },
    });
    expect(board.status).toBe(200);
    expect((await fetch(`${file.SIMULATOR_URL}/_sim/health`)).status).toBe(200);
  });

  it('keeps the services\' logs in files and ends the terminal with one block holding what the README promises', () => {
    const out = stack.stdout();
    expect(out).not.toContain('"level"');
    expect(stack.stderr()).toBe('');
    const [before, summary] = out.split(/^-{78}$/m);
    expect(before!.trim().split('\n').length).toBeLessThanOrEqual(8);
    const api = file.HERALD_URL!;
    for (const promised of [
      `API           ${api}`,
      `${api}/docs `,
      `${api}/docs-json`,
      `${api}/health `,
      `${api}/health/ready`,
      `${api}/metrics`,
      `${api}/console`,
      `${api}/admin/queues   user ${file.BULL_BOARD_USER}, password ${file.BULL_BOARD_PASSWORD}`,
      `Simulator     ${file.SIMULATOR_URL}`,
      `Demo API key  ${file.HERALD_API_KEY}`,
      `curl -s -H "Authorization: Bearer ${file.HERALD_API_KEY}" ${api}/v1/api-keys`,
      `${api}/v1/messages`,
      'Stack file    .data/stack.env',
      'Logs          .data/logs/*.log',
    ]) {
      expect(summary).toContain(promised);
    }
    for (const service of ['api', 'worker-1', 'simulator', 'migrate', 'stack']) {
      expect([service, existsSync(join(stack.dir, '.data', 'logs', `${service}.log`))]).toEqual([service, true]);
    }
    expect(readFileSync(join(stack.dir, '.data', 'logs', 'api.log'), 'utf8')).toContain('"level":30');
  });

  it('lets `npm run cli -- workspace create Acme` work in a second terminal with nothing set', () => {
    const cli = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'workspace', 'create', 'Acme'], { cwd: stack.dir, env: BARE_ENV, encoding: 'utf8', timeout: 20_000 });
    expect([cli.status, cli.stdout]).toEqual([0, expect.stringMatching(/^Workspace "Acme" created \(id [0-9a-f-]{36}\)\.\nAPI key \(shown once, store it now\): hrld_/)]);
    expect(cli.stderr).toMatch(/^herald-cli: read DATABASE_URL, REDIS_URL, REDIS_PREFIX, PUBLIC_URL from \.data\/stack\.env/);
  });

  it('lets `npm run start:worker` join the running stack: the same queues, a second worker on them', async () => {
    const queue = new Queue(QueueName.Messages, { connection: { url: file.REDIS_URL }, prefix: file.REDIS_PREFIX });
    try {
      expect(await waitFor(() => queue.getWorkersCount(), (n) => n === 1)).toBe(1);
      const worker = spawn(process.execPath, ['dist/apps/worker/src/main.js'], { cwd: stack.dir, env: BARE_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      worker.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const exited = once(worker, 'exit');
      try {
        expect(await waitFor(() => queue.getWorkersCount(), (n) => n === 2, 15_000)).toBe(2);
        expect(stderr).toMatch(/herald-worker: read DATABASE_URL, REDIS_URL, REDIS_PREFIX, PUBLIC_URL, SECRETS_KEY, CALLBACK_ALLOW_PRIVATE_URLS from \.data\/stack\.env/);
      } finally {
        worker.kill('SIGTERM');
        expect((await exited)[0]).toBe(0);
      }
    } finally {
      await queue.close();
    }
  });

  it('refuses `npm run reset` while the stack runs, naming what runs, and removes nothing', () => {
    const reset = spawnSync(process.execPath, ['dist/scripts/reset.js'], { cwd: stack.dir, env: BARE_ENV, encoding: 'utf8' });
    expect(reset.status).toBe(1);
    expect(reset.stderr).toMatch(/^reset: the local stack still runs: npm start \(pid \d+\)/);
    expect(existsSync(join(stack.dir, '.data', 'stack.env'))).toBe(true);
  });

  it('after Ctrl-C, `npm run reset` says what it removes and removes the local data', async () => {
    stack.process.kill('SIGINT');
    await once(stack.process, 'exit');
    const reset = spawnSync(process.execPath, ['dist/scripts/reset.js'], { cwd: stack.dir, env: BARE_ENV, encoding: 'utf8' });
    expect([reset.status, reset.stdout]).toEqual([0, expect.stringMatching(/^reset: removing the local stack's data .*:\n {2}\.data\n/)]);
    expect(existsSync(join(stack.dir, '.data'))).toBe(false);
  });
});
