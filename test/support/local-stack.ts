import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropDatabase, withDatabase } from '@herald/local-services';
import { freePort } from './process-harness';

/** `npm start` (dist/scripts/stack.js) in a checkout of its own, on a database and Redis prefix of its own. */
export interface LocalStack {
  /** The checkout: its .data/ is this stack's. */
  readonly dir: string;
  /** Its database on this run's Postgres server (named in DATABASE_URL, as a user's own would be). */
  readonly database: string;
  readonly port: number;
  /** What it printed on stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  readonly process: ChildProcess;
  /** Ctrl-C, then the database and the checkout go. */
  stop(): Promise<void>;
}

const SUMMARY_END = /^-{78}$/m;

/**
 * A checkout is the built code linked in (dist, node_modules, scripts) beside a .data/ of its own, so the stack's
 * files are this test's. The test's environment gives it this run's Postgres server and Redis (found, not started)
 * under names of its own; what the stack generates (secrets, the demo workspace) it generates as on a new machine.
 * Given `again`, a stack that has stopped, it starts once more in that checkout on that database, as a second
 * `npm start` would. `prepare` is given the checkout before the stack starts (to leave files in its .data/).
 */
export async function startLocalStack(env: Record<string, string> = {}, again?: LocalStack, prepare?: (dir: string) => void): Promise<LocalStack> {
  const root = process.cwd();
  const dir = again?.dir ?? mkdtempSync(join(tmpdir(), 'herald-stack-'));
  if (!again) for (const name of ['dist', 'node_modules', 'scripts', 'package.json']) symlinkSync(resolve(root, name), join(dir, name));
  prepare?.(dir);
  const database = again?.database ?? `herald_stack_${randomBytes(4).toString('hex')}`;
  const adminUrl = process.env.HERALD_TEST_ADMIN_DATABASE_URL!;
  const [port, simulatorPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['dist/scripts/stack.js'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: withDatabase(adminUrl, database),
      REDIS_URL: process.env.REDIS_URL,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-${database}`,
      PORT: String(port),
      SIMULATOR_PORT: String(simulatorPort),
      WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const ended = once(child, 'exit');
  const stack: LocalStack = {
    dir,
    database,
    port,
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await ended;
      }
      await dropDatabase(adminUrl, database).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Up once the summary block is closed (its second rule), or never: then the output says why.
  const deadline = Date.now() + 30_000;
  while ((stdout.match(new RegExp(SUMMARY_END.source, 'gm')) ?? []).length < 2) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stack.stop();
      throw new Error(`npm start did not come up:\n${stdout}\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return stack;
}
