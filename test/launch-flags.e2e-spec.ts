import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The worker's and the simulator's Node flags have one source, scripts/node-flags.json (read by `npm start` and the
// benchmarks); docker-compose.yml and the start:* npm scripts cannot read it and carry them as text.
const read = (file: string) => readFileSync(path.join(process.cwd(), file), 'utf8');
const flags = JSON.parse(read('scripts/node-flags.json')) as { worker: string[]; simulator: string[] };
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

describe('launch flags', () => {
  it('start the worker and the simulator alike everywhere', () => {
    expect(flags.worker).toContain('--max-old-space-size=192');
    // One collector helper thread: shorter scavenges than with none (docs/adr/0011-worker-collector-thread.md).
    expect(flags.worker).toContain('--v8-pool-size=1');
    expect(scripts['start:worker']).toContain(`node ${flags.worker.join(' ')} dist/apps/worker/src/main.js`);
    expect(scripts['start:simulator']).toContain(`node ${flags.simulator.join(' ')} dist/apps/simulator/src/main.js`);
    const compose = read('docker-compose.yml');
    const command = ['node', ...flags.worker, 'dist/apps/worker/src/main.js'].map((part) => JSON.stringify(part)).join(', ');
    expect(compose).toContain(`command: [${command}]`);
  });
});

/** The Compose CLI here, if any: the `docker compose` plugin, or the standalone `docker-compose` (Debian's). */
function composeCli(): string[] | undefined {
  for (const cli of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(cli[0]!, [...cli.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return cli;
  }
  return undefined;
}

const compose = composeCli();
const SECRETS = { POSTGRES_PASSWORD: 'p', ADMIN_TOKEN: 'a', BULL_BOARD_PASSWORD: 'b', SECRETS_KEY: 'k'.repeat(64) };

/** An empty env file: Compose then reads only the environment given, not a .env the checkout may have. */
let emptyEnvDir = '';
const noEnvFile = (): string => path.join(emptyEnvDir, 'empty.env');

/** `<compose> -f docker-compose.yml <args>` with only `env`, as Compose would read it. */
function runCompose(args: string[], env: Record<string, string>) {
  return spawnSync(compose![0]!, [...compose!.slice(1), '--env-file', noEnvFile(), '-f', 'docker-compose.yml', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
}

// Compose validates the file against its schema and resolves anchors and variables without a Docker daemon.
(compose ? describe : describe.skip)('docker-compose.yml, as Compose reads it (no daemon needed)', () => {
  beforeAll(() => {
    emptyEnvDir = mkdtempSync(path.join(tmpdir(), 'herald-compose-'));
    writeFileSync(noEnvFile(), '');
  });
  afterAll(() => rmSync(emptyEnvDir, { recursive: true, force: true }));

  it('is valid with the secrets set: the services, and the sends apart from the events', () => {
    const services = runCompose(['config', '--services'], SECRETS);
    expect([services.status, services.stderr.includes('ERROR')]).toEqual([0, false]);
    expect(services.stdout.trim().split('\n').sort()).toEqual(['api', 'migrations', 'postgres', 'redis', 'worker', 'worker-events']);
    const merged = runCompose(['config'], SECRETS);
    expect(merged.status).toBe(0);
    expect(merged.stdout).toContain('WORKER_QUEUES: campaigns,messages');
    expect(merged.stdout).toContain('WORKER_QUEUES: webhooks,callbacks,imports,maintenance');
  });

  it('refuses to start without a secret, naming it and how to make one', () => {
    const { POSTGRES_PASSWORD: _omitted, ...rest } = SECRETS;
    const refused = runCompose(['config'], rest);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('set POSTGRES_PASSWORD in .env');
  });
});
