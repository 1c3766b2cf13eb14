import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { parseLocalStack } from '@herald/config';
import { QueueName } from '@herald/queues';
import { waitFor } from './support/process-harness';
import { startLocalStack, type LocalStack } from './support/local-stack';

/** A process on this machine with nothing of Herald's in its environment, as in a second terminal. */
const BARE_ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

function readStackFile(dir: string): Record<string, string> {
  return parseLocalStack(readFileSync(join(dir, '.data', 'stack.env'), 'utf8'));
}

/** `npm run cli -- workspace create Acme` in a second terminal with nothing set. */
function createWorkspace(dir: string) {
  return spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'workspace', 'create', 'Acme'], { cwd: dir, env: BARE_ENV, encoding: 'utf8', timeout: 20_000 });
}

function reset(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, ['dist/scripts/reset.js', ...args], { cwd: dir, env: BARE_ENV, encoding: 'utf8' });
}

describe('npm start: a quiet terminal, one summary, and one stack file the worker and the CLI read', () => {
  let stack: LocalStack;
  let file: Record<string, string>;
  beforeAll(async () => {
    stack = await startLocalStack();
    file = readStackFile(stack.dir);
  }, 40_000);
  afterAll(() => stack?.stop());

  it('writes the addresses and local secrets it chose to .data/stack.env, readable by its owner only', async () => {
    expect(statSync(join(stack.dir, '.data', 'stack.env')).mode & 0o777).toBe(0o600);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'SECRETS_KEY', 'ADMIN_TOKEN', 'BULL_BOARD_USER', 'BULL_BOARD_PASSWORD', 'PORT', 'HERALD_URL', 'SIMULATOR_URL', 'HERALD_API_KEY']) {
      expect([name, file[name]]).toEqual([name, expect.stringMatching(/\S/)]);
    }
    expect(file.HERALD_URL).toBe(`http://localhost:${stack.port}`);
    expect(file.HERALD_STACK_PID).toBe(String(stack.process.pid));
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
    // The workers start once the simulator knows the demo number, template and bot again (it keeps nothing across
    // restarts: a worker resuming a run before that failed its sends for good).
    const stackLog = readFileSync(join(stack.dir, '.data', 'logs', 'stack.log'), 'utf8');
    const registered = stackLog.indexOf('Telegram through the simulator');
    const workersStarted = stackLog.indexOf('starting worker-1');
    expect([registered, workersStarted].every((at) => at >= 0) && registered < workersStarted).toBe(true);
  });

  it('lets `npm run cli -- workspace create Acme` work in a second terminal with nothing set', () => {
    const cli = createWorkspace(stack.dir);
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
        expect(stderr).toMatch(/herald-worker: read DATABASE_URL, REDIS_URL, REDIS_PREFIX, PUBLIC_URL, SECRETS_KEY, CALLBACK_ALLOW_PRIVATE_URLS, MEDIA_ALLOW_PRIVATE_URLS from \.data\/stack\.env/);
      } finally {
        worker.kill('SIGTERM');
        expect((await exited)[0]).toBe(0);
      }
    } finally {
      await queue.close();
    }
  });

  it('refuses `npm run reset` while the stack runs, naming what runs, and removes nothing', () => {
    const refused = reset(stack.dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^reset: the local stack still runs: npm start \(pid \d+\)/);
    expect(existsSync(join(stack.dir, '.data', 'stack.env'))).toBe(true);
  });

  it('removes the stack file on Ctrl-C: a second terminal is then told to start the stack, not sent to its old database', async () => {
    stack.process.kill('SIGINT');
    await once(stack.process, 'exit');
    expect(existsSync(join(stack.dir, '.data', 'stack.env'))).toBe(false);
    const cli = createWorkspace(stack.dir);
    expect([cli.status, cli.stderr]).toEqual([78, expect.stringMatching(/DATABASE_URL is missing: .*which does not exist here: start the stack first/)]);
  });

  it('`npm run reset` removes the rest but keeps the secrets and the demo workspace of a database named in DATABASE_URL, and says why', () => {
    const kept = reset(stack.dir);
    expect(kept.status).toBe(0);
    // Under a directory the postgres user cannot enter (a mktemp checkout), the embedded binaries' copy under
    // /var/lib/herald is this checkout's too, and goes with the rest.
    expect(kept.stdout).toMatch(/^reset: removing the local stack's data \(all but the files tied to your database, below\):\n( {2}(\.data|\/var\/lib\/herald)\/\S+\n)+reset: kept/);
    expect(kept.stdout).toContain('  .data/logs\n');
    expect(kept.stdout).toMatch(/reset: kept \.data\/local-secrets\.json, \.data\/demo-workspace\.json, .*:\n {2}the database in DATABASE_URL \(postgres:\/\/.*herald_stack_\w+\) is yours/);
    expect(kept.stdout).toContain('`npm run reset -- --force` removes them too');
    expect(readdirSync(join(stack.dir, '.data')).sort()).toEqual(['demo-channel.json', 'demo-telegram.json', 'demo-workspace.json', 'external-databases.json', 'local-secrets.json']);
  });

  describe('started again after the reset', () => {
    let again: LocalStack;
    /** The apps a stack killed outright leaves running. */
    let orphans: number[] = [];
    beforeAll(async () => {
      again = await startLocalStack({}, stack);
    }, 40_000);
    afterAll(async () => {
      for (const pid of orphans) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await again?.stop();
    });

    it('uses that database with the same key and demo workspace, and names itself in the new stack file', async () => {
      const now = readStackFile(again.dir);
      expect(now.HERALD_STACK_PID).toBe(String(again.process.pid));
      expect(now.HERALD_STACK_PID).not.toBe(file.HERALD_STACK_PID);
      // The first start's key and demo workspace (its channels' tokens sealed with that key are still readable).
      expect([now.SECRETS_KEY, now.HERALD_API_KEY]).toEqual([file.SECRETS_KEY, file.HERALD_API_KEY]);
      expect((await fetch(`${now.HERALD_URL}/v1/api-keys`, { headers: { authorization: `Bearer ${now.HERALD_API_KEY}` } })).status).toBe(200);
      expect(again.stderr()).toBe('');
    });

    it('killed outright, it leaves its file, which the CLI then ignores, saying why', async () => {
      orphans = (JSON.parse(readFileSync(join(again.dir, '.data', 'stack.json'), 'utf8')) as { children: number[] }).children;
      again.process.kill('SIGKILL');
      await once(again.process, 'exit');
      expect(existsSync(join(again.dir, '.data', 'stack.env'))).toBe(true);
      const cli = createWorkspace(again.dir);
      expect(cli.status).toBe(78);
      expect(cli.stderr).toMatch(new RegExp(`^herald-cli: ignored \\.data/stack\\.env: the npm start that wrote it \\(pid ${again.process.pid}\\) no longer runs\n`));
      expect(cli.stderr).toMatch(/herald-cli: invalid configuration: DATABASE_URL is missing/);
    });

    it('`npm run reset -- --force` removes everything, saying what that costs', () => {
      const forced = reset(again.dir, '--force');
      expect([forced.status, forced.stdout]).toEqual([0, expect.stringMatching(/^reset: removing the local stack's data .*:\n {2}\.data\n/)]);
      expect(forced.stdout).toMatch(/--force: the data in postgres:\/\/.* stays, but the SECRETS_KEY that sealed its channels' tokens goes/);
      expect(existsSync(join(again.dir, '.data'))).toBe(false);
    });
  });
});

describe('npm start with a Demo workspace file its database does not know (a new DATABASE_URL, a dropped database)', () => {
  const stale = { id: '00000000-0000-4000-8000-000000000000', name: 'Demo', apiKey: `hrld_${'A'.repeat(43)}` };
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({}, undefined, (dir) => {
      mkdirSync(join(dir, '.data'), { recursive: true });
      writeFileSync(join(dir, '.data', 'demo-workspace.json'), JSON.stringify(stale), { mode: 0o600 });
    });
  }, 40_000);
  afterAll(() => stack?.stop());

  it('creates the Demo workspace anew, says so, and prints and keeps a key the API takes', async () => {
    expect(stack.stdout()).toContain(`the Demo workspace in .data/demo-workspace.json (${stale.id}) is not in this database: creating a new one`);
    const kept = JSON.parse(readFileSync(join(stack.dir, '.data', 'demo-workspace.json'), 'utf8')) as typeof stale;
    const file = readStackFile(stack.dir);
    expect(kept.apiKey).not.toBe(stale.apiKey);
    expect(file.HERALD_API_KEY).toBe(kept.apiKey);
    expect(stack.stdout()).toContain(`Demo API key  ${kept.apiKey}`);
    expect(stack.stdout()).not.toContain(stale.apiKey + '\n');
    const keys = await fetch(`${file.HERALD_URL}/v1/api-keys`, { headers: { authorization: `Bearer ${kept.apiKey}` } });
    expect(keys.status).toBe(200);
    // The demo channel was made in the new workspace: the printed send works with the printed key.
    const channels = (await (await fetch(`${file.HERALD_URL}/v1/channels`, { headers: { authorization: `Bearer ${kept.apiKey}` } })).json()) as Array<{ type: string }>;
    expect(channels.map((c) => c.type).sort()).toEqual(['telegram', 'whatsapp']);
    expect(stack.stderr()).toBe('');
  });
});
