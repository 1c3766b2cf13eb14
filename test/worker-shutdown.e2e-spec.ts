import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Client } from 'pg';
import { Queue, QueueEvents } from 'bullmq';
import { JobName, QueueName } from '@herald/queues';

/**
 * A real worker process (the build `npm run start:worker` runs) is stopped while a job is active. The job is
 * held active by a row lock the test owns: the job's DELETE waits on it until the test lets go.
 */
describe('worker shutdown', () => {
  let db: Client;
  let queue: Queue;
  let events: QueueEvents;
  const connection = { url: process.env.REDIS_URL! };
  // A prefix of its own: no jobs or schedules left by other specs' workers can keep this worker busy.
  const prefix = `${process.env.REDIS_PREFIX!}-shutdown`;

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    queue = new Queue(QueueName.Maintenance, { connection, prefix });
    events = new QueueEvents(QueueName.Maintenance, { connection, prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await queue.close();
    await events.close();
    await db.end();
  });

  function startWorker(env: Record<string, string>): { child: ChildProcess; output: () => string } {
    const child = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
      env: { ...process.env, REDIS_PREFIX: prefix, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    return { child, output: () => output };
  }

  /** Inserts a key revoked long ago and locks it, so the purge job blocks on it. */
  async function holdPurgeJob(): Promise<{ release: () => Promise<void> }> {
    const ws = await db.query("INSERT INTO workspaces (name) VALUES ('shutdown test') RETURNING id");
    await db.query(
      "INSERT INTO api_keys (workspace_id, prefix, key_hash, revoked_at) VALUES ($1, 'hrld_x', md5(random()::text) || md5(random()::text), now() - interval '400 days')",
      [ws.rows[0].id],
    );
    await db.query('BEGIN');
    await db.query("SELECT id FROM api_keys WHERE revoked_at < now() - interval '300 days' FOR UPDATE");
    return { release: async () => void (await db.query('COMMIT')) };
  }

  async function waitForActive(jobId: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await queue.getJobState(jobId)) === 'active') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job never became active (state ${await queue.getJobState(jobId)})`);
  }

  it('lets the active job finish on SIGTERM, then exits 0', async () => {
    const lock = await holdPurgeJob();
    const { child, output } = startWorker({ WORKER_SHUTDOWN_GRACE_MS: '20000' });
    const job = await queue.add(JobName.PurgeRevokedApiKeys, {}, { jobId: `shutdown-ok-${Date.now()}` });
    await waitForActive(job.id!);

    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull(); // still waiting for the job
    // Listen before letting go: the worker may finish and exit before the release's answer is read.
    const exited = once(child, 'exit');
    await lock.release();

    const [code] = (await exited) as [number];
    expect(code).toBe(0);
    expect(await queue.getJobState(job.id!)).toBe('completed');
    expect((await queue.getJob(job.id!))!.returnvalue).toEqual({ deleted: 1 });
    expect(output()).toContain('all active jobs finished');
  }, 60_000);

  it('gives up after the grace period and leaves the job to be retried', async () => {
    const lock = await holdPurgeJob();
    const { child, output } = startWorker({ WORKER_SHUTDOWN_GRACE_MS: '300' });
    const job = await queue.add(JobName.PurgeRevokedApiKeys, {}, { jobId: `shutdown-grace-${Date.now()}` });
    await waitForActive(job.id!);
    const started = Date.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(code).toBe(1);
    expect(output()).toContain('grace period over');
    expect(await queue.getJobState(job.id!)).toBe('active'); // locked until it stalls, then retried
    await lock.release();
    await queue.remove(job.id!).catch(() => undefined);
  }, 60_000);
});
